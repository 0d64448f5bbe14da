"""Render the demo's posts as each network's real API payloads.

X: v2 recent-search pages (data + includes.users/places/media/tweets + meta).
Mastodon: hashtag-timeline status arrays, one per configured instance, each
with its own instance-local ids for the same status ``uri``. Bluesky:
``app.bsky.feed.searchPosts`` pages of PostViews (reposts are not search
results; they only show in the counts, as on the real service).
"""

from __future__ import annotations

import hashlib
import re
from datetime import UTC, datetime
from html import escape
from urllib.parse import quote, urlparse

from ..normalise.common import HASHTAG
from ..normalise.x import SNOWFLAKE_EPOCH_MS
from .personas import Persona
from .script import SimPost

MENTION = re.compile(r"@([\w.]+)")
COLOURS = ["#0f766e", "#1d4ed8", "#b45309", "#7c3aed", "#be123c", "#15803d", "#0369a1", "#a21caf"]


def iso(ts: float) -> str:
    return datetime.fromtimestamp(ts, tz=UTC).strftime("%Y-%m-%dT%H:%M:%S.%f")[:-3] + "Z"


def snowflake(post: SimPost, epoch_ms: int = SNOWFLAKE_EPOCH_MS, shift: int = 22) -> str:
    return str(((int(post.ts * 1000) - epoch_ms) << shift) | (post.idx % (1 << 12)))


def avatar(p: Persona) -> str:
    """An offline avatar: the persona's initials on a colour, as an SVG data URI."""
    initials = "".join(w[0] for w in p.name.split()[:2] if w).upper() or "?"
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='96' height='96'><rect width='96' height='96' rx='48' "
        f"fill='{COLOURS[p.idx % len(COLOURS)]}'/><text x='48' y='60' font-size='38' font-family='sans-serif' "
        f"text-anchor='middle' fill='white'>{escape(initials)}</text></svg>"
    )
    return "data:image/svg+xml," + quote(svg)


def photo(post: SimPost) -> str:
    """An offline 'slide photo' thumbnail as an SVG data URI."""
    svg = (
        f"<svg xmlns='http://www.w3.org/2000/svg' width='320' height='180'><rect width='320' height='180' "
        f"fill='#1e293b'/><rect x='40' y='30' width='240' height='120' fill='#f8fafc'/><text x='160' y='98' "
        f"font-size='18' font-family='sans-serif' text-anchor='middle' fill='#0f172a'>Slide {post.idx % 40 + 1}</text></svg>"
    )
    return "data:image/svg+xml," + quote(svg)


def _likes_at(post: SimPost, now: float) -> int:
    return int(post.likes * min(1.0, max(0.0, now - post.ts) / 7200))


def counts_at(post: SimPost, children: dict[int, list[SimPost]], now: float) -> dict[str, int]:
    """Engagement as the API would report it at ``now``."""
    seen = [c for c in children.get(post.idx, []) if c.ts <= now]
    return {kind: sum(1 for c in seen if c.kind == kind) for kind in ("reply", "repost", "quote")} | {
        "like": _likes_at(post, now)
    }


# --- X -------------------------------------------------------------------------------------


def _x_entities(post: SimPost) -> dict:
    handles = {p.handle.casefold(): p for p in post.mentions}
    return {
        "hashtags": [{"start": m.start(), "end": m.end(), "tag": m.group(1)} for m in HASHTAG.finditer(post.text)],
        "mentions": [
            {"start": m.start(), "end": m.end(), "username": m.group(1), "id": handles[m.group(1).casefold()].author_id}
            for m in MENTION.finditer(post.text)
            if m.group(1).casefold() in handles
        ],
        "urls": [
            {
                "start": post.text.find(u),
                "end": post.text.find(u) + len(u),
                "url": f"https://t.co/{_short(u)}",
                "expanded_url": u,
                "display_url": u.split("//", 1)[-1][:26],
            }
            for u in post.links
        ],
    }


def _short(url: str) -> str:
    return hashlib.sha1(url.encode()).hexdigest()[:10]


def x_user(p: Persona) -> dict:
    return {
        "id": p.author_id,
        "username": p.handle,
        "name": p.name,
        "location": p.location,
        "description": p.bio,
        "profile_image_url": avatar(p),
        "created_at": "2011-03-01T12:00:00.000Z",
        "verified": False,
        "public_metrics": {
            "followers_count": p.followers,
            "following_count": 300 + p.idx % 500,
            "tweet_count": 1000 + p.idx * 13,
            "listed_count": p.idx % 40,
        },
    }


def x_tweet(post: SimPost, children: dict[int, list[SimPost]], now: float) -> dict:
    c = counts_at(post, children, now)
    tweet = {
        "id": snowflake(post),
        "text": post.text,
        "author_id": post.persona.author_id,
        "created_at": iso(post.ts),
        "lang": post.lang,
        "conversation_id": snowflake(post.parent or post),
        "source": "Twitter Web App",
        "entities": _x_entities(post),
        "possibly_sensitive": False,
        "public_metrics": {
            "retweet_count": c["repost"],
            "reply_count": c["reply"],
            "like_count": c["like"],
            "quote_count": c["quote"],
        },
    }
    if post.parent:
        kind = {"reply": "replied_to", "repost": "retweeted", "quote": "quoted"}[post.kind]
        tweet["referenced_tweets"] = [{"type": kind, "id": snowflake(post.parent)}]
        if post.kind == "reply":
            tweet["in_reply_to_user_id"] = post.parent.persona.author_id
        if post.kind == "repost":
            tweet["text"] = f"RT @{post.parent.persona.handle}: {post.parent.text}"[:140]
    if post.media:
        tweet["attachments"] = {"media_keys": [f"3_{snowflake(post)}"]}
    if post.geo:
        lat, lon, place = post.geo
        tweet["geo"] = {"place_id": _place_id(place), "coordinates": {"type": "Point", "coordinates": [lon, lat]}}
    return tweet


def _place_id(name: str) -> str:
    return hashlib.sha1(name.encode()).hexdigest()[:16]


def x_page(posts: list[SimPost], children: dict[int, list[SimPost]], now: float) -> dict:
    """A recent-search response page holding ``posts`` (newest first, as the API sends them)."""
    ordered = sorted(posts, key=lambda p: p.ts, reverse=True)
    users = {p.persona.idx: p.persona for p in ordered} | {
        p.parent.persona.idx: p.parent.persona for p in ordered if p.parent
    }
    places = {p.geo[2]: p.geo for p in ordered if p.geo}
    return {
        "data": [x_tweet(p, children, now) for p in ordered],
        "includes": {
            "users": [x_user(u) for u in users.values()],
            "places": [
                {
                    "id": _place_id(name),
                    "full_name": name,
                    "name": name.split(",")[0],
                    "place_type": "poi",
                    "country": "",
                    "country_code": "",
                    "geo": {
                        "type": "Feature",
                        "bbox": [lon - 0.001, lat - 0.001, lon + 0.001, lat + 0.001],
                        "properties": {},
                    },
                }
                for name, (lat, lon, _) in places.items()
            ],
            "media": [{"media_key": f"3_{snowflake(p)}", "type": "photo", "url": photo(p)} for p in ordered if p.media],
            "tweets": [x_tweet(p.parent, children, now) for p in ordered if p.parent],
        },
        "meta": {"newest_id": snowflake(ordered[0]), "oldest_id": snowflake(ordered[-1]), "result_count": len(ordered)},
    }


# --- Mastodon ------------------------------------------------------------------------------


def local_id(instance: str, key: str) -> str:
    """A stable instance-local id: every instance numbers the same object differently."""
    return str(int(hashlib.sha1(f"{instance}|{key}".encode()).hexdigest()[:12], 16))


def _status_uri(post: SimPost) -> str:
    p = post.persona
    return f"https://{p.home}/users/{p.handle}/statuses/{snowflake(post, 0, 16)}"


def _account(p: Persona, instance: str) -> dict:
    host = urlparse(instance).hostname
    return {
        "id": local_id(instance, p.author_id),
        "username": p.handle,
        "acct": p.handle if p.home == host else p.author_id,
        "display_name": p.name,
        "note": f"<p>{escape(p.bio)}</p>",
        "url": f"https://{p.home}/@{p.handle}",
        "uri": f"https://{p.home}/users/{p.handle}",
        "avatar": avatar(p),
        "avatar_static": avatar(p),
        "followers_count": p.followers,
        "following_count": 200,
        "statuses_count": 500 + p.idx,
        "locked": False,
        "bot": False,
        "group": False,
        "discoverable": True,
        "created_at": "2018-04-01T00:00:00.000Z",
        "emojis": [],
        "fields": [{"name": "Location", "value": escape(p.location), "verified_at": None}] if p.location else [],
    }


def _content(post: SimPost, instance: str) -> str:
    """The status's HTML as Mastodon renders it: escaped text, linked tags and mentions."""
    html = escape(post.text)
    html = HASHTAG.sub(
        lambda m: (
            f'<a href="{instance}/tags/{m.group(1)}" class="mention hashtag" rel="tag">#<span>{m.group(1)}</span></a>'
        ),
        html,
    )
    homes = {p.handle.casefold(): p.home for p in post.mentions}

    def linked(m: re.Match) -> str:
        name = m.group(1).rstrip(".")
        if name.casefold() not in homes:
            return m.group(0)
        return (
            f'<span class="h-card"><a href="https://{homes[name.casefold()]}/@{name}" class="u-url mention">'
            f"@<span>{name}</span></a></span>{m.group(1)[len(name) :]}"
        )

    html = MENTION.sub(linked, html)  # one pass: a person mentioned twice is linked twice, never inside a link
    for url in post.links:
        html = html.replace(
            escape(url), f'<a href="{escape(url)}" rel="nofollow noopener" target="_blank">{escape(url)}</a>'
        )
    return f"<p>{html}</p>"


def mastodon_status(post: SimPost, instance: str, children: dict[int, list[SimPost]], now: float) -> dict:
    c = counts_at(post, children, now)
    if post.kind == "repost":
        inner = mastodon_status(post.parent, instance, children, now)
        return {
            **inner,
            "id": local_id(instance, _status_uri(post)),
            "uri": _status_uri(post) + "/activity",
            "url": None,
            "created_at": iso(post.ts),
            "content": "",
            "reblog": inner,
            "account": _account(post.persona, instance),
            "tags": [],
            "mentions": [],
            "media_attachments": [],
        }
    parent = post.parent if post.kind == "reply" else None
    status = {
        "id": local_id(instance, _status_uri(post)),
        "created_at": iso(post.ts),
        "uri": _status_uri(post),
        "url": f"https://{post.persona.home}/@{post.persona.handle}/{snowflake(post, 0, 16)}",
        "in_reply_to_id": local_id(instance, _status_uri(parent)) if parent else None,
        "in_reply_to_account_id": local_id(instance, parent.persona.author_id) if parent else None,
        "sensitive": False,
        "spoiler_text": "",
        "visibility": "public",
        "language": post.lang,
        "replies_count": c["reply"],
        "reblogs_count": c["repost"],
        "favourites_count": c["like"],
        "quotes_count": c["quote"],
        "content": _content(post, instance),
        "reblog": None,
        "account": _account(post.persona, instance),
        "media_attachments": [
            {
                "id": local_id(instance, f"m{post.idx}"),
                "type": "image",
                "url": photo(post),
                "preview_url": photo(post),
                "description": "A slide",
            }
        ]
        if post.media
        else [],
        "mentions": [
            {
                "id": local_id(instance, p.author_id),
                "username": p.handle,
                "acct": p.author_id,
                "url": f"https://{p.home}/@{p.handle}",
            }
            for p in post.mentions
        ],
        "tags": [{"name": t, "url": f"{instance}/tags/{t}"} for t in HASHTAG.findall(post.text)],
        "emojis": [],
        "card": None,
        "poll": None,
    }
    if post.kind == "quote":
        status["quote"] = {"state": "accepted", "quoted_status": {"uri": _status_uri(post.parent)}}
    return status


# --- Bluesky -------------------------------------------------------------------------------


def _tid(post: SimPost) -> str:
    alphabet, n = "234567abcdefghijklmnopqrstuvwxyz", (int(post.ts * 1_000_000) << 10) | (post.idx % 1024)
    return "".join(alphabet[(n >> (5 * i)) & 31] for i in reversed(range(13)))


def bluesky_uri(post: SimPost) -> str:
    return f"at://{post.persona.author_id}/app.bsky.feed.post/{_tid(post)}"


def _facets(post: SimPost) -> list[dict]:
    def span(start: int, end: int) -> dict:
        return {"byteStart": len(post.text[:start].encode()), "byteEnd": len(post.text[:end].encode())}

    facets = [
        {"index": span(m.start(), m.end()), "features": [{"$type": "app.bsky.richtext.facet#tag", "tag": m.group(1)}]}
        for m in HASHTAG.finditer(post.text)
    ]
    by_handle = {p.handle: p for p in post.mentions}
    facets += [
        {
            "index": span(m.start(), m.end()),
            "features": [{"$type": "app.bsky.richtext.facet#mention", "did": by_handle[m.group(1)].author_id}],
        }
        for m in MENTION.finditer(post.text)
        if m.group(1) in by_handle
    ]
    facets += [
        {
            "index": span(post.text.find(u), post.text.find(u) + len(u)),
            "features": [{"$type": "app.bsky.richtext.facet#link", "uri": u}],
        }
        for u in post.links
    ]
    return facets


def post_view(post: SimPost, children: dict[int, list[SimPost]], now: float) -> dict:
    c, p = counts_at(post, children, now), post.persona
    record = {
        "$type": "app.bsky.feed.post",
        "createdAt": iso(post.ts),
        "text": post.text,
        "langs": [post.lang],
        "facets": _facets(post),
    }
    view = {
        "uri": bluesky_uri(post),
        "cid": "bafyrei" + hashlib.sha1(bluesky_uri(post).encode()).hexdigest()[:40],
        "author": {
            "did": p.author_id,
            "handle": p.handle,
            "displayName": p.name,
            "avatar": avatar(p),
            "labels": [],
            "createdAt": "2023-05-01T00:00:00.000Z",
        },
        "record": record,
        "replyCount": c["reply"],
        "repostCount": c["repost"],
        "likeCount": c["like"],
        "quoteCount": c["quote"],
        "indexedAt": iso(post.ts + 1),
        "labels": [],
    }
    if post.kind == "reply":
        ref = {"uri": bluesky_uri(post.parent), "cid": "bafyreiparent"}
        record["reply"] = {"root": ref, "parent": ref}
    if post.kind == "quote":
        record["embed"] = {
            "$type": "app.bsky.embed.record",
            "record": {"uri": bluesky_uri(post.parent), "cid": "bafyreiquoted"},
        }
    elif post.media:
        record["embed"] = {
            "$type": "app.bsky.embed.images",
            "images": [
                {
                    "alt": "A slide",
                    "image": {
                        "$type": "blob",
                        "ref": {"$link": "bafkreislide"},
                        "mimeType": "image/jpeg",
                        "size": 120_000,
                    },
                }
            ],
        }
        view["embed"] = {
            "$type": "app.bsky.embed.images#view",
            "images": [{"thumb": photo(post), "fullsize": photo(post), "alt": "A slide"}],
        }
    return view


def bluesky_profiles(personas: list[Persona]) -> dict:
    """An ``app.bsky.actor.getProfiles`` answer (profileViewDetailed) for ``personas``: search results carry no
    follower counts, so the refresh fetches the authors' profiles, as this stands for."""
    return {
        "profiles": [
            {
                "did": p.author_id,
                "handle": p.handle,
                "displayName": p.name,
                "description": p.bio,
                "avatar": avatar(p),
                "followersCount": p.followers,
                "followsCount": 300 + p.idx % 500,
                "postsCount": 1000 + p.idx * 13,
                "createdAt": "2023-05-01T00:00:00.000Z",
                "labels": [],
            }
            for p in personas
        ]
    }


def search_page(posts: list[SimPost], children: dict[int, list[SimPost]], now: float, cursor: str) -> dict:
    shown = sorted((p for p in posts if p.kind != "repost"), key=lambda p: p.ts, reverse=True)
    return {"posts": [post_view(p, children, now) for p in shown], "cursor": cursor, "hitsTotal": len(shown)}
