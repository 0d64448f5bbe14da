"""Hashtag-archive spreadsheets (the TAGS layout) → X API v2-shaped pages, one row at a time."""

from __future__ import annotations

import csv
import gzip
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path

TAGS_COLUMNS = {"id_str", "from_user", "text", "created_at"}


def _time(value: str) -> str:
    """TAGS writes Twitter v1 times ('Wed Oct 22 14:03:05 +0000 2014'); v2 wants ISO."""
    try:
        return datetime.strptime(value, "%a %b %d %H:%M:%S %z %Y").isoformat()
    except ValueError:
        return value


def _geo(value: str) -> dict:
    """'loc: 43.65,-79.38' → a v2 point."""
    try:
        lat, lon = (float(v) for v in value.replace("loc:", "").split(","))
        return {"coordinates": {"type": "Point", "coordinates": [lon, lat]}}
    except ValueError:
        return {}


def row_to_page(row: dict) -> dict:
    user_id = row.get("from_user_id_str") or row["from_user"]
    tweet = {
        "id": row["id_str"],
        "text": row["text"],
        "author_id": user_id,
        "created_at": _time(row["created_at"]),
        "lang": row.get("user_lang", ""),
    }
    if row.get("in_reply_to_status_id_str"):
        tweet["referenced_tweets"] = [{"type": "replied_to", "id": row["in_reply_to_status_id_str"]}]
        tweet["in_reply_to_user_id"] = row.get("in_reply_to_user_id_str") or None
    if row.get("geo_coordinates"):
        tweet["geo"] = _geo(row["geo_coordinates"])
    user = {
        "id": user_id,
        "username": row["from_user"],
        "profile_image_url": row.get("profile_image_url", ""),
        "location": row.get("user_location", ""),
        "public_metrics": {"followers_count": row.get("user_followers_count") or None},
    }
    return {"data": [tweet], "includes": {"users": [user]}}


def read_tags_csv(path: Path) -> Iterator[tuple[str, str, object, str]]:
    opener = gzip.open if path.suffix.casefold() == ".gz" else open
    with opener(path, "rt", newline="", encoding="utf-8-sig", errors="replace") as f:
        reader = csv.DictReader(f)
        missing = TAGS_COLUMNS - set(reader.fieldnames or [])
        if missing:
            yield str(path), "", None, f"not a hashtag-archive CSV: missing columns {', '.join(sorted(missing))}"
            return
        for number, row in enumerate(reader, 2):
            if not row.get("id_str") or not row.get("from_user"):
                yield f"{path}:{number}", "", None, "a row without id_str or from_user"
                continue
            yield f"{path}:{number}", "x_page", row_to_page(row), ""
