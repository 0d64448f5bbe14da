"""Bridgy Fed's copies (fed.brid.gy; source: github.com/snarfed/bridgy-fed): one post, counted once.

Bridgy Fed copies posts between the fediverse and Bluesky. A fediverse post's Bluesky copy is posted by an
account handled ``user.instance.ap.brid.gy`` (``ids.handle_as_domain``: ``@user@instance`` lowercased, ``@`` as
``.``, ``_ ~ :`` as ``-``) and its record carries ``bridgyOriginalUrl``, the original's address
(``atproto.py``: ``as1.get_url(obj) or obj['id']``). A Bluesky post's fediverse copy comes from
``handle@bsky.brid.gy`` with the ActivityPub id ``https://bsky.brid.gy/convert/ap/at://<did>/<collection>/<rkey>``.
``fold`` gives each copy the original's identity (network, id, author), so the copy and the original are one
post wherever each is collected; ``bridge_handle`` and ``bridged_handle`` name a bridge account's other half.
"""

from __future__ import annotations

import re

from .models import Author, Batch, Post

AP_BRIDGE, BSKY_BRIDGE = ".ap.brid.gy", "@bsky.brid.gy"
AP_COPY = re.compile(r"^https://bsky\.brid\.gy/convert/ap/(at://(did:[a-z0-9]+:[\w.:%-]+)/[\w.]+/[\w.~:-]+)$", re.I)
MASTODON_URL = re.compile(r"^https://([\w.-]+\.[a-z]{2,})/(?:@([\w.-]+)|users/([\w.-]+)/statuses)/(\d+)/?$", re.I)


def bridge_handle(mastodon_id: str) -> str:
    """The Bluesky handle Bridgy Fed gives fediverse account ``user@instance``."""
    flat = mastodon_id.casefold().lstrip("@").replace("@", ".")
    return re.sub(r"[_~:]", "-", flat) + AP_BRIDGE


def bridged_handle(mastodon_id: str) -> str | None:
    """The Bluesky handle behind fediverse account ``handle@bsky.brid.gy``, else None."""
    handle = mastodon_id.casefold().lstrip("@")
    return handle[: -len(BSKY_BRIDGE)] if handle.endswith(BSKY_BRIDGE) else None


def bluesky_original(ap_id: str) -> tuple[str, str] | None:
    """(at:// URI, DID) of the Bluesky post a ``bsky.brid.gy`` ActivityPub id copies."""
    m = AP_COPY.match(ap_id or "")
    return (m.group(1), m.group(2)) if m else None


def fediverse_original(url: str) -> tuple[str, str] | None:
    """(ActivityPub URI, ``user@instance``) of a Mastodon status from its address (``/@user/id`` or its URI)."""
    m = MASTODON_URL.match(url or "")
    if not m:
        return None
    host, user, status = m.group(1).casefold(), (m.group(2) or m.group(3)), m.group(4)
    return f"https://{host}/users/{user}/statuses/{status}", f"{user}@{host}".casefold()


def fold(batch: Batch) -> Batch:
    """Every copy in ``batch`` as its original (network, id, author); the original's author as a partial profile.
    Only a copy its bridge account vouches for is folded: any Bluesky account can write ``bridgyOriginalUrl`` into
    its records, but only Bridgy Fed holds the handle ``bridge_handle`` names for the original's author. A copy
    whose author's handle is unknown (a Jetstream event) is left to search, which names it."""
    handles = {(a.network, a.author_id): a.handle.casefold().lstrip("@") for a in batch.authors if not a.partial}
    batch.posts = [p for p in batch.posts if not (p.copy_of and (p.network, p.author_id) not in handles)]
    for post in batch.posts:
        for field in ("repost_of", "reply_to", "quote_of"):  # a boost of a copy is a boost of the original
            if (target := bluesky_original(getattr(post, field) or "")) is not None:
                setattr(post, field, target[0])
        copied_by = handles.get((post.network, post.author_id), "")
        original = _original(post, copied_by)
        if original is None:
            continue
        network, native_id, author_id, handle = original
        post.network, post.native_id, post.uri, post.author_id = network, native_id, native_id, author_id
        post.copy_of = post.copy_of or native_id  # a copy: the store keeps the original's text over it
        post.like_count = post.repost_count = post.reply_count = post.quote_count = None  # the original's stay
        batch.authors.append(Author(network, author_id, handle, partial=True))
    return batch


def _original(post: Post, copied_by: str) -> tuple[str, str, str, str] | None:
    """(network, native id, author id, handle) of the post ``post`` copies, if its bridge account made it."""
    if post.network == "bluesky" and post.copy_of:
        found = fediverse_original(post.copy_of)
        if found and copied_by == bridge_handle(found[1]):
            return "mastodon", found[0], found[1], f"@{found[1]}"
    if post.network == "mastodon" and (handle := bridged_handle(post.author_id)):
        found = bluesky_original(post.native_id)
        return ("bluesky", found[0], found[1], handle) if found else None
    return None
