"""The live screen's incremental tallies equal the from-scratch analysis, through new posts, deletions,
spam, un-spam, profile changes and overrides — on SQLite and PostgreSQL, and on the whole demo day."""

import time

from sqlalchemy import update

from summitpulse.analysis import metrics, moderation, participation, themes
from summitpulse.analysis.filters import Filters
from summitpulse.analysis.tallies import Tallies
from summitpulse.normalise.models import Author, Batch
from summitpulse.settings.config import load_config
from summitpulse.store import schema
from summitpulse.store.clock import now_ts
from summitpulse.store.engine import ingest, mark_deleted

from .conftest import ROOT
from .test_analysis import T0, _post, cfg, small  # noqa: F401 (fixtures)

HEADLINE = (
    "posts",
    "participants",
    "originals",
    "replies",
    "reposts",
    "quotes",
    "potential_impressions",
    "posts_per_participant",
    "last_15_min",
    "previous_15_min",
    "peak_minute_posts",
    "per_network",
)


def _same(conn, config, tallies: Tallies, now: int) -> None:
    """Every figure the tallies give equals the from-scratch function's."""
    tallies.update(conn)
    scratch = metrics.headline(conn, config, Filters(), now)
    assert {k: tallies.headline((), now)[k] for k in HEADLINE} == {k: scratch[k] for k in HEADLINE}
    people = participation.classify(conn, config).sort_values("person").reset_index(drop=True)
    kept = tallies.people().sort_values("person").reset_index(drop=True)
    assert kept.drop(columns="reasons").equals(people.drop(columns="reasons"))
    assert list(kept.reasons) == list(people.reasons)
    assert tallies.split() == participation.split(people)
    over_time = participation.split_over_time(conn, config, people, 900)
    assert (
        tallies.split_over_time()
        .sort_values(["time", "label"])
        .reset_index(drop=True)
        .equals(over_time.sort_values(["time", "label"]).reset_index(drop=True))
    )
    window = Filters(now - 3600, now)
    assert tallies.theme_totals(now - 3600, now).equals(themes.totals(conn, config, window))


def test_tallies_follow_every_change(small, cfg):  # noqa: F811
    now = int(T0.timestamp()) + 21 * 60
    tallies = Tallies(cfg)
    with small.connect() as conn:
        _same(conn, cfg, tallies, now)
    ingest(
        small,
        Batch(
            posts=[
                _post(9, "c", "Following from afar, wish I were there #SoMeSummit", minutes=12),
                _post(10, "a", "#PeerReview again #SoMeSummit", minutes=13),
                _post(11, "c", "@ana agreed #SoMeSummit", minutes=14, reply_to="1", reply_to_author="a"),
            ],
            authors=[Author("x", "c", "cy", "Cy", followers=7)],
        ),
    )
    with small.begin() as conn:
        mark_deleted(conn, ["x:3"])
        moderation.set_status(conn, "x", "7", "approved", "not spam after all", "tester")
        moderation.set_status(conn, "x", "4", "spam", "test", "tester")
        participation.set_override(conn, "x:c", "in_room", "seen at the desk")
        conn.execute(
            update(schema.authors)
            .where(schema.authors.c.author_id == "a")
            .values(followers=150, updated_ts=int(time.time()))
        )
    with small.connect() as conn:
        _same(conn, cfg, tallies, now)
        cy = tallies.people().set_index("handle").loc["cy"]
        assert cy.label == "in_room" and any("1 reply during sessions to people known" in r for r in cy.reasons)


def test_tallies_equal_scratch_on_the_demo_day(demo_engine):
    config = load_config(ROOT / "config.yaml")
    with demo_engine.connect() as conn:
        _same(conn, config, Tallies(config), now_ts(conn) // 60 * 60)


def test_report_views_of_the_tallies_equal_scratch(small, cfg):  # noqa: F811
    with small.connect() as conn:
        tallies = Tallies(cfg).update(conn)
        people = participation.classify(conn, cfg)
        expected = themes.by_participation(conn, cfg, Filters(), people).sort_values(["theme", "label"])
        assert tallies.theme_participation().equals(expected.reset_index(drop=True))
        timeline = themes.timeline(conn, cfg, Filters(), 1800).sort_values(["time", "theme"]).reset_index(drop=True)
        assert tallies.theme_timeline(1800).sort_values(["time", "theme"]).reset_index(drop=True).equals(timeline)


def test_stakeholders_per_theme_count_each_participant_once(small, cfg):  # noqa: F811
    from summitpulse.analysis import stakeholders

    with small.connect() as conn:
        authors = Tallies(cfg).update(conn).theme_authors()
    groups = authors[["person"]].drop_duplicates().assign(group=lambda f: ["educator"] * len(f))
    split = stakeholders.per_theme(groups, authors)
    assert not authors.empty and set(split.group) == {"Educator or researcher"}
    for theme, rows in authors.groupby("theme"):
        mine = split[split.theme == theme]
        assert mine.participants.sum() == rows.person.nunique() and mine.posts.sum() == rows.posts.sum()


def _changes(engine) -> None:
    """New posts and a new person, a deletion, a post marked spam."""
    ingest(
        engine,
        Batch(
            posts=[
                _post(9, "c", "Following from afar, wish I were there #SoMeSummit", minutes=12),
                _post(10, "a", "#PeerReview again #SoMeSummit", minutes=13),
            ],
            authors=[Author("x", "c", "cy", "Cy", followers=7)],
        ),
    )
    with engine.begin() as conn:
        mark_deleted(conn, ["x:3"])
        moderation.set_status(conn, "x", "4", "spam", "test", "tester")


def test_a_new_process_goes_on_from_the_stored_snapshot(small, cfg):  # noqa: F811
    before = Tallies.resumed(small, cfg)  # reads every post, then keeps its counts in the store
    _changes(small)
    later = Tallies(cfg)
    with small.connect() as conn:
        assert later.restore(conn) and later.seen == before.seen  # from the snapshot, not from nothing
        _same(conn, cfg, later, int(T0.timestamp()) + 21 * 60)  # and what changed since is read as it happens
    assert Tallies.resumed(small, cfg).people().equals(later.people())


def _splits_equal_scratch(engine, config, t0: int) -> None:
    """The live screen's in-room/remote tiles for a selection equal counting its posters' labels from scratch."""
    from collections import Counter

    from summitpulse.analysis.identity import read_identity

    tallies, theme = Tallies.resumed(engine, config), config.themes[0].name
    with engine.connect() as conn:
        people = participation.classify(conn, config)
        labels, identity = dict(zip(people.person, people.label)), read_identity(conn, config)
        for filters in (
            Filters(),
            Filters(None, None, ("x",)),
            Filters(None, None, (), (theme,)),
            Filters(t0, t0 + 3600),
            Filters(t0, t0 + 3600, ("mastodon",), (theme,)),
        ):
            posted = set(metrics.authors(conn, config, filters))
            if filters.start_ts is None:  # the whole event is answered from the tallies alone
                assert tallies.accounts(filters.networks, filters.themes) == posted
            expected = Counter(labels[":".join(person)] for person in {identity.person(k) for k in posted})
            assert tallies.split_among(posted) == {k: expected[k] for k in ("in_room", "remote", "unknown")}
            assert sum(expected.values()) == metrics.headline(conn, config, filters, t0)["participants"]
    assert tallies.split_among(tallies.accounts()) == tallies.split()["participants"]


def test_the_split_of_a_selection_counts_its_people_once_with_their_labels(small, cfg, demo_engine):  # noqa: F811
    _splits_equal_scratch(small, cfg, int(T0.timestamp()))
    config = load_config(ROOT / "config.yaml")
    _splits_equal_scratch(demo_engine, config, int(config.event.start.timestamp()) + 3600)


def test_the_collectors_keep_the_snapshot_too(small, cfg):  # noqa: F811
    from collectors.scheduler import guarded, tallies_job

    guarded(tallies_job(cfg, small))  # what `collect` runs every SNAPSHOT_EVERY_S
    kept = Tallies(cfg)
    with small.connect() as conn:
        assert kept.restore(conn)
        _same(conn, cfg, kept, int(T0.timestamp()) + 21 * 60)


def test_a_snapshot_of_other_settings_or_not_plain_data_is_not_used(small, cfg, tmp_path):  # noqa: F811
    import os

    from summitpulse.analysis import snapshots

    Tallies.resumed(small, cfg)
    themes_changed = cfg.model_copy(update={"themes": cfg.themes[:1]})
    with small.connect() as conn:
        assert not Tallies(themes_changed).restore(conn)
    marker = tmp_path / "ran"

    class Payload:  # unpickling this would run a command
        def __reduce__(self):
            return os.system, (f"touch {marker}",)

    fingerprint = Tallies(cfg).fingerprint()
    for data in ({"seen": Payload()}, b"not a pickle"):
        with small.begin() as conn:
            if isinstance(data, bytes):
                conn.execute(update(schema.snapshots).values(data=data))
            else:
                snapshots.save(conn, "tallies", fingerprint, snapshots.dumps(data))
        with small.connect() as conn:
            tallies = Tallies(cfg)
            assert not tallies.restore(conn) and tallies.seen is None
    assert not marker.exists()
    with small.connect() as conn:
        _same(conn, cfg, Tallies(cfg), int(T0.timestamp()) + 21 * 60)  # built from the posts instead
