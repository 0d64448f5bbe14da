"""The organiser's desk with Streamlit's AppTest: moderation, overrides, the tables' words (issue 19)."""

from datetime import UTC, datetime

import pytest

from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.store.engine import ingest, open_store

from .conftest import ROOT
from .test_dashboard import _app, fresh_caches  # noqa: F401 — each test starts from its own caches

NOW = datetime(2014, 10, 22, 14, 0, tzinfo=UTC)


@pytest.fixture
def small_store(monkeypatch, tmp_path):
    """A store with a spammer among two accounts, the event's clock set after their posts."""
    url = f"sqlite:///{tmp_path / 'desk.db'}"
    engine = open_store(url)
    posts = [
        Post("x", "1", "77", NOW, "Great talk! Follow me for prizes #SoMeSummit"),
        Post("x", "2", "9", NOW.replace(minute=2), "A real question on pedagogy #SoMeSummit"),
    ]
    ingest(engine, Batch(posts=posts, authors=[Author("x", "77", "Spammer"), Author("x", "9", "ana")]))
    with engine.begin() as conn:
        conn.exec_driver_sql(f"INSERT INTO meta (key, value) VALUES ('clock_ts', '{int(NOW.timestamp()) + 600}')")
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    yield engine
    engine.dispose()


def _block(at, value: str):
    at.text_input[0].input(value)
    at.text_input[1].input("sells followers")
    return next(b for b in at.button if b.label == "Block").click().run()


def test_blocking_the_handle_as_the_wall_shows_it_takes_its_posts_off_and_lists_it(small_store):
    at = _block(_app("moderation", organiser=True), "x:@spammer")
    told = " ".join(s.value for s in at.success)
    assert not at.exception and "Blocked account x:spammer: 1 post taken off the wall" in told
    assert any("x:spammer" in m.value for m in at.markdown)
    log = at.dataframe[-1].value
    assert list(log.action) == ["blocked account"] and list(log.target) == ["x:spammer"]
    at.segmented_control[0].set_value("all recent").run()
    assert any("hidden — blocked account" in c.value for c in at.caption)
    next(b for b in at.button if b.label == "Unblock").click().run()
    assert not any(b.label == "Unblock" for b in at.button)
    assert list(at.dataframe[-1].value.action)[:1] == ["unblocked account"]


def test_what_names_no_account_is_refused_on_the_page(small_store):
    at = _block(_app("moderation", organiser=True), "mastodon:nobody")
    assert (
        not any("Blocked" in s.value for s in at.success)
        and "not an account" in at.error[0].value
        and "@name@instance" in at.error[0].value
    )


def test_hiding_by_hand_is_logged_in_words_naming_the_post(small_store):
    at = _app("moderation", organiser=True)
    at.segmented_control[0].set_value("all recent").run()
    next(b for b in at.button if b.key == "hidden-x:2").click().run()
    log = at.dataframe[-1].value
    assert list(log.action) == ["hidden"] and list(log.reason) == ["hidden by hand"]
    assert list(log.target) == ["@ana: “A real question on pedagogy #SoMeSummit”"]


def test_the_queue_refreshes_itself():
    source = (ROOT / "pages" / "moderation.py").read_text()
    assert "@st.fragment(run_every=config.dashboard.refresh_seconds)\ndef queue()" in source


def test_a_saved_override_shows_in_the_row_and_the_counters_at_once(monkeypatch, tmp_path):
    from summitpulse.settings.config import load_config

    url = f"sqlite:///{tmp_path / 'people.db'}"
    engine = open_store(url, load_config(ROOT / "config.yaml"))
    posts = [Post("x", str(i), "9", NOW.replace(minute=i), f"Thoughts number {i} #SoMeSummit") for i in range(3)]
    ingest(engine, Batch(posts=posts, authors=[Author("x", "9", "ana", "Ana Example")]))
    engine.dispose()
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    at = _app("participants", organiser=True)
    assert list(at.dataframe[0].value.label) == ["Not known"] and at.metric[0].value == "0 people"
    at.radio[0].set_value("in_room")
    next(b for b in at.button if b.label == "Save override").click().run()
    assert list(at.dataframe[0].value.label) == ["In the room"] and at.metric[0].value == "1 people"
    assert not at.exception and "ana is now **In the room**" in at.success[0].value


def test_collector_health_speaks_in_words_on_the_events_clock(monkeypatch, demo_url):
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", demo_url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    at = _app("health", organiser=True)
    table = next(d.value for d in at.dataframe if "last_run" in d.value.columns)  # the collectors' table
    assert not at.exception and set(table.last_run.dt.year) == {2014}  # the demo's day, as every other page
    assert not table.reached_back.isna().any() and "None" not in set(table.reached_back.astype(str))
    assert not table.cursor.str.fullmatch(r"\d+").any()
    assert table.cursor[table.collector == "demo:x"].item().startswith("newest post 22 Oct")


@pytest.mark.parametrize(
    "collector, value, words",
    [
        ("x", "1585046434213011457", "newest post 25 Oct 19:11"),  # a tweet id: its time above bit 22
        ("mastodon:med-mastodon.com", "109246938000080945", "newest post 28 Oct 12:53"),  # ms above bit 16
        ("jetstream", "1414029600000000", "newest post 22 Oct 22:00"),
        ("bluesky", "3kabc", "resumes a search part way (a page token)"),
        ("mastodon:a", '{"newest": "109246938000080945", "max_id": null}', "catching up on older posts: newest post"),
        ("x", "", "no cursor yet"),
    ],
)
def test_a_cursor_in_words(collector, value, words):
    from zoneinfo import ZoneInfo

    from summitpulse.analysis.health import ago, cursor_text

    assert cursor_text(collector, value, ZoneInfo("America/Toronto")).startswith(words)
    assert [ago(s) for s in (1, 40, 720, 3 * 3600, 2 * 86400)] == [
        "just now",
        "40 s ago",
        "12 min ago",
        "3 h ago",
        "2 days ago",
    ]


def test_network_names_never_overlap_each_other_or_a_node(demo_engine, config):
    from summitpulse.analysis import contributors, graph
    from summitpulse.analysis.filters import Filters
    from summitpulse.ui import charts

    with demo_engine.connect() as conn:
        table = contributors.table(conn, config, Filters())
        nodes, lines = graph.conversation(conn, config, Filters(), dict(zip(table.person, table.handle)), 60)
    figure = charts.network_graph(nodes, lines, "light", 620, labelled=20)
    names = figure.data[-1]
    assert len(names.text) >= 8 and all(t.startswith("@") or "." in t for t in names.text)
    per_px_x = (nodes.x.max() - nodes.x.min()) / (charts.PLOT_PX * 0.9)
    per_px_y = (nodes.y.max() - nodes.y.min()) / (620 * 0.8)
    boxes = [
        (
            x / per_px_x - charts.CHAR_PX * len(t) / 2,
            y / per_px_y - 8,
            x / per_px_x + charts.CHAR_PX * len(t) / 2,
            y / per_px_y + 8,
        )
        for x, y, t in zip(names.x, names.y, names.text)
    ]
    circles = [
        (x / per_px_x - r, y / per_px_y - r, x / per_px_x + r, y / per_px_y + r)
        for x, y, r in zip(nodes.x, nodes.y, (8 + nodes.degree.clip(upper=60) / 2) / 2)
    ]
    for i, a in enumerate(boxes):
        assert not any(charts._overlap(a, b) for b in boxes[i + 1 :])
        assert not any(charts._overlap(a, c) for c in circles)


@pytest.fixture
def demo_pages(monkeypatch, demo_url):
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", demo_url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))


def test_contributors_say_change_in_words_and_write_x_handles_with_at(demo_pages):
    at = _app("contributors", organiser=True)
    table = at.dataframe[0].value
    assert "change" not in table or not table.change.astype(str).str.contains("None").any()
    assert table[table.network == "X"].handle.str.startswith("@").all()
    at.selectbox(key="f_window").set_value("Last 3 hours").run()
    changes = at.dataframe[0].value.change
    assert changes.str.fullmatch(r"new|=|[▲▼] \d+").all() and "None" not in set(changes)


def test_participants_load_cleanly_with_who_is_talking_sorted_and_counted_in_people(demo_pages, caplog):
    import json

    at = _app("participants", organiser=True)
    assert not at.exception and "Arrow" not in caplog.text
    people = at.dataframe[0].value
    assert people[people.network == "X"].handle.str.match(r"@|\(opted out\)").all()
    talking = json.loads(at.get("plotly_chart")[1].proto.spec)
    assert talking["layout"]["xaxis"]["title"]["text"] == "People"
    assert talking["layout"]["yaxis"]["categoryorder"] == "total ascending"


@pytest.mark.parametrize(
    "network, handle, written",
    [
        ("x", "ana", "@ana"),
        ("x", " @ana ", "@ana"),
        ("mastodon", "ana@med.example", "@ana@med.example"),
        ("bluesky", "ana.bsky.social", "ana.bsky.social"),
        ("x", "(opted out)", "(opted out)"),  # an anonymised handle is never made a handle
    ],
)
def test_the_wall_and_the_alerts_write_a_handle_as_every_page_does(network, handle, written):
    """One function writes handles (``settings.social.shown``): the wall's cards and the alerts use it too."""
    import re

    from summitpulse.alerts.rules import _flag_summary
    from summitpulse.ui.cards import post_card

    card = post_card({"network": network, "handle": handle, "name": "", "text": "Hi", "time": NOW, "url": ""})
    assert re.search(r'<div class="meta"><bdi>(.*?)</bdi>', card).group(1) == written
    row = {"network": network, "handle": handle, "author_id": "1", "text": "Hi"}
    assert f"a post by {written} on" in _flag_summary(row, "profanity")
