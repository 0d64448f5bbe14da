"""The in-room/remote labels on the hand-labelled set (tests/data/participation_eval.yaml): a guard that the
figures bench/participation.py prints do not fall. Goal: precision ≥ 0.85 per class, ≥ 60 % labelled."""

import gzip
import json
from collections import Counter

import pytest
import yaml

from summitpulse.analysis import evaluation, participation
from summitpulse.settings.config import load_config
from summitpulse.store.engine import ingest

from .conftest import ROOT


def test_labels_on_the_held_out_half_keep_their_precision_and_coverage(sqlite_engine):
    config = load_config(ROOT / "config.yaml")
    config = config.model_copy(
        update={
            "participants": config.participants.model_copy(
                update={"in_room_roster": None, "remote_roster": None, "identity_links": []}
            )
        }
    )
    labelled = evaluation.load(ROOT / "tests" / "data" / "participation_eval.yaml", config)
    ingest(sqlite_engine, labelled.batch)
    with sqlite_engine.connect() as conn:
        people = participation.classify(conn, config)
    held = evaluation.scores(people, {k: v for k, v in labelled.truth.items() if k in labelled.held_out})
    assert held["participants"] == 45
    assert held["in_room"]["precision"] >= 0.85 and held["remote"]["precision"] >= 0.85
    assert held["coverage"] >= 0.60  # 0.64 measured


REAL = ROOT / "tests" / "data" / "real_events"


def _own_posts(event: str) -> dict[str, list[str]]:
    """Each author's original posts in a real archive, by casefolded handle."""
    out: dict[str, list[str]] = {}
    for line in gzip.open(REAL / event / "posts.jsonl.gz"):
        page = json.loads(line)
        tweet, user = page["data"][0], page["includes"]["users"][0]
        if not any(r["type"] == "retweeted" for r in tweet.get("referenced_tweets", [])):
            out.setdefault(user["username"].casefold(), []).append(tweet["text"])
    return out


@pytest.mark.parametrize("event", ["7cfe", "aeetmed", "icopfires", "ismbeccb2017"])
def test_every_real_label_quotes_the_persons_own_post_and_every_known_attendee_anothers(event):
    posts = _own_posts(event)
    labels = yaml.safe_load((REAL / event / "labels.yaml").read_text(encoding="utf-8"))["people"]
    assert {p["label"] for p in labels} <= {"in_room", "remote", "unknown"}
    assert len({p["handle"].casefold() for p in labels}) == len(labels)
    for p in labels:
        assert any(p["quote"] in text for text in posts[p["handle"].casefold()]), p
    for k in yaml.safe_load((REAL / event / "known_attendees.yaml").read_text(encoding="utf-8"))["known"]:
        assert k["by"].casefold() != k["handle"].casefold()
        assert any(k["quote"] in text for text in posts[k["by"].casefold()]), k


def test_at_least_200_real_people_are_labelled_and_the_halves_are_fixed_by_hash():
    labelled = sum(len(yaml.safe_load(f.read_text(encoding="utf-8"))["people"]) for f in REAL.glob("*/labels.yaml"))
    assert labelled >= 200
    assert evaluation.held_out("x:117360280") != evaluation.held_out("x:1073388199")  # sha256 parity, not order


@pytest.mark.slow
def test_real_archives_held_out_half_keeps_its_measured_figures(tmp_path):
    from bench.participation import measure_archives

    measured = measure_archives(str(tmp_path))
    held = evaluation.summary(sum((m["held_out"] for m in measured.values()), Counter()))
    # Floors a little under the figures bench/participation.py measured (bench/results.md): they only rise.
    assert held["in_room"]["precision"] >= 0.95 and held["remote"]["precision"] >= 0.8  # 1.00 and 1.00 (5 said)
    assert held["coverage_2plus"] >= 0.40  # 0.43; goal 0.70
    assert held["posts_from_placed"] >= 0.42  # 0.45; goal 0.60
    assert held["known"]["remote"] == 0 and held["known"]["in_room"] >= 9  # 10 of 17
