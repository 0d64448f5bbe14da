"""In-room versus remote: precision and recall per class, and coverage, on two labelled sets.

1. The hand-labelled set (tests/data/participation_eval.yaml; its header says how it was built):
   90 people written from the situations attendees and followers are in, not by the demo's code,
   with hard cases on purpose. Rules were tuned on its first half only; the goal is judged on the
   held-out half. No rosters are used: every label comes from posts and profiles.
2. The demo day against its own ground truth (demo_truth): the same team wrote the demo's evidence
   and the rules, so this checks the rules do what they say; it is not an independent evaluation.

Goal: precision ≥ 0.85 for in_room and for remote, with ≥ 60 % of participants labelled.

    .venv/bin/python -m bench.participation
"""

from __future__ import annotations

import tempfile
from pathlib import Path

from sqlalchemy import select

from summitpulse.analysis import evaluation, participation
from summitpulse.demo import run_demo
from summitpulse.settings.config import load_config
from summitpulse.store import schema
from summitpulse.store.engine import ingest, open_store

ROOT = Path(__file__).resolve().parent.parent

LABELLED = ROOT / "tests" / "data" / "participation_eval.yaml"


def show(title: str, result: dict) -> None:
    print(f"{title}: {result['participants']} participants, {result['coverage']:.0%} labelled (goal ≥ 60 %)")
    for label in ("in_room", "remote"):
        r = result[label]
        print(
            f"  {label:<8} precision {r['precision']:.2f} (goal ≥ 0.85), recall {r['recall']:.2f}, "
            f"{r['labelled']} labelled"
        )


def labelled_set(tmp: str) -> None:
    config = load_config(ROOT / "config.yaml")
    config = config.model_copy(
        update={
            "participants": config.participants.model_copy(
                update={"in_room_roster": None, "remote_roster": None, "identity_links": []}
            )
        }
    )
    labelled = evaluation.load(LABELLED, config)
    engine = open_store(f"sqlite:///{tmp}/labelled.db")
    ingest(engine, labelled.batch)
    with engine.connect() as conn:
        people = participation.classify(conn, config)
    held = {k: v for k, v in labelled.truth.items() if k in labelled.held_out}
    tuned = {k: v for k, v in labelled.truth.items() if k not in labelled.held_out}
    show("hand-labelled set, held-out half (the goal)", evaluation.scores(people, held))
    show("hand-labelled set, half the rules were tuned on", evaluation.scores(people, tuned))
    wrong = [
        (p, lab)
        for p, lab in zip(people.person, people.label)
        if p in tuned and lab != "unknown" and (lab == "in_room") != tuned[p]
    ]
    print("  wrong in the tuning half:", ", ".join(f"{p} said {lab}" for p, lab in wrong) or "none")


def demo_day(tmp: str) -> None:
    config = load_config(ROOT / "config.yaml")
    engine = open_store(f"sqlite:///{tmp}/demo.db")
    run_demo(config, engine, speed=float("inf"))
    with engine.connect() as conn:
        truth = dict(conn.execute(select(schema.demo_truth.c.author_key, schema.demo_truth.c.in_room)).all())
        show(
            "demo day against its own truth (not independent)",
            evaluation.scores(participation.classify(conn, config), truth),
        )


def main() -> None:
    with tempfile.TemporaryDirectory() as tmp:
        labelled_set(tmp)
        demo_day(tmp)


if __name__ == "__main__":
    main()
