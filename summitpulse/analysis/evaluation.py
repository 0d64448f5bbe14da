"""Scoring the in-room/remote labels against people whose whereabouts are known.

Two kinds of labelled data. The hand-written set (``tests/data/participation_eval.yaml``): ``load`` turns it into
a Batch to ingest; ``scores`` gives precision and recall per class and coverage for any labels. Real conference
archives (``tests/data/real_events/<event>/``: posts, config, labels, known attendees, SOURCE.md): ``real_event``
reads one, ``archive_counts`` counts what the product's labels got right on one half of it, ``summary`` turns
counts (of one archive or several added up) into the measured figures.
"""

from __future__ import annotations

import hashlib
import json
import re
from collections import Counter
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from functools import lru_cache
from pathlib import Path

import pandas as pd
import yaml
from sqlalchemy import Connection, func, select

from ..normalise.models import Author, Batch, Post
from ..settings.config import Config, load_config
from ..store import schema


@dataclass
class LabelledSet:
    batch: Batch
    truth: dict[str, bool]  # person ("network:author_id") → in the room
    held_out: set[str]  # people never read when rules are tuned


def load(path: Path, config: Config) -> LabelledSet:
    """The hand-labelled people of ``path`` as posts and profiles on the event's day, with their truth."""
    people = yaml.safe_load(Path(path).read_text(encoding="utf-8"))["people"]
    ids = {p["id"]: p for p in people}
    day = config.event.start.astimezone(config.event.tz).date()
    batch, truth, held_out = Batch(), {}, set()
    for person in people:
        key = f"{person['network']}:{person['id']}"
        truth[key] = person["truth"] == "in_room"
        if person.get("held_out"):
            held_out.add(key)
        batch.authors.append(
            Author(
                person["network"],
                person["id"],
                person["handle"],
                person["name"],
                location=person.get("location") or "",
                description=person.get("bio") or "",
            )
        )
        for n, post in enumerate(person["posts"]):
            hh, mm = map(int, post["at"].split(":"))
            when = datetime.combine(day + timedelta(days=post.get("day", 0)), time(hh, mm), config.event.tz)
            parent = ids.get(post.get("reply_to"))
            lat, lon = post.get("geo") or (None, None)
            batch.posts.append(
                Post(
                    person["network"],
                    f"{person['id']}-{n}",
                    person["id"],
                    when,
                    post["text"],
                    hashtags=[t.casefold() for t in re.findall(r"#(\w+)", post["text"])],
                    media_count=post.get("media", 0),
                    reply_to=f"{parent['id']}-0" if parent else None,
                    reply_to_author=parent["id"] if parent else None,
                    repost_of=f"original-of-{person['id']}-{n}" if post.get("kind") == "repost" else None,
                    latitude=lat,
                    longitude=lon,
                    source="labelled set",
                )
            )
    return LabelledSet(batch, truth, held_out)


def scores(people: pd.DataFrame, truth: dict[str, bool]) -> dict:
    """Precision and recall of in_room and remote, and the share labelled at all, over the people in ``truth``."""
    judged = [(label, truth[person]) for person, label in zip(people.person, people.label) if person in truth]
    out = {
        "participants": len(judged),
        "coverage": sum(label != "unknown" for label, _ in judged) / len(judged) if judged else 0.0,
    }
    for label, wanted in (("in_room", True), ("remote", False)):
        said = [real for lab, real in judged if lab == label]
        actual = [lab for lab, real in judged if real is wanted]
        out[label] = {
            "precision": sum(real is wanted for real in said) / len(said) if said else 0.0,
            "recall": sum(lab == label for lab in actual) / len(actual) if actual else 0.0,
            "labelled": len(said),
        }
    return out


def held_out(person: str) -> bool:
    """The held-out half of a real archive: people whose sha256 of "network:author_id" is even. Fixed before any
    label was written; rules are tuned on the other half only."""
    return int(hashlib.sha256(person.encode()).hexdigest(), 16) % 2 == 0


@dataclass
class RealEvent:
    name: str
    config: Config
    posts: Path
    labels: dict[str, str]  # handle (casefolded) → in_room, remote or unknown
    known: set[str]  # handles (casefolded) others' posts show at the event


def real_event(folder: Path) -> RealEvent:
    """One archive of ``tests/data/real_events``: its config, posts file, labels and known attendees (either may
    be absent)."""
    folder = Path(folder)

    def entries(name: str, key: str) -> list[dict]:
        path = folder / name
        return yaml.safe_load(path.read_text(encoding="utf-8"))[key] if path.exists() else []

    return RealEvent(
        folder.name,
        load_config(folder / "config.yaml"),
        folder / "posts.jsonl.gz",
        {p["handle"].casefold(): p["label"] for p in entries("labels.yaml", "people")},
        {k["handle"].casefold() for k in entries("known_attendees.yaml", "known")},
    )


def _originals(conn: Connection) -> dict[str, int]:
    """Original posts (not reposts) per account key."""
    p = schema.posts
    rows = conn.execute(
        select(p.c.network, p.c.author_id, func.count())
        .where(p.c.kind != "repost")
        .group_by(p.c.network, p.c.author_id)
    )
    return {f"{net}:{author}": n for net, author, n in rows}


def _keys_by_handle(conn: Connection) -> dict[str, str]:
    a = schema.authors
    return {
        h.lstrip("@").casefold(): f"{n}:{i}" for n, i, h in conn.execute(select(a.c.network, a.c.author_id, a.c.handle))
    }


def archive_counts(conn: Connection, people: pd.DataFrame, event: RealEvent, half) -> Counter:
    """What the product's labels (``people``, one row per person) got right on the people of ``event`` for whom
    ``half(person)`` is true, as counts that add up across archives (``summary`` reads them)."""
    labels = dict(zip(people.person, people.label))
    originals, keys = _originals(conn), _keys_by_handle(conn)
    c = Counter()
    for person, label in labels.items():
        if not half(person):
            continue
        n = originals.get(person, 0)
        c["people"] += 1
        c["original_posts"] += n
        c["original_posts_placed"] += n * (label != "unknown")
        if n >= 2:
            c["people_2plus"] += 1
            c["people_2plus_labelled"] += label != "unknown"
    for handle, truth in event.labels.items():
        person = keys.get(handle)
        if person is None or not half(person) or truth == "unknown":
            continue
        said = labels.get(person, "unknown")
        c[f"truth_{truth}"] += 1
        c[f"said_{said}_truth_{truth}"] += 1
    for handle in event.known:
        person = keys.get(handle)
        if person is not None and half(person):
            c[f"known_{labels.get(person, 'unknown')}"] += 1
    return c


def _share(part: int, whole: int) -> float | None:
    return round(part / whole, 3) if whole else None


def summary(c: Counter) -> dict:
    """The measured figures of ``archive_counts`` (one archive's or several added up): per class precision and
    recall over labelled people, coverage per person and per original post, known attendees' labels."""
    out = {
        "people": c["people"],
        "people_2plus": c["people_2plus"],
        "coverage_2plus": _share(c["people_2plus_labelled"], c["people_2plus"]),
        "original_posts": c["original_posts"],
        "posts_from_placed": _share(c["original_posts_placed"], c["original_posts"]),
        "labelled_people": c["truth_in_room"] + c["truth_remote"],
        "known": {label: c[f"known_{label}"] for label in ("in_room", "remote", "unknown")},
    }
    for label, other in (("in_room", "remote"), ("remote", "in_room")):
        right, wrong = c[f"said_{label}_truth_{label}"], c[f"said_{label}_truth_{other}"]
        out[label] = {
            "said": right + wrong,
            "right": right,
            "precision": _share(right, right + wrong),
            "recall": _share(right, c[f"truth_{label}"]),
        }
    return out


MEASURED = Path(__file__).with_name("measured_accuracy.json")  # written by bench/participation.py


@lru_cache(maxsize=1)
def measured() -> dict | None:
    """The figures bench/participation.py last measured on the real archives' held-out half, or None."""
    try:
        return json.loads(MEASURED.read_text(encoding="utf-8"))
    except (OSError, ValueError):
        return None


# how the hall screen (SHORT) and the report and pages (LONG) name each label
SHORT = {"in_room": "room", "remote": "remote"}
LONG = {"in_room": "in the room", "remote": "remote"}


def measured_note(figures: dict | None = None, short: bool = False) -> str:
    """One sentence for beside the in-room/remote split: how often a label was right and how many people got one,
    on real conference archives the rules were not tuned on (``measured``); empty when never measured. ``short``:
    a line for the hall screen."""
    figures = measured() if figures is None else figures
    if not figures:
        return ""
    held = figures["held_out"]
    said = [(label, held[label]) for label in ("in_room", "remote") if held[label]["said"]]
    if short:
        right = " · ".join(f"{SHORT[label]} right {h['precision']:.0%}" for label, h in said)
        return (
            f"Checked on {len(figures['archives'])} past conferences: {right} · "
            f"{held['coverage_2plus']:.0%} of active people placed"
        )
    right = [f"“{LONG[label]}” right {h['precision']:.0%} of {h['said']} times" for label, h in said]
    return (
        f"Checked on the public archives of {len(figures['archives'])} past conferences, on people the rules were not "
        f"tuned on ({held['labelled_people']} labelled by hand): {', '.join(right)}; "
        f"{held['coverage_2plus']:.0%} of people with two or more posts placed."
    )
