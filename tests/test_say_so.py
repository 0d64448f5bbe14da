"""Asking people where they are: the pre-filled posts, the QR code, the tags read as the strongest evidence, the
self-report rate, and the pages that offer it."""

from urllib.parse import parse_qs, urlsplit

import pytest
import segno
import streamlit as st
from streamlit.testing.v1 import AppTest

from summitpulse.analysis import participation, people
from summitpulse.normalise.models import Author, Batch
from summitpulse.settings.config import ConfigError, parse_config
from summitpulse.store.engine import ingest
from summitpulse.ui import say_so

from .conftest import ROOT, dashboard_app
from .test_analysis import _post, counting_under
from .test_config import _good

BASE = {
    "event": {
        "name": "Summit & Co",
        "timezone": "America/Toronto",
        "start": "2015-10-01T08:00:00-04:00",
        "end": "2015-10-01T18:00:00-04:00",
        "venue": {"name": "Centre", "latitude": 45.5, "longitude": -73.56},
    },
    "hashtags": {"primary": "#SoMeSummit"},
    "participation": {"in_room_tag": "#SummitRoom", "remote_tag": "SummitAfar"},
}


def _config(**participation):
    return parse_config({**BASE, "participation": {**BASE["participation"], **participation}})


def test_each_network_opens_a_post_with_the_event_tag_and_where_the_person_is():
    config = _config()
    text = say_so.message(config, "afar")
    assert text == "Following from afar: Summit & Co #SoMeSummit #SummitAfar"
    assert "#SummitRoom" in say_so.message(config, "room")
    links = say_so.intents(text)
    for url, host in ((links["x"], "twitter.com"), (links["bluesky"], "bsky.app")):
        parts = urlsplit(url)
        assert parts.scheme == "https" and parts.netloc == host
        assert parse_qs(parts.query)["text"] == [text]  # "&" and "#" survive the query string
    share = urlsplit(say_so.mastodon_share("fosstodon.org", text))
    assert (share.netloc, share.path, parse_qs(share.query)["text"]) == ("fosstodon.org", "/share", [text])


@pytest.mark.parametrize(
    "typed, server",
    [
        ("mastodon.social", "mastodon.social"),
        ("  https://Fosstodon.org/about ", "fosstodon.org"),
        ("@me@hachyderm.io", "hachyderm.io"),
        ("mastodon.bücher.de", "mastodon.xn--bcher-kva.de"),
        ("javascript:alert(1)", None),
        ("evil.com/share?x=1#@good.org", "evil.com"),  # a path is dropped, never passed on
        ("<script>.org", None),
        ("localhost", None),
        ("", None),
    ],
)
def test_a_typed_mastodon_server_becomes_a_host_name_or_is_refused(typed, server):
    assert say_so.mastodon_server(typed) == server


def test_the_qr_code_reads_back_as_the_say_page_and_scales_with_the_screen():
    config = _config().model_copy(
        update={"dashboard": _config().dashboard.model_copy(update={"public_url": "https://pulse.example.org"})}
    )
    url = say_so.say_url(config)
    assert url == "https://pulse.example.org/say"
    assert say_so.say_url(config, "afar") == "https://pulse.example.org/say?from=afar"
    assert segno.make(url, error="m", micro=False).version <= 3  # few modules: legible from far on a projector
    card = say_so.room_card(config)
    assert "<svg" in card and "pulse.example.org/say" in card and 'width="' not in card.split("<svg", 1)[1][:200]
    assert say_so.room_card(_config(in_room_tag=None)) == ""


@pytest.mark.parametrize(
    "participation, field",
    [
        ({"remote_tag": "#Summit Room"}, "participation.remote_tag"),
        ({"remote_tag": "#summitroom"}, "remote_tag must differ"),
        ({"in_room_tag": "#SoMeSummit"}, "participation.in_room_tag"),
    ],
)
def test_a_tag_that_cannot_say_where_someone_is_is_refused(participation, field):
    with pytest.raises(ConfigError, match=field):
        _config(**participation)


def test_a_public_url_that_is_no_web_address_is_refused():
    with pytest.raises(ConfigError, match="dashboard.public_url"):
        parse_config({**BASE, "dashboard": {"public_url": "javascript:alert(1)"}})


@pytest.fixture
def tagged():
    """The bundled config (its in-room and remote tags), without rosters."""
    data = _good()
    data["participants"].update(in_room_roster=None, remote_roster=None)
    return parse_config(data)


def test_a_tagged_post_outweighs_the_wording_and_the_rate_counts_who_said_so(engine, tagged):
    posts = [
        _post(1, "a", "Watching the keynote #SoMeSummit #SoMeSummitLive"),  # "watching" in the room too
        _post(2, "b", "Great to be at the keynote #SoMeSummit #SoMeSummitAfar"),
        _post(3, "c", "Great panel #SoMeSummit #SoMeSummitLive2"),  # another tag, not the in-room one
        _post(4, "d", "Great panel #SoMeSummit"),
    ]
    authors = [Author("x", h, h) for h in "abcd"]
    counting_under(engine, tagged)
    ingest(engine, Batch(posts=posts, authors=authors))
    with engine.connect() as conn:
        judged = participation.classify(conn, tagged).set_index("handle")
        said = people.self_reports(conn)
    assert judged.label.to_dict() == {"a": "in_room", "b": "remote", "c": "unknown", "d": "unknown"}
    assert "said so: 1 post tagged #somesummitlive" in judged.reasons["a"][0]
    assert said == {"said_in": 1, "said_remote": 1, "said": 2, "participants": 4}


@pytest.fixture
def app_env(monkeypatch, demo_url):
    st.cache_resource.clear()
    st.cache_data.clear()
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", demo_url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(ROOT / "config.yaml"))
    monkeypatch.setenv("SUMMITPULSE_ORGANISER_PASSWORD", "correct horse")


def _app(page: str, **params) -> AppTest:
    at = dashboard_app()
    for k, v in params.items():
        at.query_params[k] = v
    at.switch_page(f"pages/{page}.py")
    return at.run()


def test_the_say_page_offers_every_network_and_checks_the_mastodon_server(app_env):
    at = _app("say", **{"from": "afar"})
    assert not at.exception
    assert at.title[0].value == "Following from afar? Say so"
    assert "#SoMeSummitAfar" in at.text_area[0].value
    at.text_input[0].input("javascript:alert(1)").run()
    assert at.error and "not a server" in at.error[0].value
    at.text_input[0].input("mastodon.social").run()
    assert not at.error


def test_the_live_screen_shows_the_qr_code_and_the_theme_page_the_button(app_env):
    live = _app("live")
    assert not live.exception
    assert any("In the room? Say so" in m.value and "<svg" in m.value for m in live.markdown)
    theme = _app("theme")
    assert not theme.exception
    assert any("Following from afar" in b.label for b in theme.get("page_link"))
