"""How the archives in this folder were made: each public archive (R data or CSV, as its repository keeps it)
→ X API v2 pages, one tweet a line, gzipped — the shape ``summitpulse import`` reads.

Run once, by hand, from the archives' repositories (SOURCE.md in each folder names them):

    python tests/data/real_events/convert.py ismbeccb2017 path/to/ismbeccb2017.rds

It reads R data with pyreadr or rdata, which the product does not need and does not install. Nothing is added
to the tweets: fields the archive lacks (user ids in twitteR exports, media) stay absent.
"""

from __future__ import annotations

import csv
import gzip
import hashlib
import math
import re
import sys
from datetime import UTC, datetime
from pathlib import Path

import orjson

HERE = Path(__file__).resolve().parent
MENTION = re.compile(r"(?<!\w)@(\w{1,15})")
HASHTAG = re.compile(r"(?<![\w&])#(\w+)")


def _text(value) -> str:
    """Text as the archive holds it; R data read as Latin-1 that is really UTF-8 is read again as UTF-8."""
    if value is None or (isinstance(value, float) and math.isnan(value)):
        return ""
    text = str(value)
    try:
        return text.encode("latin-1").decode("utf-8")
    except (UnicodeEncodeError, UnicodeDecodeError):
        return text


def _missing(value) -> bool:
    return value is None or value == "" or value == "NA" or (isinstance(value, float) and math.isnan(value))


def _page(t: dict) -> dict:
    """One tweet (the fields below) as an X API v2 page."""
    tweet = {
        "id": t["id"],
        "text": t["text"],
        "author_id": t["author_id"],
        "created_at": t["created_at"],
        "entities": {
            "mentions": [{"username": m} for m in MENTION.findall(t["text"])],
            "hashtags": [{"tag": h} for h in HASHTAG.findall(t["text"])],
        },
    }
    includes = {"users": [{"id": t["author_id"], "username": t["username"]}]}
    if t.get("retweet_of"):
        tweet["referenced_tweets"] = [{"type": "retweeted", "id": t["retweet_of"]}]
    elif t.get("reply_to"):
        tweet["referenced_tweets"] = [{"type": "replied_to", "id": t["reply_to"]}]
        tweet["in_reply_to_user_id"] = t["reply_to_user"]
    if t.get("quote_of"):
        tweet.setdefault("referenced_tweets", []).append({"type": "quoted", "id": t["quote_of"]})
    if t.get("media"):
        tweet["attachments"] = {"media_keys": [f"3_{t['id']}_{n}" for n in range(t["media"])]}
    if t.get("point"):
        tweet["geo"] = {"coordinates": {"type": "Point", "coordinates": t["point"]}}
    if t.get("place"):
        place = t["place"]
        tweet.setdefault("geo", {})["place_id"] = place["id"]
        includes["places"] = [place]
    return {"data": [tweet], "includes": includes}


def _retweet_id(text: str) -> str:
    """twitteR exports keep no id of the retweeted tweet: one made from the retweet's text."""
    return "rt-" + hashlib.sha1(text.encode()).hexdigest()[:16]


def from_twitter_csv(path: Path) -> list[dict]:
    """twitteR's ``twListToDF`` CSV (ameztegui/Hashtag_Analysis); bytes not UTF-8 read as Windows-1252."""
    lines = [
        line.decode("utf-8") if _utf8(line) else line.decode("cp1252", errors="replace")
        for line in path.read_bytes().splitlines(keepends=True)
    ]
    out = []
    for r in csv.DictReader(lines):
        user = r["screenName"]
        rt = r["isRetweet"] == "TRUE"
        out.append(
            {
                "id": r["id"],
                "author_id": user.casefold(),
                "username": user,
                "text": r["text"],
                "created_at": r["created"],
                "retweet_of": _retweet_id(r["text"]) if rt else None,
                "reply_to": None if _missing(r["replyToSID"]) else r["replyToSID"],
                "reply_to_user": None if _missing(r["replyToSN"]) else r["replyToSN"].casefold(),
                "point": None if _missing(r["latitude"]) else [float(r["longitude"]), float(r["latitude"])],
            }
        )
    return out


def _utf8(line: bytes) -> bool:
    try:
        line.decode("utf-8")
        return True
    except UnicodeDecodeError:
        return False


def from_twitter_rds(path: Path) -> list[dict]:
    """twitteR's data frame saved as R data (khturner/HashtagISME16), read with rdata."""
    import rdata

    df = rdata.conversion.convert(
        rdata.parser.parse_file(path, extension="rds"), default_encoding="latin1", force_default_encoding=True
    )
    out = []
    for r in df.to_dict("records"):
        user, text = _text(r["screenName"]), _text(r["text"])
        rt = bool(r["isRetweet"])
        out.append(
            {
                "id": _text(r["id"]),
                "author_id": user.casefold(),
                "username": user,
                "text": text,
                "created_at": datetime.fromtimestamp(float(r["created"]), UTC).isoformat(),
                "retweet_of": _retweet_id(text) if rt else None,
                "reply_to": None if _missing(r["replyToSID"]) else _text(r["replyToSID"]),
                "reply_to_user": None if _missing(r["replyToSN"]) else _text(r["replyToSN"]).casefold(),
                "point": None
                if _missing(r["latitude"])
                else [float(_text(r["longitude"])), float(_text(r["latitude"]))],
            }
        )
    return out


def _bbox(value: str) -> list[float] | None:
    """rtweet's 'lon lon lon lon lat lat lat lat' corners → [west, south, east, north]."""
    try:
        numbers = [float(v) for v in str(value).split()]
    except ValueError:
        return None
    if len(numbers) != 8:
        return None
    lons, lats = numbers[:4], numbers[4:]
    return [min(lons), min(lats), max(lons), max(lats)]


def from_rtweet_rds(path: Path) -> list[dict]:
    """rtweet's data frame saved as R data (neilfws/Twitter), read with pyreadr."""
    import pyreadr

    df = pyreadr.read_r(path)[None]
    out = []
    for r in df.to_dict("records"):
        place = None
        if not _missing(r["place_id"]) and (box := _bbox(r["bounding_box_coordinates"])):
            place = {
                "id": r["place_id"],
                "full_name": _text(r["place_full_name"]),
                "place_type": _text(r["place_type"]),
                "country_code": _text(r["country_code"]),
                "geo": {"type": "Feature", "bbox": box, "properties": {}},
            }
        point = None
        if not _missing(r["coordinates"]):
            lat, lon = (float(v) for v in str(r["coordinates"]).split()[:2])
            point = [lon, lat]
        out.append(
            {
                "id": str(r["status_id"]),
                "author_id": str(r["user_id"]),
                "username": _text(r["screen_name"]),
                "text": _text(r["text"]),
                "created_at": r["created_at"].tz_localize(UTC).isoformat(),
                "retweet_of": None if _missing(r["retweet_status_id"]) else str(r["retweet_status_id"]),
                "reply_to": None
                if _missing(r["in_reply_to_status_status_id"])
                else str(r["in_reply_to_status_status_id"]),
                "reply_to_user": None
                if _missing(r["in_reply_to_status_user_id"])
                else str(r["in_reply_to_status_user_id"]),
                "quote_of": None if _missing(r["quote_status_id"]) else str(r["quote_status_id"]),
                "media": len(str(r["media_url"]).split()) if not _missing(r["media_url"]) else 0,
                "point": point,
                "place": place,
            }
        )
    return out


def main(event: str, source: str) -> None:
    path = Path(source)
    reader = from_twitter_csv if path.suffix == ".csv" else from_rtweet_rds if event.startswith("ismb") else None
    tweets = (reader or from_twitter_rds)(path)
    tweets.sort(key=lambda t: (t["created_at"], t["id"]))
    out = HERE / event / "posts.jsonl.gz"
    out.parent.mkdir(exist_ok=True)
    with gzip.GzipFile(out, "wb", mtime=0) as f:
        for t in tweets:
            f.write(orjson.dumps(_page(t)) + b"\n")
    print(f"{event}: {len(tweets)} tweets → {out}")


if __name__ == "__main__":
    main(*sys.argv[1:3])
