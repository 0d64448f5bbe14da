"""Read an archive file and say what each record is: (where, payload kind, payload, problem)."""

from __future__ import annotations

import gzip
from collections.abc import Iterator
from pathlib import Path

import orjson

from .tags_csv import read_tags_csv

Record = tuple[str, str, object, str]


def _item_kind(item: dict) -> str | None:
    """What one status, PostView or tweet is."""
    if "uri" in item and "account" in item:
        return "mastodon_statuses"
    if "uri" in item and "record" in item:
        return "bluesky_search"
    if "id" in item and ("author_id" in item or "text" in item):
        return "x_page"
    return None


def kind_of(obj) -> str | None:
    """The normaliser a JSON value belongs to, or None when it is none of the known shapes."""
    if isinstance(obj, list):
        first = next((o for o in obj if isinstance(o, dict)), None)
        return _item_kind(first) if first else None
    if not isinstance(obj, dict):
        return None
    if "data" in obj or "includes" in obj:
        return "x_page"
    if "posts" in obj or isinstance(obj.get("thread"), dict):
        return "bluesky_search"
    if "time_us" in obj and "did" in obj:
        return "jetstream_event"
    return _item_kind(obj)


def thread_posts(thread: dict) -> list[dict]:
    """Every PostView of a Bluesky thread view (``getPostThread``): the post, its parents and all replies, each
    once; posts the view could not show (not found, blocked) have none and are passed over."""
    posts, nodes = {}, [thread]
    while nodes:
        node = nodes.pop()
        if not isinstance(node, dict):
            continue
        post = node.get("post")
        if isinstance(post, dict) and post.get("uri") not in posts:
            posts[post.get("uri")] = post
        nodes += [node.get("parent"), *(node.get("replies") or [])]
    return list(posts.values())


def wrap(kind: str, obj):
    """Single objects in the shape their normaliser takes (a page)."""
    if kind == "mastodon_statuses" and isinstance(obj, dict):
        return [obj]
    if kind == "bluesky_search" and isinstance(obj, dict) and "thread" in obj:
        return {"posts": thread_posts(obj["thread"])}
    if kind == "bluesky_search" and isinstance(obj, (list, dict)) and not (isinstance(obj, dict) and "posts" in obj):
        return {"posts": obj if isinstance(obj, list) else [obj]}
    if kind == "x_page" and isinstance(obj, list):
        return {"data": obj}
    if kind == "x_page" and "data" not in obj and "includes" not in obj:
        return {"data": [obj]}
    return obj


def _record(where: str, obj) -> Record:
    kind = kind_of(obj)
    if kind is None:
        return where, "", None, "not an X, Mastodon or Bluesky record"
    return where, kind, wrap(kind, obj), ""


def _loads(line: bytes):
    """JSON from bytes as they are (orjson reads UTF-8 itself); bytes that are not UTF-8 are read with
    replacement characters rather than lose the whole record."""
    try:
        return orjson.loads(line)
    except orjson.JSONDecodeError:
        return orjson.loads(line.decode("utf-8", errors="replace"))


def _open(path: Path):
    """The file's bytes, gunzipped when its name ends in .gz."""
    return gzip.open(path, "rb") if path.suffix.casefold() == ".gz" else open(path, "rb")


def _json_lines(path: Path) -> Iterator[Record]:
    with _open(path) as f:
        for number, line in enumerate(f, 1):
            if not line.strip():
                continue
            try:
                obj = _loads(line)
            except orjson.JSONDecodeError as exc:
                yield f"{path}:{number}", "", None, f"not JSON ({exc.msg})"
                continue
            yield _record(f"{path}:{number}", obj)


def records(path: Path) -> Iterator[Record]:
    """Every record of an archive file, by its extension (under a .gz) and content."""
    suffix = (path.with_suffix("") if path.suffix.casefold() == ".gz" else path).suffix.casefold()
    if suffix == ".csv":
        yield from read_tags_csv(path)
        return
    if suffix in (".jsonl", ".ndjson"):
        yield from _json_lines(path)
        return
    with _open(path) as f:
        text = f.read().decode("utf-8", errors="replace")
    try:
        obj = orjson.loads(text)
    except orjson.JSONDecodeError:  # a .json file that is really JSON lines
        yield from _json_lines(path)
        return
    yield _record(str(path), obj)
