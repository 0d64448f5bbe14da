"""Run every enabled collector on its interval (APScheduler 3), or each once (``collect --once``).

One job per network/instance/tag, ``max_instances=1`` and coalescing so a
slow run is never doubled, jitter so instances are not hit in step (streams have none),
a thread each. A job never sleeps past its interval, and one failing never stops the others.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable
from dataclasses import dataclass
from datetime import UTC, datetime
from functools import partial

from apscheduler.executors.pool import ThreadPoolExecutor
from apscheduler.schedulers.blocking import BlockingScheduler
from sqlalchemy import Engine, func, select

from summitpulse.cli.exits import outcome
from summitpulse.settings import intervals
from summitpulse.settings.config import Config
from summitpulse.store import schema

from . import bluesky, jetstream, mastodon, mastodon_stream, refresh, x
from .runs import last_started

log = logging.getLogger("collectors")
# A stream listens this much less than its job's interval: the scheduler skips a tick that finds the job still
# running, so a stream listening its whole interval would be down for the next one.
STREAM_MARGIN_S = 2


@dataclass(frozen=True)
class Job:
    name: str
    run: Callable[[], None]
    interval: int
    paced: bool = True  # a restart waits out the interval since its last run; a stream (False) reconnects at once
    once: bool = True  # run by ``collect --once`` (a Mastodon stream is not: polling gets the same statuses)
    refresh: bool = False  # re-reads what was collected: doing it alone is not collecting


def build_jobs(config: Config, engine: Engine, network: str | None = None, sleep=time.sleep) -> list[Job]:
    """The jobs of every enabled network (or only ``network``)."""
    nets = config.networks
    out = []
    if nets.mastodon.enabled and network in (None, "mastodon"):
        every = nets.mastodon.poll_seconds
        out += [
            Job(name, partial(mastodon.collect, config, engine, sleep=sleep, max_wait=every, **kw), every)
            for name, kw in mastodon.jobs(config)
        ]
        out += [
            Job(
                mastodon.sweep_name(kw["instance"], kw["tag"]),
                partial(mastodon.sweep, config, engine, sleep=sleep, max_wait=every, **kw),
                intervals.MASTODON_SWEEP_S,
            )
            for _, kw in mastodon.jobs(config)
        ]
        listen = intervals.MASTODON_STREAM_S - STREAM_MARGIN_S
        out += [
            Job(
                name,
                partial(mastodon_stream.stream, config, engine, sleep=sleep, max_wait=listen, **kw),
                intervals.MASTODON_STREAM_S,
                paced=False,
                once=False,
            )
            for name, kw in mastodon_stream.jobs(config)
        ]
    if nets.x.enabled and network in (None, "x"):
        every = nets.x.poll_seconds
        out += [
            Job(name, partial(x.collect, config, engine, sleep=sleep, max_wait=every), every)
            for name, _ in x.jobs(config)
        ]
    if nets.bluesky.enabled and network in (None, "bluesky"):
        every = nets.bluesky.poll_seconds
        out += [
            Job(name, partial(bluesky.collect, config, engine, sleep=sleep, max_wait=every, **kw), every)
            for name, kw in bluesky.jobs(config)
        ]
        out += [
            Job(
                name,
                partial(
                    jetstream.collect, config, engine, sleep=sleep, max_wait=intervals.JETSTREAM_S - STREAM_MARGIN_S
                ),
                intervals.JETSTREAM_S,
                False,
            )
            for name, _ in jetstream.jobs(config)
        ]
    slow = intervals.refresh_seconds(nets)
    out += [
        Job(name, partial(fn, config, engine, sleep=sleep, max_wait=slow, **kw), slow, refresh=True)
        for name, fn, kw in refresh.jobs(config)
        if network in (None, name.split(":")[0])
    ]
    return out


def alerts_job(config: Config, engine: Engine) -> Job:
    """The alert rules, run beside the collectors (``alerts.every_seconds``), so a collecting machine tells the
    organisers without another process."""
    from summitpulse.alerts import run_once

    return Job("alerts", partial(run_once, config, engine), config.alerts.every_seconds)


def learn_job(engine: Engine, config: Config) -> Job:
    """The event model learnt again (``participation.model.every_minutes``), off the dashboard's refresh path."""
    from summitpulse.figures.event_model import learn

    return Job("learn", partial(learn, engine), config.participation.model.every_minutes * 60)


def guarded(job: Job) -> bool:
    """Run a job; whatever it raises is logged (its run is already recorded), never propagated. False if it raised."""
    try:
        job.run()
    except Exception:  # one collector failing must not stop the others
        log.exception("%s: run failed", job.name)
        return False
    return True


def run_each_once(jobs: list[Job], engine: Engine) -> int:
    """Each job once; the exit status (``cli.exits``): done when none failed, nothing done when every collector
    failed (refreshing what is stored alone is not collecting), else partly done."""
    ok = {job.name: _ran_ok(job, engine) for job in jobs}
    return outcome(sum(ok[job.name] for job in jobs if not job.refresh), sum(not v for v in ok.values()))


def _ran_ok(job: Job, engine: Engine) -> bool:
    """Run ``job``: True unless it raised or a run it recorded failed (a refused login ends a run quietly)."""
    runs = schema.runs
    with engine.connect() as conn:
        before = conn.execute(select(func.coalesce(func.max(runs.c.id), 0))).scalar()
    if not guarded(job):
        return False
    with engine.connect() as conn:
        failed = select(func.count()).where(runs.c.id > before, runs.c.status == "failed")
        return not conn.execute(failed).scalar()


def run_collectors(config: Config, engine: Engine, once: bool = False, network: str | None = None) -> int:
    jobs = build_jobs(config, engine, network)
    if not jobs:
        print("error: no collector to run: enable a network under `networks:` in the config", flush=True)
        return 2
    if once:
        return run_each_once([job for job in jobs if job.once], engine)
    extras = [alerts_job(config, engine)] * config.alerts.enabled
    extras += [learn_job(engine, config)] * config.participation.model.enabled
    scheduler = BlockingScheduler(
        executors={"default": ThreadPoolExecutor(len(jobs) + len(extras))},  # a thread each: streams hold theirs
        job_defaults={"max_instances": 1, "coalesce": True, "misfire_grace_time": 30},
    )
    started = last_started(engine)
    for job in jobs:
        scheduler.add_job(
            guarded,
            "interval",
            args=[job],
            seconds=job.interval,
            # no jitter for a stream: a run started late would still be listening at the next tick, which is skipped
            jitter=max(1, job.interval // 10) if job.paced else None,
            id=job.name,
            name=job.name,
            next_run_time=_next(started.get(job.name) if job.paced else None, job.interval),
        )
    for extra in extras:
        scheduler.add_job(guarded, "interval", args=[extra], seconds=extra.interval, id=extra.name, name=extra.name)
    log.info("collecting: %s", ", ".join(j.name for j in jobs))
    try:
        scheduler.start()
    except (KeyboardInterrupt, SystemExit):
        scheduler.shutdown(wait=False)
    return 0


def _next(last_started: int | None, interval: int) -> datetime:
    """Now, or an interval after the job's latest run started (by another process, killed since), if later."""
    now = datetime.now(UTC)
    if last_started is None:
        return now
    return max(now, datetime.fromtimestamp(last_started + interval, UTC))
