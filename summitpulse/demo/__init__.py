"""The bundled demo event: the Social Media Summit at ICRE 2014, simulated.

A seeded cast (personas.py) posts through a scripted day (script.py); the
posts are rendered as each network's real API payloads (payloads.py) and
released on a clock through normalise → store (player.py), so the dashboard
moves as it would during a real event. The morning up to the first keynote
loads at once; the rest arrives live at ``speed`` simulated seconds per
second. When the simulated day ends the demo starts the day again: it
empties the demo's posts and replays from the morning, so a screen left
running keeps moving and its clock never runs past the event. It plays into
a store of its own (``demo.database_url``) and refuses, before it plays and
before every restart, a store holding posts that are not the demo's
(store/demo_store.py).

The ground truth (who is really in the room, stakeholder group) goes to the
``demo_truth`` table only; analysis never reads it.
"""

from __future__ import annotations

import logging
import sys

from sqlalchemy import Engine, delete, select
from tqdm import tqdm

from ..figures.rebuild import FIGURE_TABLES
from ..figures.upkeep import IDENTITY_KEY
from ..settings.config import Config
from ..store import schema
from ..store.clock import CLOCK_KEY
from ..store.demo_store import claim_for_demo
from ..store.engine import dialect_insert, get_meta
from .personas import Persona, edition_cast
from .player import Player, play
from .script import day_bounds, live_from, write_script

log = logging.getLogger(__name__)
EVENT_TABLES = (
    schema.posts,
    schema.post_tags,
    schema.post_mentions,
    schema.post_links,
    schema.sightings,
    schema.claimed_times,
    schema.moderation,
    schema.cursors,
    *(schema.metadata.tables[name] for name in FIGURE_TABLES),  # the figures of those posts
)


def write_truth(engine: Engine, cast: list[Persona]) -> None:
    rows = [{"author_key": p.key, "person": p.key, "in_room": p.in_room, "stakeholder": p.stakeholder} for p in cast]
    with engine.begin() as conn:
        conn.execute(dialect_insert(conn, schema.demo_truth).on_conflict_do_nothing(), rows)


def reset_store(engine: Engine) -> None:
    """Empty the event's posts, cursors and clock (runs and moderation history stay)."""
    with engine.begin() as conn:
        for table in EVENT_TABLES:
            conn.execute(delete(table))
        conn.execute(delete(schema.meta).where(schema.meta.c.key.in_([CLOCK_KEY, IDENTITY_KEY])))


def _resume_from(engine: Engine, begin: float, end: float) -> float | None:
    with engine.connect() as conn:
        value = get_meta(conn, CLOCK_KEY)
        has_posts = conn.execute(select(schema.posts.c.native_id).limit(1)).first() is not None
    ts = float(value) if value else None
    return ts if ts and has_posts and begin < ts < end else None


def run_demo(
    config: Config, engine: Engine, speed: float = 60.0, reset: bool = False, archive: str | None = None
) -> int:
    """Play the demo day into the store; with a finite speed, replay it for ever. StoreOwnerError, before anything
    is written or emptied, when the store holds posts that are not the demo's."""
    claim_for_demo(engine, config.event.name)
    cast = edition_cast(config)
    posts = write_script(config, cast, seed=config.demo.seed, total=config.demo.posts)
    write_truth(engine, cast)
    begin, end = day_bounds(config)
    first_keynote = live_from(config)
    if reset:
        reset_store(engine)
    resume = None if speed == float("inf") else _resume_from(engine, begin, end)
    while True:
        player = Player(config, engine, posts, archive)
        with tqdm(
            total=len(posts), desc="demo posts", unit="post", disable=speed != float("inf") or not sys.stderr.isatty()
        ) as bar:
            play(player, begin, resume or first_keynote, end, speed, progress=bar)
        if speed == float("inf"):
            print(f"demo: {len(posts)} posts from {len(cast)} participants loaded")
            return 0
        log.info("the demo day is over; starting it again from the morning")
        claim_for_demo(engine, config.event.name)
        reset_store(engine)
        resume, archive = None, None
