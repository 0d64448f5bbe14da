"""Alerts to organisers: each rule on a real store, and apprise really sending to a loopback SMTP server (aiosmtpd)
and a loopback webhook, one message per incident, cooldown and quiet hours, no secret anywhere."""

from __future__ import annotations

import json
import logging
import time
from datetime import UTC, datetime

import pytest
from sqlalchemy import select

from summitpulse.alerts import rules, run_alerts, send
from summitpulse.alerts.incidents import check, deliver, quiet, recent, record
from summitpulse.analysis import moderation
from summitpulse.analysis.health import health
from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.settings.config import Alerts, QuietHours
from summitpulse.store import schema, x_reads
from summitpulse.store.clock import set_clock
from summitpulse.store.engine import finish_run, ingest, start_run

from .fakes.server import FakeServer, Reply
from .fakes.smtp import SmtpServer

SMTP_PASSWORD = "S3cretSmtpPassw0rd"
HOOK_TOKEN = "hooktoken0123456789abcdef"
NOON = datetime(2014, 10, 22, 16, 0, tzinfo=UTC)  # 12:00 in Toronto, during the demo event


def _with(config, **alerts):
    return config.model_copy(update={"alerts": Alerts(**{"base_url": "https://pulse.example.org", **alerts})})


def _only(config, *names, **more):
    """Alerts with only the named rules on."""
    off = {name: {"enabled": name in names} for name in rules.RULES}
    return _with(config, **{**off, **more})


def _post(i: int, text: str, at: datetime, author: str = "9") -> Post:
    return Post(
        "x", str(i), author, at, f"{text} #SoMeSummit", url=f"https://x.com/h/status/{i}", hashtags=["somesummit"]
    )


def _store(engine, posts: list[Post], clock: datetime = NOON) -> None:
    ingest(engine, Batch(posts=posts, authors=[Author("x", "9", "resident_ana", "Ana")]))
    with engine.begin() as conn:
        set_clock(conn, clock.timestamp())


@pytest.fixture
def smtp():
    server = SmtpServer("pulse", SMTP_PASSWORD)
    yield server
    server.close()


@pytest.fixture
def hook():
    received = []

    def take(path, params, body):
        received.append(json.loads(body))
        return Reply({"ok": True})

    server = FakeServer({("POST", "/hooks/"): take})
    server.received = received
    yield server
    server.close()


@pytest.fixture
def channels(monkeypatch, smtp, hook):
    monkeypatch.setenv(
        "SUMMITPULSE_ALERT_URL_EMAIL",
        f"mailto://pulse:{SMTP_PASSWORD}@127.0.0.1:{smtp.port}?from=pulse@example.org&to=organisers@example.org"
        "&mode=insecure",
    )
    monkeypatch.setenv("SUMMITPULSE_ALERT_URL_HOOK", f"json://{hook.url.split('//')[1]}/hooks/{HOOK_TOKEN}")
    return smtp, hook


def test_a_flagged_post_reaches_email_and_webhook_once(engine, config, channels, caplog):
    smtp, hook = channels
    _store(
        engine,
        [
            _post(1, "What a fucking disaster", NOON),
            _post(2, "Buy followers cheap", NOON),
            _post(3, "Great talk", NOON),
        ],
    )
    config = _only(config, "flagged")
    with caplog.at_level(logging.DEBUG):
        assert check(engine, config, send) == 2
        assert check(engine, config, send) == 0  # the same incidents, still open: told once
    assert len(smtp.inbox.messages) == 2 and len(hook.received) == 2
    assert smtp.logins and all(ok for _, ok in smtp.logins)
    bodies = [m.get_body(("plain",)).get_content() for m in smtp.inbox.messages]
    assert all("https://pulse.example.org/moderation" in b for b in bodies)
    assert any("profanity filter" in b for b in bodies) and any("blocked term: buy followers" in b for b in bodies)
    assert all("https://pulse.example.org/moderation" in h["message"] for h in hook.received)
    assert "ICRE 2014" in smtp.inbox.messages[0]["Subject"]
    with engine.connect() as conn:
        told = recent(conn)
        stored = [tuple(r) for r in conn.execute(select(schema.alert_messages))]
    assert set(told.notified) == {"sent"} and all(
        "email (mailto) ✓" in c and "hook (json) ✓" in c for c in told.channels
    )
    for secret in (SMTP_PASSWORD, HOOK_TOKEN):
        assert secret not in caplog.text and secret not in repr(stored) and secret not in told.to_string()


def test_the_incident_closes_when_an_organiser_decides(engine, config, channels):
    smtp, _ = channels
    _store(engine, [_post(1, "What a fucking disaster", NOON)])
    config = _only(config, "flagged")
    check(engine, config, send)
    with engine.begin() as conn:
        moderation.set_status(conn, "x", "1", "hidden", "abusive", "organiser")
    check(engine, config, send)
    with engine.connect() as conn:
        [row] = conn.execute(select(schema.alert_incidents)).all()
    assert row.closed_ts is not None and row.notified == "sent" and len(smtp.inbox.messages) == 1


def test_a_refusing_channel_is_tried_three_times_and_never_hides_the_other(engine, config, monkeypatch, hook):
    hook.inject(*["500"] * 10, on="/hooks/bad")
    monkeypatch.setenv("SUMMITPULSE_ALERT_URL_GOOD", f"json://{hook.url.split('//')[1]}/hooks/good")
    monkeypatch.setenv("SUMMITPULSE_ALERT_URL_BAD", f"json://{hook.url.split('//')[1]}/hooks/bad")
    monkeypatch.setenv("SUMMITPULSE_ALERT_URL_WRONG", "nosuchscheme://whatever")
    _store(engine, [_post(1, "What a fucking disaster", NOON)])
    assert check(engine, _only(config, "flagged"), send) == 1
    with engine.connect() as conn:
        told = recent(conn)
    assert told.channels[0] == "bad (json) ✗, good (json) ✓, wrong (nosuchscheme) ✗"

    monkeypatch.delenv("SUMMITPULSE_ALERT_URL_GOOD")
    _store(engine, [_post(2, "Shit happens", NOON)])
    for _ in range(4):
        check(engine, _only(config, "flagged"), send)

    with engine.connect() as conn:
        states = dict(conn.execute(select(schema.alert_incidents.c.key, schema.alert_incidents.c.notified)).all())
    assert states == {"x:1": "sent", "x:2": "failed"}


def test_spike_against_the_days_baseline(engine, config):
    quiet_hours = [
        _post(i, "steady", datetime.fromtimestamp(NOON.timestamp() - 4 * 3600 + i * 600, UTC)) for i in range(22)
    ]
    burst = [_post(100 + i, "wow", datetime.fromtimestamp(NOON.timestamp() - 600 + i * 10, UTC)) for i in range(30)]
    _store(engine, quiet_hours + burst)
    config = _only(config, "spike", spike={"factor": 3, "min_posts": 20})
    with engine.begin() as conn:
        [found] = rules.findings(conn, config)["spike"]
        assert "30 posts in the last 15 minutes" in found.summary and found.page == "live"
        stricter = _only(config, "spike", spike={"factor": 30, "min_posts": 20})
        assert rules.findings(conn, stricter)["spike"] == []
        assert rules.findings(conn, _only(config, "spike", spike={"min_posts": 31}))["spike"] == []
        assert "spike" not in rules.findings(conn, _only(config, "pending"))


def test_pending_in_pre_moderation(engine, config):
    _store(engine, [_post(1, "Waiting for approval", NOON), _post(2, "Also waiting", NOON)])
    pre = _only(
        config.model_copy(update={"moderation": config.moderation.model_copy(update={"mode": "pre"})}), "pending"
    )
    with engine.begin() as conn:
        assert rules.findings(conn, pre)["pending"] == []  # collected just now
        [found] = rules.findings(conn, pre, time.time() + 11 * 60)["pending"]
        assert found.summary.startswith("2 posts waiting for approval for more than 10 minutes")
        moderation.set_status(conn, "x", "1", "approved", "", "organiser")
        moderation.set_status(conn, "x", "2", "approved", "", "organiser")
        assert rules.findings(conn, pre, time.time() + 11 * 60)["pending"] == []
        assert rules.findings(conn, _only(config, "pending"), time.time() + 3600)["pending"] == []  # post-moderation


def test_collector_failing_or_stalled(engine, config):
    with engine.begin() as conn:
        run = start_run(conn, "x:search")
        finish_run(conn, run, fetched=0, new=0, updated=0, errors=3, status="error", message="503 from the API")
        ok = start_run(conn, "bluesky:search")
        finish_run(conn, ok, fetched=5, new=5, updated=0, errors=0)
        found = rules.findings(conn, _only(config, "collector"))["collector"]
        assert [f.key for f in found] == ["x:search"] and "failing" in found[0].summary and "503" in found[0].summary
        later = rules.findings(conn, _only(config, "collector"), time.time() + 3600)["collector"]
        assert sorted(f.key for f in later) == ["bluesky:search", "x:search"]  # bluesky silent for an hour: stalled


def test_each_collector_stalls_by_its_own_interval(engine, config):
    """Every job has its interval (10-s polling, a minute's sweep and Jetstream's run, five minutes' refresh and
    stream listening: ``settings.intervals``): a collector is stalled when silent three of its own intervals, a
    minute at least."""
    now = 100_000
    history = {  # collector: its runs as (started, ended), ended None while it runs
        "x:search:#t": [(now - 100, now - 98), (now - 90, now - 88)],  # polls every 10 s, silent 88 s
        "mastodon:h:#t:sweep": [(now - 150, now - 148), (now - 90, now - 88)],  # a minute, silent 88 s
        "x:refresh": [(now - 700, now - 698), (now - 400, now - 398)],  # five minutes, silent 398 s
        "mastodon:h:#t:stream": [(now - 500, now - 202), (now - 200, None)],  # listening
        "bluesky:search:#t": [(now - 100, now - 98)],  # polls every 10 s, silent 98 s
        "mastodon:h:#t": [(now - 60, now - 55)],  # polls every 10 s, silent 55 s: under a minute
        "bluesky:jetstream": [(now - 86_400, now - 86_342), (now - 1000, now - 942)],  # a night between, silent
    }
    with engine.begin() as conn:
        for name, runs in history.items():
            for started, ended in runs:
                status = "ok" if ended else "running"
                conn.execute(
                    schema.runs.insert().values(collector=name, started_ts=started, ended_ts=ended, status=status)
                )
        states = dict(zip(*[health(conn, config, now=now)[c] for c in ("collector", "state")]))
    assert states == {
        "x:search:#t": "stalled",
        "mastodon:h:#t:sweep": "ok",
        "x:refresh": "ok",
        "mastodon:h:#t:stream": "running",
        "bluesky:search:#t": "stalled",
        "mastodon:h:#t": "ok",
        "bluesky:jetstream": "stalled",
    }


def test_x_spend_near_its_budget(engine, config):
    """The rule reads the reads the X collector records (``x_reads``, billed once per post per day)."""
    from summitpulse.settings.config import Networks

    nets = config.networks.model_dump()
    nets["x"].update(budget_usd=1.0, post_read_usd=0.005, user_read_usd=0.01)
    config = _only(config.model_copy(update={"networks": Networks(**nets)}), "x_budget")
    with engine.begin() as conn:
        assert rules.findings(conn, config)["x_budget"] == []  # nothing read yet
        x_reads.record(conn, [f"post:{i}" for i in range(150)])
        x_reads.record(conn, [f"post:{i}" for i in range(150)])  # read again the same day: billed once
        assert rules.findings(conn, config)["x_budget"] == []  # $0.75 of $1
        x_reads.record(conn, [f"user:{i}" for i in range(10)])
        [found] = rules.findings(conn, config)["x_budget"]
        assert "85%" in found.summary and "150 posts" in found.summary and "stopped" not in found.summary
        x_reads.record(conn, [f"post:{i}" for i in range(150)], now=time.time() + 86400)  # the next day: again
        [found] = rules.findings(conn, config)["x_budget"]
        assert "160%" in found.summary and "X collection has stopped" in found.summary


def test_the_hall_screen_gone_quiet(engine, config):
    _store(engine, [_post(1, "hello", NOON)])
    with engine.begin() as conn:
        config = _only(config, "screen", screen={"minutes": 5})
        assert rules.findings(conn, config)["screen"] == []  # no screen ever said it was there
        rules.write_heartbeat(conn, rules.SCREEN_HEARTBEAT, time.time() - 200)
        assert rules.findings(conn, config)["screen"] == []
        [found] = rules.findings(conn, config, time.time() + 300)["screen"]
        assert "not refreshed for 8 minutes" in found.summary and found.page == "live?kiosk=1"
        set_clock(conn, datetime(2014, 10, 23, 3, 0, tzinfo=UTC).timestamp())  # 23:00 in Toronto: the event is over
        assert rules.findings(conn, config, time.time() + 300)["screen"] == []


def test_cooldown_and_quiet_hours(sqlite_engine, config):
    sent = []

    def fake_send(title, body):
        sent.append(body)
        return {"test (json)": True}

    flag = rules.Finding("spike", "spike", "Spike", "live")
    config = _with(config, cooldown_minutes=30, quiet_hours={"start": "22:00", "end": "07:00"})
    day, night = NOON.timestamp(), datetime(2014, 10, 23, 4, 0, tzinfo=UTC).timestamp()  # 00:00 in Toronto
    with sqlite_engine.begin() as conn:
        record(conn, {"spike": [flag]}, int(day))
    assert deliver(sqlite_engine, config, fake_send, int(day)) == 1
    for step, found in ((60, []), (120, [flag])):  # over, then back within the cooldown
        with sqlite_engine.begin() as conn:
            record(conn, {"spike": found}, int(day) + step)
    assert deliver(sqlite_engine, config, fake_send, int(day) + 120) == 0
    with sqlite_engine.begin() as conn:
        record(conn, {"spike": []}, int(night) - 60)
        record(conn, {"spike": [flag]}, int(night))
    assert quiet(config, night) and deliver(sqlite_engine, config, fake_send, int(night)) == 0  # held
    morning = datetime(2014, 10, 23, 11, 5, tzinfo=UTC).timestamp()  # 07:05
    assert deliver(sqlite_engine, config, fake_send, int(morning)) == 1
    with sqlite_engine.connect() as conn:
        assert list(recent(conn).notified) == ["sent", "cooldown", "sent"]
    assert len(sent) == 2 and "Open: https://pulse.example.org/live" in sent[0]


def test_quiet_hours_within_a_day(config):
    config = _with(config, quiet_hours=QuietHours(start="12:00", end="13:00"))
    assert quiet(config, NOON.timestamp()) and not quiet(config, NOON.timestamp() + 3600)


def test_the_alerts_command_runs_once(tmp_path, config, monkeypatch, hook):
    from summitpulse.store.engine import open_store

    url = f"sqlite:///{tmp_path / 'alerts.db'}"
    engine = open_store(url)
    _store(engine, [_post(1, "What a fucking disaster", NOON)])
    monkeypatch.setenv("SUMMITPULSE_ALERT_URL", f"json://{hook.url.split('//')[1]}/hooks/{HOOK_TOKEN}")
    assert run_alerts(_only(config, "flagged"), engine, once=True) == 0
    assert len(hook.received) == 1
    assert run_alerts(_with(config, enabled=False), engine, once=True) == 2


def test_a_channels_tokens_are_redacted_from_any_log_line(monkeypatch, caplog):
    from summitpulse.settings.secrets import install_redaction

    monkeypatch.setenv("SUMMITPULSE_ALERT_URL_SLACK", "slack://T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ/#pulse")
    install_redaction()  # on the handlers of the root logger, which pytest's capture is one of
    logging.getLogger("apprise").warning(
        "posting to https://hooks.slack.com/services/T1JJ3T3L2/A1BRTD4JD/TIiajkdnlazkcOXrIdevi7FQ"
    )
    assert (
        "TIiajkdnlazkcOXrIdevi7FQ" not in caplog.text and "A1BRTD4JD" not in caplog.text and "[redacted]" in caplog.text
    )


def test_collect_runs_the_rules_as_one_of_its_jobs(sqlite_engine, config, monkeypatch):
    from collectors.scheduler import alerts_job

    monkeypatch.delenv("SUMMITPULSE_ALERT_URL", raising=False)
    _store(sqlite_engine, [_post(1, "What a fucking disaster", NOON)])
    job = alerts_job(_only(config, "flagged", every_seconds=45), sqlite_engine)
    assert job.name == "alerts" and job.interval == 45
    job.run()
    with sqlite_engine.connect() as conn:
        assert list(recent(conn).notified) == ["no channel"]
