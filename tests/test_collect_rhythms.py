"""Posting rhythms read from author feeds (Bluesky getAuthorFeed, Mastodon accounts/:id/statuses) through the real
client libraries against the loopback fakes, stored once per account, and judged: a home day far from the venue's,
kept through the event, is remote evidence on the Participants page."""

import copy
from datetime import datetime

import orjson
import pytest
from sqlalchemy import text

from collectors import bluesky, mastodon, refresh, rhythms
from summitpulse.analysis.rhythm import DAY
from summitpulse.figures import adopt
from summitpulse.settings.config import parse_config

from .fakes.bluesky import FakeBluesky
from .fakes.mastodon import FakeMastodon
from .test_collect_mastodon import TAG
from .test_config import _good
from .test_figures import assert_exact

RUN = {"sleep": lambda s: None, "max_wait": 5, "timeout": 2}
START = datetime.fromisoformat("2026-11-20T08:00:00-05:00")  # Toronto (the bundled venue), UTC−5 in November
SMALL_HOURS = [START.timestamp() + h * 3600 for h in (18, 19, 20)]  # 01:00–03:00 in Toronto, afternoon in Tokyo
DAYTIME = [START.timestamp() + h * 3600 for h in (2, 4, 6)]  # 10:00–14:00 in Toronto


def _config(tmp_path, **networks):
    data = _good()
    data["event"].update(start=START.isoformat(), end="2026-11-22T18:00:00-05:00")
    data["networks"] = networks
    return parse_config(data, base_dir=str(tmp_path))


def history(offset: int) -> list[float]:
    """The times of about 120 posts of the typical day lived at ``offset``, spread over the month before START."""
    out = []
    for utc in range(24):
        for i in range(round(120 * DAY[(utc + offset) % 24])):
            day = START.timestamp() // 86400 - 1 - i % 30
            out.append(day * 86400 + utc * 3600 + 60 * i)
    return out


def _rhythms(engine) -> dict[str, list[int]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT author_id, hours FROM rhythms")).all()
    return {author_id: orjson.loads(hours) for author_id, hours in rows}


def _reasons(engine) -> dict[str, tuple[str, list[str]]]:
    with engine.connect() as conn:
        rows = conn.execute(text("SELECT handle, label, reasons FROM people")).all()
    return {handle.lstrip("@"): (label, orjson.loads(reasons)) for handle, label, reasons in rows}


@pytest.fixture
def secrets(monkeypatch):
    monkeypatch.setenv("SUMMITPULSE_BLUESKY_HANDLE", "collector.test")
    monkeypatch.setenv("SUMMITPULSE_BLUESKY_APP_PASSWORD", "app-pass-word-not-real")


def test_bluesky_feeds_give_each_poster_a_home_zone_once(engine, fixtures_dir, secrets, tmp_path, monkeypatch):
    fake = FakeBluesky(fixtures_dir, "somesummit", n=0)
    try:
        config = _config(tmp_path, bluesky={"base_url": fake.url})
        with engine.begin() as conn:
            adopt(conn, config)
        for i, ts in enumerate(SMALL_HOURS):  # lives in Tokyo, posts with the tag in Toronto's small hours
            fake.arrive(i, ts, author="did:plc:tokyo")
        for i, ts in enumerate(DAYTIME):  # lives in Toronto
            fake.arrive(10 + i, ts, author="did:plc:toronto")
        for i, ts in enumerate(history(9)):
            fake.history(100 + i, "did:plc:tokyo", ts)
        fake.history(999, "did:plc:tokyo", START.timestamp() - 3 * 3600, repost=True)  # someone else's post
        for i, ts in enumerate(history(-5)[:40]):
            fake.history(1000 + i, "did:plc:toronto", ts)
        bluesky.collect(config, engine, "somesummit", **RUN)
        refresh.refresh_bluesky(config, engine, **RUN)
        feeds = [p for _, p in fake.requests if "getAuthorFeed" in p]
        assert len(feeds) == 3 and all("limit=100" in p for p in feeds), "119 + 3 items: two pages, and one"
        stored = _rhythms(engine)
        assert sum(stored["did:plc:tokyo"]) == len(history(9)), "own posts before the event, the repost aside"
        assert sum(stored["did:plc:toronto"]) == 40
        people = _reasons(engine)
        assert any(
            "keep the day of UTC+9" in r and "10 h from the venue's UTC−5" in r for r in people["tokyo.bsky.social"][1]
        )
        assert not any("keep the day" in r for r in people["toronto.bsky.social"][1])
        assert people["tokyo.bsky.social"][0] == "remote", "with its posts in the venue's night"
        fake.arrive(20, DAYTIME[1], author="did:plc:toronto")  # a post after the feed was read: judged again
        bluesky.collect(config, engine, "somesummit", **RUN)
        refresh.refresh_bluesky(config, engine, **RUN)
        assert len([p for _, p in fake.requests if "getAuthorFeed" in p]) == 3, "once per account"
        with engine.connect() as conn:
            assert_exact(conn, config)  # the judgements kept as posts and feeds came equal judging again
    finally:
        fake.close()


def test_a_gone_bluesky_actor_is_stored_empty_and_not_asked_again(engine, fixtures_dir, secrets, tmp_path):
    fake = FakeBluesky(fixtures_dir, "somesummit", n=0)
    try:
        config = _config(tmp_path, bluesky={"base_url": fake.url})
        with engine.begin() as conn:
            adopt(conn, config)
        fake.arrive(1, DAYTIME[0], author="did:plc:gone")
        bluesky.collect(config, engine, "somesummit", **RUN)
        with fake.lock:
            fake.posts.clear()  # the account deactivated: its feed answers 400 "Profile not found"
        refresh.refresh_bluesky(config, engine, **RUN)
        assert _rhythms(engine) == {"did:plc:gone": [0] * 24}
        assert rhythms.due(engine, "bluesky", START.timestamp(), START.timestamp()) == []
    finally:
        fake.close()


def test_author_feeds_switched_off_are_not_read(engine, fixtures_dir, secrets, tmp_path):
    fake = FakeBluesky(fixtures_dir, "somesummit", n=0)
    try:
        config = _config(tmp_path, bluesky={"base_url": fake.url, "author_feeds": False})
        with engine.begin() as conn:
            adopt(conn, config)
        fake.arrive(1, DAYTIME[0], author="did:plc:someone")
        bluesky.collect(config, engine, "somesummit", **RUN)
        refresh.refresh_bluesky(config, engine, **RUN)
        assert not [p for _, p in fake.requests if "getAuthorFeed" in p] and _rhythms(engine) == {}
    finally:
        fake.close()


def test_mastodon_statuses_before_the_event_give_a_home_zone(engine, fixtures_dir, tmp_path):
    fake = FakeMastodon(fixtures_dir)
    try:
        template, fake.statuses = fake.statuses[-1], []
        config = _config(tmp_path, mastodon={"instances": [fake.url]})
        with engine.begin() as conn:
            adopt(conn, config)
        for i, ts in enumerate(SMALL_HOURS):
            fake.arrive(copy.deepcopy(template) | {"uri": f"https://example.invalid/tagged/{i}"}, ts)
        for i, ts in enumerate(history(9)):
            fake.history(template | {"uri": f"https://example.invalid/own/{i}"}, template["account"], ts)
        fake.history(template, template["account"], START.timestamp() - 3600, reblog=True)
        mastodon.collect(config, engine, fake.url, TAG, **RUN)
        refresh.refresh_mastodon(config, engine, fake.url, **RUN)
        acct = "mastodonpy_test_2@localhost"
        assert sum(_rhythms(engine)[acct]) == len(history(9)), "own statuses before the event, the reblog aside"
        pages = [p for _, p in fake.requests if p.startswith("/api/v1/accounts/")]
        assert pages[0].startswith("/api/v1/accounts/lookup?acct=mastodonpy_test_2%40localhost")
        assert len(pages) == 1 + 3 and all("exclude_reblogs=1" in p or "lookup" in p for p in pages), pages
        reasons = _reasons(engine)[acct][1]
        assert any("keep the day of UTC+9" in r for r in reasons)
    finally:
        fake.close()


def test_feeds_are_read_a_batch_a_refresh_through_faults_and_counted(engine, fixtures_dir, secrets, tmp_path):
    """MAX_ACCOUNTS a refresh, never-read first; a 502 on a feed is retried; every feed request is the refresh
    run's, spent from the host's budget."""
    fake = FakeBluesky(fixtures_dir, "somesummit", n=0)
    try:
        config = _config(tmp_path, bluesky={"base_url": fake.url})
        with engine.begin() as conn:
            adopt(conn, config)
        dids = [f"did:plc:poster{i:02d}" for i in range(rhythms.MAX_ACCOUNTS + 5)]
        for i, did in enumerate(dids):
            fake.arrive(i, DAYTIME[0] + i, author=did)
        bluesky.collect(config, engine, "somesummit", **RUN)
        fake.inject("502", on="getAuthorFeed")
        refresh.refresh_bluesky(config, engine, **RUN)
        assert len(_rhythms(engine)) == rhythms.MAX_ACCOUNTS
        refresh.refresh_bluesky(config, engine, **RUN)
        assert sorted(_rhythms(engine)) == dids
        feeds = len([p for _, p in fake.requests if "getAuthorFeed" in p])
        assert feeds == len(dids) + 1, "one page each, and the 502 asked again"
        with engine.connect() as conn:
            runs = conn.execute(text("SELECT requests, errors FROM runs WHERE collector = 'bluesky:refresh'")).all()
            spent = conn.execute(text("SELECT sum(requests) FROM rate_budgets")).scalar()
        assert sum(r.errors for r in runs) == 1 and sum(r.requests for r in runs) >= feeds
        assert spent >= feeds + 1, "and the search"
    finally:
        fake.close()
