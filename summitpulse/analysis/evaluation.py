"""Scoring the in-room/remote labels against people whose whereabouts are known.

The labelled set (``tests/data/participation_eval.yaml``) is written by hand,
not by the demo: its header says how. ``load`` turns it into a Batch to ingest;
``scores`` gives precision and recall per class and coverage for any labels.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import datetime, time, timedelta
from pathlib import Path

import pandas as pd
import yaml

from ..normalise.models import Author, Batch, Post
from ..settings.config import Config


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
