"""X API v2 pages → posts and authors.

``flatten`` is pure, as in twarc2: it attaches ``includes`` (users, places,
media, referenced tweets) to each tweet so the rest reads one object.
"""

from __future__ import annotations

from datetime import UTC, datetime

from .common import PAYLOAD_ERRORS, NormaliseError, as_dict, as_int, as_list, as_str, parse_time, require_id
from .models import Author, Batch, Post

NETWORK = "x"
SNOWFLAKE_EPOCH_MS = 1288834974657


def flatten(page: dict) -> list[dict]:
    """Each tweet of ``page['data']`` with its author, place, media and references inlined."""
    if not isinstance(page, dict):
        raise NormaliseError(f"an X page is an object, found {type(page).__name__}")
    data = page.get("data")
    data = [data] if isinstance(data, dict) else as_list(data)
    includes = as_dict(page.get("includes"))
    users = _index(includes.get("users"), "id")
    places = _index(includes.get("places"), "id")
    media = _index(includes.get("media"), "media_key")
    tweets = _index(includes.get("tweets"), "id")
    out = []
    for tweet in data:
        if not isinstance(tweet, dict):
            continue
        t = dict(tweet)
        t["author"] = users.get(_key(t.get("author_id")))
        geo = as_dict(t.get("geo"))
        t["geo"] = {**geo, "place": places.get(_key(geo.get("place_id")))}
        keys = as_list(as_dict(t.get("attachments")).get("media_keys"))
        t["media"] = [media[k] for k in map(_key, keys) if k in media]
        t["referenced"] = [
            {**r, "tweet": tweets.get(_key(r.get("id")))}
            for r in as_list(t.get("referenced_tweets"))
            if isinstance(r, dict)
        ]
        out.append(t)
    return out


def _index(items, key: str) -> dict:
    return {_key(i[key]): i for i in as_list(items) if isinstance(i, dict) and key in i}


def _key(value) -> str | None:
    """Ids are looked up as text: an id of another type never matches (nor crashes)."""
    return value if isinstance(value, str) else None


def author_from_user(user: dict) -> Author:
    metrics = user.get("public_metrics") or {}
    username = require_id(user, "username")
    return Author(
        network=NETWORK,
        author_id=require_id(user, "id"),
        handle=username,
        display_name=as_str(user.get("name")),
        followers=as_int(metrics.get("followers_count")),
        location=as_str(user.get("location")),
        description=as_str(user.get("description")),
        avatar_url=as_str(user.get("profile_image_url")),
        url=f"https://x.com/{username}",
    )


def _geo(tweet: dict) -> tuple[float | None, float | None, str, tuple | None]:
    """A tweet's point, its place's name and its place's box (west, south, east, north). A place tag names an area:
    its centre is no point the author was at, so a tweet with a place and no point has no latitude."""
    geo = tweet.get("geo") or {}
    coords = (geo.get("coordinates") or {}).get("coordinates")
    place = geo.get("place") or {}
    bbox = (place.get("geo") or {}).get("bbox")
    box = tuple(map(float, bbox)) if isinstance(bbox, list) and len(bbox) == 4 else None
    if isinstance(coords, list) and len(coords) == 2:
        return float(coords[1]), float(coords[0]), as_str(place.get("full_name")), box
    return None, None, as_str(place.get("full_name")), box


def _reference(tweet: dict, kind: str) -> dict | None:
    return next((r for r in tweet["referenced"] if r.get("type") == kind), None)


def post_from_tweet(tweet: dict, source: str = "") -> Post:
    """One flattened tweet → Post."""
    entities = tweet.get("entities") or {}
    metrics = tweet.get("public_metrics") or {}
    author = tweet.get("author") or {}
    tweet_id = require_id(tweet, "id")
    lat, lon, place, box = _geo(tweet)
    replied, retweeted, quoted = (_reference(tweet, k) for k in ("replied_to", "retweeted", "quoted"))
    text = as_str(tweet.get("text"))
    if retweeted and isinstance(retweeted.get("tweet"), dict):
        text = as_str(retweeted["tweet"].get("text")) or text
    return Post(
        network=NETWORK,
        native_id=tweet_id,
        author_id=require_id(tweet, "author_id"),
        created_at=_created(tweet, tweet_id),
        text=text,
        lang=as_str(tweet.get("lang")),
        uri=tweet_id,
        url=f"https://x.com/{author.get('username', 'i')}/status/{tweet_id}",
        hashtags=[as_str(h.get("tag")).casefold() for h in entities.get("hashtags") or [] if isinstance(h, dict)],
        mentions=[
            str(m.get("id") or m.get("username"))
            for m in entities.get("mentions") or []
            if isinstance(m, dict) and (m.get("id") or m.get("username"))
        ],
        links=[
            as_str(u.get("unwound_url") or u.get("expanded_url") or u.get("url"))
            for u in entities.get("urls") or []
            if isinstance(u, dict) and not _is_media_link(u)
        ],
        media_count=len(tweet["media"]) or len((tweet.get("attachments") or {}).get("media_keys") or []),
        media_urls=[as_str(m.get("url") or m.get("preview_image_url")) for m in tweet["media"]],
        media_alts=[as_str(m.get("alt_text")) for m in tweet["media"]],
        reply_to=replied and str(replied.get("id")),
        reply_to_author=str(tweet["in_reply_to_user_id"]) if tweet.get("in_reply_to_user_id") else None,
        repost_of=retweeted and str(retweeted.get("id")),
        quote_of=quoted and str(quoted.get("id")),
        like_count=as_int(metrics.get("like_count")),
        repost_count=as_int(metrics.get("retweet_count")),
        reply_count=as_int(metrics.get("reply_count")),
        quote_count=as_int(metrics.get("quote_count")),
        latitude=lat,
        longitude=lon,
        place=place,
        place_box=box,
        source=source,
    )


def _created(tweet: dict, tweet_id: str):
    """``created_at``, or the time inside the snowflake id when the field was not requested."""
    if tweet.get("created_at"):
        return parse_time(tweet["created_at"])
    if not tweet_id.isdigit():
        raise NormaliseError("no created_at and a non-numeric id")
    return datetime.fromtimestamp(((int(tweet_id) >> 22) + SNOWFLAKE_EPOCH_MS) / 1000, tz=UTC)


def _is_media_link(url: dict) -> bool:
    return "media_key" in url or "/photo/" in as_str(url.get("expanded_url"))


def normalise_page(page: dict, source: str = "x") -> Batch:
    """A recent-search (or look-up) response page → Batch; bad tweets are rejected, not fatal."""
    batch = Batch()
    for user in as_list(as_dict(as_dict(page).get("includes")).get("users")):
        try:
            batch.authors.append(author_from_user(user))
        except PAYLOAD_ERRORS as exc:
            batch.rejected.append(f"x user: {exc}")
    for tweet in flatten(page):
        try:
            batch.posts.append(post_from_tweet(tweet, source))
        except PAYLOAD_ERRORS as exc:
            batch.rejected.append(f"x tweet {tweet.get('id', '?')}: {exc}")
    return batch
