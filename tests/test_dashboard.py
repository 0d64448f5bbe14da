"""Every page with Streamlit's AppTest over the demo store."""

import time
from datetime import UTC

import pytest
import streamlit as st
from streamlit.testing.v1 import AppTest

from summitpulse.analysis import moderation
from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.settings.config import load_config
from summitpulse.store.engine import ingest, open_store

from .conftest import ROOT, dashboard_app

PUBLIC = ["live", "theme"]
ORGANISER = [
    "signin",
    "participants",
    "contributors",
    "programme",
    "network",
    "health",
    "moderation",
    "report",
    "export",
]
HOSTILE = "<script>alert('x')</script><img src=x onerror=alert(1)> \u202eevil <b>bold</b>"


@pytest.fixture(autouse=True)
def fresh_caches():
    """Streamlit's caches live as long as the process: each test starts from its own store."""
    st.cache_resource.clear()
    st.cache_data.clear()


@pytest.fixture
def app_env(monkeypatch, demo_url):
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", demo_url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    monkeypatch.setenv("SUMMITPULSE_ORGANISER_PASSWORD", "correct horse")


def _app(page: str, organiser: bool = False, **params) -> AppTest:
    at = dashboard_app()
    if organiser:
        at.session_state["organiser"] = True
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(f"pages/{page}.py")
    return at.run()


def _html(at: AppTest) -> str:
    return "\n".join(m.value for m in at.markdown)


@pytest.mark.parametrize("page", PUBLIC + ORGANISER)
def test_every_page_renders_without_exceptions_or_stray_values(app_env, page):
    at = _app(page, organiser=True)
    assert not at.exception, at.exception
    stray = [e.value for e in at.markdown if set(e.value.replace("`", " ").split()) == {"None"}]
    assert not stray, f"a value written by no st.* call: {stray}"


def test_the_live_screen_shows_counters_wall_and_programme(app_env):
    html = _html(_app("live", kiosk="1"))
    for part in (
        "Posts",
        "Last 15 minutes",
        "In the room",
        "Remote",
        "Potential reach",
        "Latest posts",
        "Theme pulse",
        "Leading the conversation",
        "sp-card",
        "sp-plot",
        "sp-bars",
        "past conferences: room right",  # the split's held-out error, beside it
    ):
        assert part in html


PANELS = ("In the room vs remote", "Latest posts", "Theme pulse", "Leading the conversation")


def _clear_of_a_turn(every: int) -> None:
    """Wait until the rotation is at least 3 s clear of its next turn: a run that straddles one draws two panels."""
    while time.time() % every > every - 3:
        time.sleep(0.2)


def test_a_small_screen_rotates_one_panel_at_a_time(app_env):
    _clear_of_a_turn(15)
    shown = [title for title in PANELS if title in _html(_app("live", kiosk="1", rotate="15"))]
    assert len(shown) == 1
    everything = _html(_app("live", kiosk="1", rotate="3"))  # too fast to read: the whole screen
    assert all(title in everything for title in PANELS)


@pytest.mark.parametrize("page", ORGANISER)
def test_organiser_pages_refuse_without_the_password(app_env, page):
    at = _app(page)
    assert at.title[0].value == "Organisers only"
    assert not at.dataframe


def test_a_wrong_password_is_refused_and_the_right_one_lets_in(app_env):
    at = _app("participants")
    at.text_input[0].input("wrong")
    at.button[0].click().run()
    assert at.error and "not right" in at.error[0].value
    at.text_input[0].input("correct horse")
    at.button[0].click().run()
    assert at.title[0].value == "Participants"


def test_the_theme_choice_lives_in_the_url(app_env):
    at = _app("theme", theme_name="Education theory")
    assert at.selectbox[0].value == "Education theory"
    assert "Education theory" in _html(at)
    at.selectbox[0].select("Social-media scholarship").run()
    assert (
        at.query_params["theme_name"] == ["Social-media scholarship"]
        or at.query_params["theme_name"] == "Social-media scholarship"
    )


def test_filters_change_the_output(app_env):
    at = _app("contributors", organiser=True)
    everyone = at.dataframe[0].value
    at.multiselect(key="f_networks").select("bluesky").run()
    bluesky = at.dataframe[0].value
    assert set(bluesky.network) == {"Bluesky"} and set(everyone.network) > {"Bluesky"}


def test_contributors_narrow_to_participation_and_stakeholder_group(app_env):
    at = _app("contributors", organiser=True)
    everyone = at.dataframe[0].value
    at.multiselect(key="c_labels").select("in_room").run()
    in_room = at.dataframe[0].value
    assert list(in_room.handle) != list(everyone.handle) and list(in_room["rank"]) == list(range(1, len(in_room) + 1))
    at.multiselect(key="c_groups").select("nurse_allied").run()
    assert 0 < len(at.dataframe[0].value) < len(in_room)


def test_hostile_post_text_is_escaped_on_the_wall(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'hostile.db'}"
    engine = open_store(url)
    from datetime import datetime

    now = datetime(2014, 10, 22, 14, 0, tzinfo=UTC)
    ingest(
        engine,
        Batch(
            posts=[Post("x", "1", "9", now, HOSTILE + " " + "e\u0301" * 300 + "x" * 10_000)],
            authors=[Author("x", "9", "<b>h</b>", "<img src=x onerror=alert(2)>")],
        ),
    )
    with engine.begin() as conn:
        moderation.set_status(conn, "x", "1", "approved", "test", "tester")
        conn.exec_driver_sql(f"INSERT INTO meta (key, value) VALUES ('clock_ts', '{int(now.timestamp()) + 60}')")
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    html = _html(_app("live", kiosk="1"))
    assert "&lt;script&gt;" in html and "<script>" not in html
    assert "onerror=alert(1)" not in html.replace("&lt;img src=x onerror=alert(1)&gt;", "")
    assert "&lt;img src=x onerror=alert(2)&gt;" in html


def test_the_public_theme_view_shows_nothing_moderation_hid(monkeypatch, tmp_path):
    from datetime import datetime

    url = f"sqlite:///{tmp_path / 'mod.db'}"
    engine = open_store(url)
    now = datetime(2014, 10, 22, 14, 0, tzinfo=UTC)
    posts = [
        Post("x", str(i), "9", now.replace(minute=i), f"{word} on pedagogy #SoMeSummit")
        for i, word in enumerate(["visible", "hiddenbyorganiser", "spammy"])
    ]
    posts.append(Post("x", "3", "8", now.replace(minute=3), "optedout on pedagogy #SoMeSummit"))
    ingest(engine, Batch(posts=posts, authors=[Author("x", "9", "ana"), Author("x", "8", "quietresident")]))
    with engine.begin() as conn:
        moderation.set_status(conn, "x", "1", "hidden", "test", "tester")
        moderation.set_status(conn, "x", "2", "spam", "test", "tester")
        conn.exec_driver_sql(f"INSERT INTO meta (key, value) VALUES ('clock_ts', '{int(now.timestamp()) + 600}')")
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    html = _html(_app("theme", theme_name="Education theory"))
    assert "visible on pedagogy" in html
    for hidden in ("hiddenbyorganiser", "spammy", "optedout", "quietresident"):
        assert hidden not in html


@pytest.mark.parametrize("value", ["'; DROP TABLE posts;--", "<script>alert(1)</script>", "nope"])
def test_unknown_or_hostile_query_parameters_fall_back_safely(app_env, value):
    at = _app("theme", theme_name=value)
    assert not at.exception
    assert at.selectbox[0].value == "Ethics & professionalism"
    at = _app("live", kiosk=value, theme=value, rotate=value)
    assert not at.exception


def test_the_report_page_builds_the_report(app_env):
    at = _app("report", organiser=True)
    at.button[0].click().run()
    assert not at.exception
    assert at.get("download_button")


def test_the_report_page_compares_with_the_editions_the_config_names(app_env):
    """The demo names ICRE 2015's data folder: picked, the comparison is shown beside the download."""
    at = _app("report", organiser=True)
    [picker] = at.multiselect
    [icre] = picker.options
    assert icre == "Social Media Summit at ICRE 2015 (22 Oct 2015)"
    picker.select(icre).run()
    at.button[0].click().run()
    assert not at.exception
    [shown] = at.html
    assert "This edition against the other" in shown.body and "Social Media Summit at ICRE 2015" in shown.body
    assert at.get("download_button")


def test_a_folder_that_is_not_an_editions_is_named_and_nothing_is_built(app_env, monkeypatch, tmp_path):
    from summitpulse.ui import data

    monkeypatch.setattr(data, "editions", lambda: {"Elsewhere": str(tmp_path)})
    at = _app("report", organiser=True)
    at.multiselect[0].select("Elsewhere").run()
    at.button[0].click().run()
    assert not at.exception and not at.get("download_button")
    assert "not a report's data folder" in at.error[0].value and str(tmp_path) in at.error[0].value


def test_the_export_page_prepares_each_table_as_csv(app_env):
    at = _app("export", organiser=True)
    for table in ("posts", "contributors"):
        at.selectbox[0].set_value(table).run()
        at.button[0].click().run()
        assert not at.exception
        assert f"Download {table}.csv" in at.get("download_button")[0].proto.label


def test_an_organiser_confirms_a_suggested_link_and_can_undo_it(monkeypatch, tmp_path):
    """Two accounts with one handle on X and Mastodon are suggested; "Same person" links them, "Unlink" undoes it."""
    from datetime import datetime

    url = f"sqlite:///{tmp_path / 'links.db'}"
    when = datetime(2014, 10, 22, 14, 0, tzinfo=UTC)
    ingest(
        open_store(url),
        Batch(
            posts=[Post("x", "1", "7", when, "hello #SoMeSummit"), Post("mastodon", "2", "m7", when, "hi #SoMeSummit")],
            authors=[Author("x", "7", "drlinked", "Lin Ked"), Author("mastodon", "m7", "drlinked@med.social", "Lin")],
        ),
    )
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    at = _app("participants", organiser=True)
    form = next(b for b in at.button if b.label == "Same person")
    form.click().run()
    assert not at.exception and not [b for b in at.button if b.label == "Same person"]
    people = at.dataframe[0].value
    assert list(people.accounts) == ["mastodon:@drlinked@med.social · x:@drlinked"]
    next(b for b in at.button if b.label == "Unlink this account").click().run()
    assert len(at.dataframe[0].value) == 2 and any(b.label == "Same person" for b in at.button)


def test_a_block_on_the_moderation_page_is_logged_with_its_reason(monkeypatch, tmp_path):
    url = f"sqlite:///{tmp_path / 'log.db'}"
    open_store(url)
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    at = _app("moderation", organiser=True)
    assert any("No moderation action yet" in m.value for m in at.markdown)
    at.text_input[0].input("x:spammer")
    at.text_input[1].input("sells followers")
    next(b for b in at.button if b.label == "Block").click().run()
    log = at.dataframe[-1].value
    assert "sells followers" in set(log.reason)
    assert "x:spammer" in " ".join(log.target)


def test_organisers_are_told_when_a_rebuild_is_due_and_what_changed(monkeypatch, tmp_path):
    import yaml

    data = yaml.safe_load((ROOT / "config.yaml").read_text())
    url = f"sqlite:///{tmp_path / 'store.db'}"
    open_store(url, load_config(ROOT / "config.yaml")).dispose()  # figures counted under the bundled themes
    data["themes"][0]["keywords"].append("tweets")
    data["participants"].update(in_room_roster=None, remote_roster=None)  # the demo's, beside the bundled config
    (tmp_path / "config.yaml").write_text(yaml.safe_dump(data))
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(tmp_path / "config.yaml"))
    at = _app("participants", organiser=True)
    notice = " ".join(w.value for w in at.warning)
    assert "summitpulse rebuild" in notice and "themes" in notice
    assert not _app("live").warning  # never on the hall's screen
