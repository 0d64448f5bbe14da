"""The event's own model: learnt from the people strong evidence places, it labels the rest with a calibrated
probability and the evidence that moved it most, through the ``people`` table every view reads."""

import os
import shutil
import subprocess
import sys

import numpy as np
import pytest
import streamlit as st
from sqlalchemy import select

from summitpulse.analysis import people
from summitpulse.figures import event_model
from summitpulse.normalise.models import Author, Batch
from summitpulse.settings.config import parse_config
from summitpulse.store import schema
from summitpulse.store.engine import get_meta, ingest

from .conftest import ROOT, dashboard_app
from .test_analysis import _post, counting_under
from .test_config import _good

# Words the rules were never given (Dutch): only the event's own tagged people teach them.
ROOM = ["Zit in de zaal met {} collega's", "Eindelijk in de zaal, {} collega's", "Met {} collega's in de zaal"]
AFAR = ["Kijk mee van thuis met {} koppen koffie", "Thuis meekijken, {} koffie", "Van thuis, {} koppen koffie"]


def _config(**model):
    data = _good()
    data["participants"].update(in_room_roster=None, remote_roster=None)
    data["participation"]["model"] = {"min_seeds": 5, **model}
    return parse_config(data)


def _event(engine, config, tagged: int, untagged: int) -> None:
    """``tagged`` people on each side saying where they are with the event's tags, ``untagged`` on each side
    saying it only in their own words."""
    posts, authors, n = [], [], 0
    for side, lines, tag in (("room", ROOM, "#SoMeSummitLive"), ("afar", AFAR, "#SoMeSummitAfar")):
        for i in range(tagged + untagged):
            handle = f"{side}{i}"
            authors.append(Author("x", handle, handle))
            for k in range(2):
                text = lines[(i + k) % len(lines)].format(i + k) + " #SoMeSummit"
                posts.append(_post(n, handle, text + (f" {tag}" if i < tagged else ""), minutes=k * 5))
                n += 1
    counting_under(engine, config)
    ingest(engine, Batch(posts=posts, authors=authors))


def test_the_model_learns_the_event_s_own_words_and_labels_the_untagged(engine):
    config = _config()
    _event(engine, config, tagged=24, untagged=3)  # Platt scaling caps a fold's probability at (n + 1) / (n + 2)
    with engine.connect() as conn:
        before = people.stored(conn).set_index("handle")
    assert (before.label[[f"room{i}" for i in range(24, 27)]] == "unknown").all()  # the rules do not know the words
    summary = event_model.learn(engine)
    assert (summary["seeds_in_room"], summary["seeds_remote"], summary["changed"]) == (24, 24, 6)
    with engine.connect() as conn:
        judged = people.stored(conn).set_index("handle")
        learnt = dict(conn.execute(select(schema.learnt.c.person, schema.learnt.c.p_in_room)).all())
        assert get_meta(conn, event_model.SUMMARY_KEY)
    for i in range(24, 27):
        for side, label in (("room", "in_room"), ("afar", "remote")):
            row = judged.loc[f"{side}{i}"]
            assert row.label == label, row.reasons
            assert (
                row.reasons[0].startswith("learnt from this event's placed people")
                and "moved most by" in row.reasons[0]
            )
            assert row.confidence >= config.participation.model.threshold
    assert judged.label["room0"] == "in_room" and "x:room0" not in learnt  # a seed keeps its own evidence
    assert event_model.learn(engine)["changed"] == 0  # learnt again on the same posts: nothing to rewrite


def test_too_few_placed_people_leave_the_rules_to_decide(engine):
    _event(engine, _config(), tagged=2, untagged=3)
    summary = event_model.learn(engine)
    assert "the rules alone decide" in summary["note"]
    with engine.connect() as conn:
        assert conn.execute(select(schema.learnt)).first() is None
        assert not any(r[0].startswith("learnt") for r in people.stored(conn).reasons)


def test_propagation_reaches_the_people_placed_people_talk_with():
    seeds = np.array([1, 0, 0, -1, 0], dtype=np.int8)
    near_room, near_remote, talks = event_model.propagate([(0, 1), (1, 2), (3, 4)], seeds)
    assert near_room[1] > near_room[2] > 0 and near_room[4] == 0
    assert near_remote[4] > 0 and near_remote[1] == 0
    assert talks[1] > talks[0] > 0 and talks.shape == (5,)


@pytest.mark.parametrize("hostile", ["<script>alert(1)</script>", "\u202eevil", "🎉" * 50])
def test_hostile_words_are_features_like_any_other(engine, hostile):
    config = _config()
    _event(engine, config, tagged=6, untagged=1)
    ingest(engine, Batch(posts=[_post(999, "room0", hostile)], authors=[]))
    assert event_model.learn(engine)["seeds_in_room"] == 6


def test_the_command_learns_and_the_participants_page_says_what_it_learnt(demo_url, tmp_path, monkeypatch):
    store = tmp_path / "demo.db"
    shutil.copyfile(demo_url.removeprefix("sqlite:///"), store)
    env = {**os.environ, "SUMMITPULSE_DATABASE_URL": f"sqlite:///{store}"}
    done = subprocess.run(
        [sys.executable, "-m", "summitpulse", "--config", str(ROOT / "config.yaml"), "learn"],
        cwd=ROOT,
        env=env,
        capture_output=True,
        text=True,
        timeout=600,
    )
    assert done.returncode == 0, done.stderr
    assert done.stdout.startswith("learn: people ") and "seeds_in_room" in done.stdout
    st.cache_resource.clear()
    st.cache_data.clear()
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", f"sqlite:///{store}")
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    at = dashboard_app()
    at.session_state["organiser"] = True
    at.switch_page("pages/participants.py")
    at.run()
    assert not at.exception
    assert any("The event's own model, learnt at" in c.value for c in at.caption)
