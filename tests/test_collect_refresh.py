"""The slower refresh: counts of the last hours' posts are updated, posts deleted upstream leave the store."""

from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from collectors import bluesky, mastodon, refresh, x
from summitpulse.settings.config import parse_config

from .fakes.bluesky import FakeBluesky
from .fakes.mastodon import FakeMastodon
from .fakes.x import FakeX
from .test_collect_mastodon import TAG
from .test_config import _good

NOW = datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%S.000Z")
RUN = {"sleep": lambda s: None, "max_wait": 5, "timeout": 1}


def _config(**networks):
    data = _good()
    data["event"].update(start="2014-01-01T00:00:00+00:00", end="2030-01-01T00:00:00+00:00")
    data["hashtags"] = {"primary": "#SoMeSummit", "aliases": [f"#{TAG}"]}
    data["networks"] = networks
    return parse_config(data)


def _live(engine, network) -> dict[str, int | None]:
    with engine.connect() as conn:
        return dict(
            conn.execute(
                text("SELECT native_id, like_count FROM posts WHERE network = :n AND deleted_ts IS NULL"),
                {"n": network},
            ).all()
        )


@pytest.fixture
def secrets(monkeypatch):
    for k, v in {
        "SUMMITPULSE_X_BEARER_TOKEN": "t",
        "SUMMITPULSE_BLUESKY_HANDLE": "h",
        "SUMMITPULSE_BLUESKY_APP_PASSWORD": "p",
    }.items():
        monkeypatch.setenv(k, v)


def test_x_counts_are_refreshed_and_deleted_tweets_leave(engine, fixtures_dir, secrets):
    fake = FakeX(fixtures_dir)
    try:
        for t in fake.tweets.values():
            t["created_at"] = NOW
        config = _config(x={"base_url": fake.url})
        x.collect(config, engine, **RUN)
        gone, kept = sorted(i for i, t in fake.tweets.items() if t.get("author_id"))[:2]
        del fake.tweets[gone]
        fake.tweets[kept].setdefault("public_metrics", {})["like_count"] = 4242
        refresh.refresh_x(config, engine, **RUN)
        live = _live(engine, "x")
        assert gone not in live and live[kept] == 4242
    finally:
        fake.close()


def test_mastodon_statuses_are_refreshed_by_their_local_id(engine, fixtures_dir):
    fake = FakeMastodon(fixtures_dir)
    try:
        for s in fake.statuses:
            s["created_at"] = NOW
        config = _config(mastodon={"instances": [fake.url]})
        mastodon.collect(config, engine, fake.url, TAG, **RUN)
        gone = fake.statuses.pop(0)
        fake.statuses[0]["favourites_count"] = 77
        refresh.refresh_mastodon(config, engine, fake.url, **RUN)
        live = _live(engine, "mastodon")
        assert gone["uri"] not in live and live[fake.statuses[0]["uri"]] == 77
        lookups = [p for _, p in fake.requests if p.startswith("/api/v1/statuses")]
        assert len(lookups) == 2 and all("id%5B%5D=" in p for p in lookups), "30 statuses, 20 to a request"
    finally:
        fake.close()


def test_an_instance_before_4_3_is_refreshed_one_status_at_a_time_within_its_budget(engine, fixtures_dir, monkeypatch):
    monkeypatch.setattr(refresh, "MAX_SINGLE", 10)
    fake = FakeMastodon(fixtures_dir, version="4.2.0")
    try:
        for i, s in enumerate(fake.statuses):  # newest first, a second apart
            s["created_at"] = (datetime.now(UTC) - timedelta(seconds=i)).strftime("%Y-%m-%dT%H:%M:%S.000Z")
        config = _config(mastodon={"instances": [fake.url]})
        mastodon.collect(config, engine, fake.url, TAG, **RUN)
        fake.statuses[0]["favourites_count"] = 77
        for _ in range(2):
            before = len(fake.requests)
            refresh.refresh_mastodon(config, engine, fake.url, **RUN)
            assert len(fake.requests) - before <= 11, "one failed batch lookup at most, then MAX_SINGLE"
        assert _live(engine, "mastodon")[fake.statuses[0]["uri"]] == 77
        assert len(_live(engine, "mastodon")) == len(fake.statuses), "nothing taken for deleted"
    finally:
        fake.close()


def test_bluesky_posts_are_refreshed_and_deleted_ones_leave(engine, fixtures_dir, secrets, tmp_path):
    fake = FakeBluesky(fixtures_dir, "somesummit", n=5)
    try:
        for p in fake.posts:
            p["record"]["createdAt"] = NOW
        data = _config(bluesky={"base_url": fake.url}).model_dump()
        config = parse_config({k: v for k, v in data.items() if k != "base_dir"}, base_dir=str(tmp_path))
        bluesky.collect(config, engine, "somesummit", **RUN)
        gone = fake.posts.pop(0)
        fake.posts[0]["likeCount"] = 9
        refresh.refresh_bluesky(config, engine, **RUN)
        live = _live(engine, "bluesky")
        assert gone["uri"] not in live and live[fake.posts[0]["uri"]] == 9
    finally:
        fake.close()
