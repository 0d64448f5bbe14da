"""Participation labels against the demo's ground truth: precision and recall per class, coverage.

Plays the whole demo day into a fresh SQLite store, classifies every
participant, and compares with ``demo_truth`` (who the simulation put in the
room). Caveat, printed too: the demo's evidence was written by the same team
as the rules, so this checks the rules do what they say — it is not an
independent evaluation. Goal: precision ≥ 0.85 for in_room and for remote,
with ≥ 60 % of participants labelled.

    .venv/bin/python bench/participation.py
"""
from __future__ import annotations

import sys
import tempfile
from pathlib import Path

from sqlalchemy import select

ROOT = Path(__file__).resolve().parent.parent
sys.path.insert(0, str(ROOT))

from summitpulse import schema  # noqa: E402
from summitpulse.analysis import participation  # noqa: E402
from summitpulse.config import load_config  # noqa: E402
from summitpulse.demo import run_demo  # noqa: E402
from summitpulse.store import open_store  # noqa: E402


def scores(people, truth: dict[str, bool]) -> dict:
    """Precision and recall of in_room and remote, and the share labelled at all."""
    judged = [(label, truth[person]) for person, label in zip(people.person, people.label) if person in truth]
    out = {"participants": len(judged),
           "coverage": sum(label != "unknown" for label, _ in judged) / len(judged) if judged else 0.0}
    for label, wanted in (("in_room", True), ("remote", False)):
        said = [real for lab, real in judged if lab == label]
        actual = [lab for lab, real in judged if real is wanted]
        out[label] = {"precision": sum(real is wanted for real in said) / len(said) if said else 0.0,
                      "recall": sum(lab == label for lab in actual) / len(actual) if actual else 0.0,
                      "labelled": len(said)}
    return out


def main() -> None:
    config = load_config(ROOT / "config.yaml")
    with tempfile.TemporaryDirectory() as tmp:
        engine = open_store(f"sqlite:///{tmp}/demo.db")
        run_demo(config, engine, speed=float("inf"))
        with engine.connect() as conn:
            truth = dict(conn.execute(select(schema.demo_truth.c.author_key, schema.demo_truth.c.in_room)).all())
            result = scores(participation.classify(conn, config), truth)
    print(f"{result['participants']} participants, {result['coverage']:.0%} labelled (goal ≥ 60 %)")
    for label in ("in_room", "remote"):
        r = result[label]
        print(f"  {label:<8} precision {r['precision']:.2f} (goal ≥ 0.85), recall {r['recall']:.2f}, "
              f"{r['labelled']} labelled")
    print("caveat: the demo's evidence and the rules come from the same team; not an independent evaluation")


if __name__ == "__main__":
    main()
