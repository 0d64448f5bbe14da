"""Bluesky PostViews (searchPosts) and Jetstream v1 events → posts and authors.

A post's native id is its at:// URI; authors are keyed by DID. Jetstream
carries no profile, so its authors are partial and never overwrite a
profile learned from search.
"""

from __future__ import annotations

from .common import PAYLOAD_ERRORS, as_int, as_list, as_str, parse_time, require, require_id
from .models import Author, Batch, Post

NETWORK = "bluesky"
POST = "app.bsky.feed.post"


def _facets(record: dict) -> tuple[list[str], list[str], list[str]]:
    """Tags, mentioned DIDs and links carried in the record's rich-text facets."""
    tags, mentions, links = [], [], []
    features = [
        f
        for facet in record.get("facets") or []
        if isinstance(facet, dict)
        for f in facet.get("features") or []
        if isinstance(f, dict)
    ]
    for feature in features:
        kind = as_str(feature.get("$type") or feature.get("py_type"))
        if kind.endswith("#tag") and feature.get("tag"):
            tags.append(as_str(feature["tag"]).lstrip("#").casefold())
        elif kind.endswith("#mention") and feature.get("did"):
            mentions.append(as_str(feature["did"]))
        elif kind.endswith("#link") and feature.get("uri"):
            links.append(as_str(feature["uri"]))
    return tags, mentions, links


def _embed(record: dict) -> tuple[int, list[str], str | None]:
    """Media count, external link and quoted post URI of a record's embed."""
    embed = record.get("embed") if isinstance(record.get("embed"), dict) else {}
    kind = as_str(embed.get("$type") or embed.get("py_type"))
    media = embed.get("media") if kind.endswith("recordWithMedia") else embed
    media = media if isinstance(media, dict) else {}
    images = media.get("images") or []
    count = len(images) if isinstance(images, list) else 0
    if as_str(media.get("$type")).endswith("video") or "video" in media:
        count += 1
    external = (media.get("external") or {}).get("uri") if isinstance(media.get("external"), dict) else None
    quoted = embed.get("record") if isinstance(embed.get("record"), dict) else None
    if quoted and isinstance(quoted.get("record"), dict):
        quoted = quoted["record"]
    return count, ([as_str(external)] if external else []), (as_str(quoted.get("uri")) if quoted else None)


def _view_media(view_embed) -> tuple[list[str], list[str]]:
    """Thumbnail URLs and their alt texts from a PostView's hydrated embed."""
    if not isinstance(view_embed, dict):
        return [], []
    media = view_embed.get("media") if isinstance(view_embed.get("media"), dict) else view_embed
    images = [i for i in as_list(media.get("images")) if isinstance(i, dict)]
    return [as_str(i.get("thumb")) for i in images], [as_str(i.get("alt")) for i in images]


def web_url(handle_or_did: str, uri: str) -> str:
    return f"https://bsky.app/profile/{handle_or_did}/post/{uri.rsplit('/', 1)[-1]}"


def _post(uri: str, did: str, record: dict, source: str, handle: str = "") -> Post:
    tags, mentions, links = _facets(record)
    media_count, external, quoted = _embed(record)
    reply = record.get("reply") if isinstance(record.get("reply"), dict) else {}
    parent = as_str((reply.get("parent") or {}).get("uri")) if isinstance(reply.get("parent"), dict) else ""
    langs = record.get("langs") or []
    return Post(
        network=NETWORK,
        native_id=uri,
        uri=uri,
        url=web_url(handle or did, uri),
        author_id=did,
        created_at=parse_time(record.get("createdAt") or record.get("created_at")),
        text=as_str(record.get("text")),
        lang=as_str(langs[0]) if isinstance(langs, list) and langs else "",
        hashtags=tags + [t.casefold() for t in record.get("tags") or [] if isinstance(t, str)],
        mentions=mentions,
        links=list(dict.fromkeys(links + external)),
        media_count=media_count,
        reply_to=parent or None,
        reply_to_author=_did_of(parent),
        quote_of=quoted,
        source=source,
        copy_of=as_str(record.get("bridgyOriginalUrl")),
    )


def _did_of(uri: str) -> str | None:
    return uri.split("/")[2] if uri.startswith("at://") and uri.count("/") >= 2 else None


def author_from_profile(profile: dict) -> Author:
    did = require_id(profile, "did")
    handle = as_str(profile.get("handle")) or did
    return Author(
        network=NETWORK,
        author_id=did,
        handle=handle,
        display_name=as_str(profile.get("displayName") or profile.get("display_name")),
        followers=as_int(profile.get("followersCount", profile.get("followers_count"))),
        description=as_str(profile.get("description")),
        avatar_url=as_str(profile.get("avatar")),
        url=f"https://bsky.app/profile/{handle}",
    )


def post_from_view(view: dict, source: str = "") -> Post:
    """An ``app.bsky.feed.defs#postView`` → Post, with its counts and thumbnails."""
    author = require(view, "author")
    post = _post(
        require_id(view, "uri"),
        require_id(author, "did"),
        require(view, "record"),
        source,
        handle=as_str(author.get("handle")),
    )
    post.like_count = as_int(view.get("likeCount", view.get("like_count")))
    post.repost_count = as_int(view.get("repostCount", view.get("repost_count")))
    post.reply_count = as_int(view.get("replyCount", view.get("reply_count")))
    post.quote_count = as_int(view.get("quoteCount", view.get("quote_count")))
    post.media_urls, post.media_alts = _view_media(view.get("embed"))
    return post


def normalise_search(page: dict | list, source: str = "bluesky") -> Batch:
    """A searchPosts response (or a list of PostViews) → Batch."""
    views = page.get("posts") if isinstance(page, dict) else page
    batch = Batch()
    for view in views or []:
        try:
            batch.posts.append(post_from_view(view, source))
            batch.authors.append(author_from_profile(view["author"]))
        except PAYLOAD_ERRORS as exc:
            batch.rejected.append(f"bluesky post: {exc}")
    return batch


def normalise_profiles(page: dict, source: str = "bluesky") -> Batch:
    """An ``app.bsky.actor.getProfiles`` response → Batch of authors (with their follower counts)."""
    batch = Batch()
    for profile in page.get("profiles") or [] if isinstance(page, dict) else []:
        try:
            batch.authors.append(author_from_profile(profile))
        except PAYLOAD_ERRORS as exc:
            batch.rejected.append(f"bluesky profile: {exc}")
    return batch


def normalise_jetstream(event: dict, source: str = "jetstream") -> Batch:
    """One Jetstream v1 event → Batch: a new post, a deletion, or nothing."""
    batch = Batch()
    commit = event.get("commit") if isinstance(event, dict) else None
    if not isinstance(commit, dict) or event.get("kind") != "commit" or commit.get("collection") != POST:
        return batch
    try:
        did = require_id(event, "did")
        uri = f"at://{did}/{POST}/{require_id(commit, 'rkey')}"
        if commit.get("operation") == "delete":
            batch.deleted.append(f"{NETWORK}:{uri}")
        elif commit.get("operation") in ("create", "update"):
            batch.posts.append(_post(uri, did, require(commit, "record"), source))
            batch.authors.append(
                Author(network=NETWORK, author_id=did, handle=did, partial=True, url=f"https://bsky.app/profile/{did}")
            )
    except PAYLOAD_ERRORS as exc:
        batch.rejected.append(f"jetstream event {event.get('time_us', '?')}: {exc}")
    return batch
