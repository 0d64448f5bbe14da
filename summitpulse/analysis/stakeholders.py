"""Who is talking: stakeholder groups from profile descriptions and names, by configurable keyword rules.

Each group scores one point per distinct keyword found (whole words,
case- and accent-insensitive); the best-scoring group wins, ties go to the
group listed first; no match is ``other``. The score says how much the
profile said, so a reader can tell a clear match from a thin one.
"""

from __future__ import annotations

import re

import pandas as pd
from sqlalchemy import Connection, and_, false, or_, select

from ..normalise.folding import fold
from ..settings.config import Config
from ..store import schema

GROUP_NAMES = {
    "clinician": "Clinician",
    "trainee": "Trainee or student",
    "nurse_allied": "Nurse or allied health",
    "educator": "Educator or researcher",
    "patient": "Patient or caregiver",
    "organisation": "Organisation or journal",
    "other": "Other",
}


def _patterns(config: Config) -> dict[str, list[tuple[str, re.Pattern]]]:
    """Per group: each keyword folded, with the pattern that finds it as whole words."""
    return {
        group: [(fold(k), re.compile(rf"(?<!\w){re.escape(fold(k))}(?!\w)")) for k in keywords]
        for group, keywords in config.stakeholders.rules.items()
    }


def group_of(patterns: dict[str, list[tuple[str, re.Pattern]]], profile: str) -> tuple[str, int]:
    """(group, score) for one profile text. A keyword is looked for as whole words only where it occurs at all
    (a substring test, much cheaper than the pattern)."""
    folded = fold(profile)
    scores = {g: sum(1 for word, p in pats if word in folded and p.search(folded)) for g, pats in patterns.items()}
    best = max(scores, key=lambda g: scores[g], default="other")
    return (best, scores[best]) if scores.get(best) else ("other", 0)


def classify(conn: Connection, config: Config, persons: tuple[str, ...] | None = None) -> pd.DataFrame:
    """One row per author (with ``persons``, only theirs: ``network:author_id`` keys): person, group, group_score."""
    a = schema.authors
    patterns = _patterns(config)
    q = select(a.c.network, a.c.author_id, a.c.display_name, a.c.description)
    if persons is not None:
        keys = [key.split(":", 1) for key in persons if ":" in key]
        networks = sorted({n for n, _ in keys})
        q = q.where(
            or_(false(), *(and_(a.c.network == n, a.c.author_id.in_([i for m, i in keys if m == n])) for n in networks))
        )
    rows = [
        (f"{r.network}:{r.author_id}", *group_of(patterns, f"{r.display_name} {r.description}"))
        for r in conn.execute(q)
    ]
    return pd.DataFrame(rows, columns=["person", "group", "group_score"])


def split(groups: pd.DataFrame, people: pd.DataFrame) -> pd.DataFrame:
    """Participants per stakeholder group and participation label: group, label, participants."""
    merged = people[["person", "label"]].merge(groups, on="person", how="left").fillna({"group": "other"})
    return merged.groupby(["group", "label"], as_index=False).person.count().rename(columns={"person": "participants"})


def per_theme(groups: pd.DataFrame, theme_authors: pd.DataFrame) -> pd.DataFrame:
    """Who talks about each theme: theme, group (display name), participants, posts — most participants first."""
    merged = theme_authors.merge(groups[["person", "group"]], on="person", how="left").fillna({"group": "other"})
    out = merged.groupby(["theme", "group"], as_index=False).agg(
        participants=("person", "nunique"), posts=("posts", "sum")
    )
    out["group"] = out.group.map(GROUP_NAMES).fillna(out.group)
    return out.sort_values(["theme", "participants", "posts"], ascending=[True, False, False]).reset_index(drop=True)
