"""The one normalised shape every network's payloads are turned into."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime

NETWORKS = ("x", "mastodon", "bluesky")


@dataclass(slots=True)
class Author:
    network: str
    author_id: str
    handle: str
    display_name: str = ""
    followers: int | None = None
    location: str = ""
    description: str = ""
    avatar_url: str = ""
    url: str = ""
    partial: bool = False  # only an id is known (a firehose event): never overwrites a profile

    @property
    def key(self) -> str:
        return f"{self.network}:{self.author_id}"


@dataclass(slots=True)
class Post:
    """A post, unique by (network, native_id).

    ``native_id`` is the id that is the same wherever the post is seen: the
    tweet id on X, the ActivityPub URI on Mastodon (status ids differ per
    instance), the at:// URI on Bluesky.
    """

    network: str
    native_id: str
    author_id: str
    created_at: datetime
    text: str
    uri: str = ""
    url: str = ""
    lang: str = ""
    hashtags: list[str] = field(default_factory=list)
    mentions: list[str] = field(default_factory=list)
    links: list[str] = field(default_factory=list)
    media_count: int = 0
    media_urls: list[str] = field(default_factory=list)
    media_alts: list[str] = field(default_factory=list)  # each media_urls' description (alt text), "" if none given
    reply_to: str | None = None
    reply_to_author: str | None = None
    repost_of: str | None = None
    quote_of: str | None = None
    like_count: int | None = None
    repost_count: int | None = None
    reply_count: int | None = None
    quote_count: int | None = None
    latitude: float | None = None
    longitude: float | None = None
    place: str = ""
    place_box: tuple[float, float, float, float] | None = None  # a place tag's bounding box: west, south, east, north
    matched_tags: list[str] = field(default_factory=list)
    source: str = ""
    local_id: str = ""  # the source's own id for the post, where it differs from native_id (Mastodon)
    copy_of: str = ""  # the original's address, when a bridge made this copy (Bridgy Fed: normalise/bridges.py): never
    # overwrites the original once stored
    claimed_at: str = ""  # the time the post claimed, when impossible (``created_at`` is then when it was collected)

    @property
    def kind(self) -> str:
        if self.repost_of:
            return "repost"
        if self.reply_to:
            return "reply"
        if self.quote_of:
            return "quote"
        return "original"


@dataclass(slots=True)
class Batch:
    """What one normalise call produced: posts, their authors, and deletions."""

    posts: list[Post] = field(default_factory=list)
    authors: list[Author] = field(default_factory=list)
    deleted: list[str] = field(default_factory=list)
    rejected: list[str] = field(default_factory=list)

    def extend(self, other: Batch) -> None:
        self.posts += other.posts
        self.authors += other.authors
        self.deleted += other.deleted
        self.rejected += other.rejected
