"""Raw payloads of every network → one normalised :class:`~summitpulse.normalise.models.Batch`.

``normalise(kind, payload, event_tags, source)`` is the single entry point
the collectors, the demo and the importers share.
"""

from __future__ import annotations

import logging
from collections.abc import Callable, Iterable

from .bluesky import normalise_jetstream, normalise_profiles, normalise_search
from .bridges import fold
from .common import PAYLOAD_ERRORS, NormaliseError, text_tags
from .mastodon import normalise_statuses
from .models import Batch
from .untrusted import clean_batch
from .x import normalise_page

log = logging.getLogger(__name__)

PARSERS: dict[str, Callable[..., Batch]] = {
    "x_page": normalise_page,
    "mastodon_statuses": normalise_statuses,
    "bluesky_search": normalise_search,
    "bluesky_profiles": normalise_profiles,
    "jetstream_event": normalise_jetstream,
}


def match_tags(batch: Batch, event_tags: Iterable[str], keep_unmatched: bool = True) -> Batch:
    """Fill each post's ``matched_tags``; drop posts without one unless ``keep_unmatched``."""
    wanted = set(event_tags)
    kept = []
    for post in batch.posts:
        post.hashtags = list(dict.fromkeys(post.hashtags + text_tags(post.text)))
        post.matched_tags = [t for t in post.hashtags if t in wanted]
        if post.matched_tags or keep_unmatched:
            kept.append(post)
    if not keep_unmatched:
        used = {p.author_id for p in kept}
        batch.authors = [a for a in batch.authors if a.author_id in used]
    batch.posts = kept
    return batch


def normalise(
    kind: str, payload, event_tags: Iterable[str] = (), source: str = "", keep_unmatched: bool = True
) -> Batch:
    """Normalise one raw payload of ``kind`` (see PARSERS), clean what a stranger wrote in it (``untrusted``) and
    match the event's tags."""
    try:
        parser = PARSERS[kind]
    except KeyError:
        raise NormaliseError(f"unknown payload kind {kind!r}; expected one of {sorted(PARSERS)}") from None
    try:
        batch = parser(payload, source or kind.split("_")[0])
    except PAYLOAD_ERRORS as exc:
        log.warning("rejected a whole %s payload: %s", kind, exc)
        return Batch(rejected=[f"{kind} payload: {exc.__class__.__name__}: {str(exc)[:200]}"])
    for reason in batch.rejected:
        log.info("rejected: %s", reason[:300])
    return match_tags(fold(clean_batch(batch)), event_tags, keep_unmatched)


__all__ = ["normalise", "match_tags", "NormaliseError", "PARSERS"]
