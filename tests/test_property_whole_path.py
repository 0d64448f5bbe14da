"""Property-based, the whole path: extreme values of every stored field — dates at and beyond the limits, NUL and
other control characters, 100,000-character text, empty and missing everything, right-to-left text and combining
marks, formulas — as X, Mastodon and Bluesky payloads, through normalise → store → every export (each example),
then the report and every page (AppTest) over all of them, on both backends: no error anywhere."""

import html
import itertools
import json

import pytest
import streamlit as st
import yaml
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as hs

from summitpulse.normalise import normalise
from summitpulse.outputs.export import EXPORTS, write_frame
from summitpulse.outputs.report import write_report
from summitpulse.settings.config import load_config
from summitpulse.store.engine import ingest, open_store

from .conftest import dashboard_app
from .test_config import _good
from .test_dashboard import ORGANISER, PUBLIC

pytestmark = pytest.mark.slow
EXAMPLES = 8  # per backend: each a post on every network; the pages then show them all at once

EXTREME_TEXT = [
    "",
    "\x00",
    "nul\x00inside\x01\x08\x0b\x1b[31m\x7f\x85\x9f",
    "x" * 100_000,
    "مرحبا بالمؤتمر \u202eevil.exe\u202c שלום",
    "e\u0301" * 2000 + "\u0300\u0301\u0302\u0303",
    '=HYPERLINK("http://evil.example","x")',
    "-2+3",
    "@SUM(A1)",
    "<script>alert(1)</script><img src=x onerror=alert(2)>",
    "🧑\u200d⚕️" * 200,
    "\ud800 lone surrogate",
    "\n\n\t\r",
]
EXTREME_DATES = [
    "0001-01-01T00:00:00Z",
    "9999-12-31T23:59:59Z",
    "9999-12-31T23:59:59-12:00",  # beyond what UTC can hold
    "0001-01-01T00:00:00+14:00",  # before it
    "1970-01-01T00:00:00Z",
    "2038-01-19T03:14:08Z",
    "2014-10-22T14:00:00Z",  # the bundled event's day
    "2014-10-22T14:00:00.123456789Z",
    "not a date",
    "",
]
TEXT = hs.sampled_from(EXTREME_TEXT) | hs.text(max_size=30)  # any code point but surrogates, controls included
DATE = hs.sampled_from(EXTREME_DATES) | hs.datetimes().map(lambda d: d.isoformat() + "Z")
COUNT = hs.sampled_from([0, -1, 2**31 - 1, 2**31, 2**63, 1.5, "many", True])
FIELDS = ("created", "text", "handle", "name", "bio", "location", "url", "avatar", "lang", "count")
RECORD = hs.fixed_dictionaries(
    {},
    optional={  # a key left out is a field missing from the payload
        **{f: TEXT for f in FIELDS if f not in ("created", "count")},
        "created": DATE,
        "count": COUNT,
    },
)
NUMBERS = itertools.count(10_000)


def _payloads(r: dict, n: int) -> dict[str, object]:
    """The record as each network's payload (keys absent where the record lacks them)."""

    def some(**fields):
        return {k: r[v] for k, v in fields.items() if v in r}

    tag = " #SoMeSummit"
    tweet = {"id": str(n), "author_id": f"9{n}", "text": r.get("text", "") + tag, **some(created_at="created")}
    tweet |= some(lang="lang") | {"public_metrics": some(like_count="count")}
    user = {"id": f"9{n}", **some(username="handle", name="name", description="bio", location="location")}
    user |= some(url="url", profile_image_url="avatar") | {"public_metrics": some(followers_count="count")}
    account = {"id": f"9{n}", "acct": f"{r.get('handle', 'u')}@m.example", **some(username="handle")}
    account |= some(display_name="name", note="bio", avatar="avatar", url="url", followers_count="count")
    status = {"id": str(n), "uri": f"https://m.example/s/{n}", "account": account, **some(created_at="created")}
    status |= {"content": f"<p>{html.escape(r.get('text', ''))}{tag}</p>"} | some(url="url", language="lang")
    author = {"did": f"did:plc:p{n}", **some(handle="handle", displayName="name", description="bio", avatar="avatar")}
    record = {"text": r.get("text", "") + tag, **some(createdAt="created")} | (
        {"langs": [r["lang"]]} if "lang" in r else {}
    )
    view = {"uri": f"at://did:plc:p{n}/app.bsky.feed.post/{n}", "author": author, "record": record}
    return {
        "x_page": {"data": [tweet], "includes": {"users": [user]}},
        "mastodon_statuses": [status | some(favourites_count="count")],
        "bluesky_search": {"posts": [view | some(likeCount="count")]},
    }


@pytest.fixture
def east_config(tmp_path):
    """The bundled event in the zone furthest east of UTC (+14): year 9999 overflows there first."""
    data = _good()
    data["event"]["timezone"] = "Pacific/Kiritimati"
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    return path


def test_extreme_values_of_every_field_pass_the_whole_path(store_url, east_config, tmp_path, monkeypatch):
    config = load_config(east_config)
    engine = open_store(store_url, config)
    out = tmp_path / "exports"
    out.mkdir()

    @settings(max_examples=EXAMPLES, deadline=None, suppress_health_check=list(HealthCheck))
    @given(record=RECORD)
    def through_store_and_exports(record):
        n = next(NUMBERS)
        for kind, payload in _payloads(record, n).items():
            batch = normalise(kind, json.loads(json.dumps(payload)), config.hashtags.all, source="property")
            result = ingest(engine, batch)
            assert result.rejected == len(batch.rejected), result.reasons  # the store refused nothing normalised
        with engine.connect() as conn:
            for what, build in EXPORTS.items():
                frame = build(conn, config)
                for fmt in ("csv", "json", "parquet"):
                    write_frame(frame, fmt, str(out / f"{what}.{fmt}"))

    through_store_and_exports()
    assert write_report(config, engine, tmp_path / "report.html") == 0
    engine.dispose()
    st.cache_resource.clear()
    st.cache_data.clear()
    monkeypatch.setenv("SUMMITPULSE_DATABASE_URL", store_url)
    monkeypatch.setenv("SUMMITPULSE_CONFIG", str(east_config))
    for page in PUBLIC + ORGANISER:
        at = dashboard_app()
        at.session_state["organiser"] = True
        at.switch_page(f"pages/{page}.py")
        assert not at.run().exception, (page, at.exception)
