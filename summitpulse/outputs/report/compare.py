"""``report --compare``: this edition against earlier (or other) ones, from the data files every report writes.

An edition is a report's data folder: ``posts``, ``participants``, ``themes``
and ``contributors`` as Parquet, and ``edition.json`` (the event's name and
dates). Every figure is read the same way for every edition — this one's too,
from the files its report has just written — so they compare like for like.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path

import pandas as pd
from jinja2 import Environment, PackageLoader, select_autoescape

from ...analysis.visibility import ANONYMOUS
from ...settings.config import Config
from ...ui.palette import LABELS, NETWORK_NAMES

EDITION_FILE = "edition.json"
NEEDED = ("posts", "participants", "themes", "contributors")
TOP = 10
TEMPLATES = Environment(
    loader=PackageLoader("summitpulse.outputs.report", "templates"), autoescape=select_autoescape(["j2"])
)


class EditionError(Exception):
    """A folder that is not a report's data folder; the message says what is missing."""


@dataclass
class Edition:
    name: str
    start: datetime | None
    posts: int
    people: int
    labels: dict[str, int]  # participants in_room / remote / unknown
    networks: dict[str, int]  # posts per network
    themes: dict[str, int]  # posts per theme
    top: pd.DataFrame  # the most active contributors: name, handle, network, posts, accounts (a set)
    accounts: frozenset[str]  # every participant's accounts, "network:@handle"

    def share(self, network: str) -> float:
        return self.networks.get(network, 0) / self.posts if self.posts else 0.0


def write_edition(config: Config, folder: Path) -> None:
    """The event's name and dates beside the data files, so a later report can say which edition they are."""
    event = config.event
    about = {
        "event": event.name,
        "start": event.start.isoformat(),
        "end": event.end.isoformat(),
        "timezone": event.timezone,
        "hashtags": config.hashtags.all,
    }
    (folder / EDITION_FILE).write_text(json.dumps(about, ensure_ascii=False, indent=1), encoding="utf-8")


def edition_title(folder: Path) -> str:
    """How an edition's data folder is offered to compare with: its event and first day (from ``edition.json``), or
    the folder's name."""
    path = Path(folder) / EDITION_FILE
    try:
        about = json.loads(path.read_text(encoding="utf-8"))
        return f"{about['event']} ({datetime.fromisoformat(about['start']):%d %b %Y})"
    except (OSError, ValueError, KeyError, TypeError):
        return Path(folder).name


def _accounts(value) -> set[str]:
    text = str(value or "")
    return set() if text in ("", ANONYMOUS) else {a.strip().casefold() for a in text.split(" · ") if a.strip()}


def read_edition(folder: Path) -> Edition:
    """The figures of the edition whose report wrote ``folder``."""
    folder = Path(folder)
    missing = [n for n in NEEDED if not (folder / f"{n}.parquet").is_file()]
    if missing:
        raise EditionError(
            f"{folder}: not a report's data folder (no {', '.join(m + '.parquet' for m in missing)}); "
            "name the folder a report wrote beside itself, e.g. report_data/"
        )
    posts = pd.read_parquet(folder / "posts.parquet", columns=["network", "created_at"])
    people = pd.read_parquet(folder / "participants.parquet", columns=["label", "accounts"])
    themes = pd.read_parquet(folder / "themes.parquet", columns=["theme", "posts"])
    top = pd.read_parquet(folder / "contributors.parquet", columns=["name", "handle", "network", "posts", "accounts"])
    about = json.loads((folder / EDITION_FILE).read_text(encoding="utf-8")) if (folder / EDITION_FILE).is_file() else {}
    start = about.get("start") or (posts.created_at.min().isoformat() if len(posts) else None)
    top = top.sort_values(["posts", "handle"], ascending=[False, True], kind="stable").head(TOP)
    return Edition(
        name=about.get("event") or folder.name,
        start=datetime.fromisoformat(str(start)) if start else None,
        posts=len(posts),
        people=len(people),
        labels={k: int((people.label == k).sum()) for k in LABELS},
        networks={k: int(v) for k, v in posts.network.value_counts().items()},
        themes=dict(zip(themes.theme, themes.posts.astype(int))),
        top=top.assign(accounts=top.accounts.map(_accounts)).reset_index(drop=True),
        accounts=frozenset(a for value in people.accounts for a in _accounts(value)),
    )


def _change(now: float, before: float) -> str:
    if not before:
        return "new" if now else ""
    return f"{(now - before) / before:+.0%}"


def _rows(editions: list[Edition]) -> list[dict]:
    """One row per figure: its value in each edition (in time order) and its change from the edition before."""
    networks = sorted({n for e in editions for n in e.networks}, key=list(NETWORK_NAMES).index)
    themes = list(dict.fromkeys(t for e in editions for t in e.themes))
    figures = [
        ("Posts", lambda e: e.posts, "{:,}"),
        ("Participants", lambda e: e.people, "{:,}"),
        *((f"Participants: {LABELS[k].lower()}", lambda e, k=k: e.labels.get(k, 0), "{:,}") for k in LABELS),
        *((f"Share of posts on {NETWORK_NAMES[n]}", lambda e, n=n: e.share(n), "{:.0%}") for n in networks),
        *((f"Theme: {t}", lambda e, t=t: e.themes.get(t, 0), "{:,}") for t in themes),
    ]
    rows = []
    for label, value, fmt in figures:
        values = [value(e) for e in editions]
        cells = [
            {"value": fmt.format(v), "change": _change(v, values[i - 1]) if i and "%" not in fmt else ""}
            for i, v in enumerate(values)
        ]
        if "%" in fmt:  # a share moves in points, not in per cent of itself
            for i in range(1, len(values)):
                cells[i]["change"] = f"{(values[i] - values[i - 1]) * 100:+.0f} pts"
        rows.append({"label": label, "cells": cells})
    return rows


def _contributors(this: Edition, others: list[Edition]) -> list[dict]:
    """This edition's most active people, each marked returning (with the editions they were in) or new."""
    later = any(e.start and this.start and e.start > this.start for e in others)
    out = []
    for r in this.top.itertuples():
        seen = [e.name for e in others if r.accounts & e.accounts]
        status = ("also in " + ", ".join(seen)) if seen else "only in this edition" if later else "new"
        out.append({"name": r.name, "handle": r.handle, "network": r.network, "posts": int(r.posts), "status": status})
    return out


def _gone(this: Edition, others: list[Edition]) -> list[dict]:
    """The other editions' most active people who did not post in this one."""
    return [
        {"name": r.name, "handle": r.handle, "edition": e.name}
        for e in others
        for r in e.top.itertuples()
        if not r.accounts & this.accounts
    ]


def _ranking(editions: list[Edition]) -> list[dict]:
    """Editions ranked by posts, with participants and the remote share of those placed."""
    rows = []
    for e in sorted(editions, key=lambda e: -e.posts):
        placed = e.labels.get("in_room", 0) + e.labels.get("remote", 0)
        rows.append(
            {
                "name": e.name,
                "posts": e.posts,
                "people": e.people,
                "remote": e.labels.get("remote", 0) / placed if placed else 0,
            }
        )
    return rows


def comparison_html(this_folder: Path, other_folders: list[Path]) -> str:
    """The report's comparison section: this edition (its own data folder) against the others."""
    this = read_edition(this_folder)
    others = [read_edition(f) for f in other_folders]
    editions = sorted([this, *others], key=lambda e: (e.start is None, e.start or datetime.min))
    return TEMPLATES.get_template("compare.html.j2").render(
        editions=editions,
        this=this,
        rows=_rows(editions),
        contributors=_contributors(this, others),
        gone=_gone(this, others),
        ranking=_ranking(editions) if len(editions) > 2 else [],
        networks=NETWORK_NAMES,
    )
