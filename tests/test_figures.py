"""The figures kept in the store equal a from-scratch computation over the posts — through new posts, edits,
re-collected counts, deletions, spam and un-spam, profile changes, overrides and identity links — on SQLite and
PostgreSQL, and on the whole demo day; and the headline equals counting the posts themselves."""

import time
from collections import Counter

import pandas as pd
from sqlalchemy import select, text

from summitpulse import figures
from summitpulse.analysis import identity, metrics, moderation, participation, people, themes
from summitpulse.analysis.filters import Filters
from summitpulse.analysis.identity import read_identity
from summitpulse.figures.counting import Counting
from summitpulse.figures.delta import TABLES
from summitpulse.figures.rebuild import compute
from summitpulse.normalise.models import Author, Batch
from summitpulse.settings.config import load_config
from summitpulse.store import schema
from summitpulse.store.engine import ingest, mark_deleted, open_store

from .conftest import ROOT
from .test_analysis import T0, _post, cfg, counting_under, small  # noqa: F401 (fixtures)

NOW = int(T0.timestamp()) + 21 * 60


def stored(conn) -> dict:
    """Every aggregate table's non-zero rows, as {table: {key: values}}."""
    out = {}
    for name, (keys, values) in TABLES.items():
        rows = conn.execute(text(f"SELECT {', '.join(keys + values)} FROM {name}")).all()
        out[name] = {tuple(r[: len(keys)]): tuple(r[len(keys) :]) for r in rows if any(r[len(keys) :])}
    return out


def assert_exact(conn, config) -> None:
    """The store's figures equal computing them again from every post."""
    fresh = compute(conn, Counting(config))
    assert stored(conn) == {
        name: {k: tuple(v) for k, v in rows.items() if any(v)} for name, rows in fresh.delta.tables.items()
    }
    links = {tuple(r) for r in conn.execute(select(schema.post_themes))}
    assert links == set(fresh.links)
    kept = people.stored(conn)
    assert kept.to_dict("records") == [row for _, row in sorted(fresh.people.items()) if row]
    a, au = schema.accounts, schema.authors
    accounts = {(r.network, r.author_id): (r.followers, r.person, r.label) for r in conn.execute(select(a)) if r.posts}
    assert accounts == {k: v for k, v in fresh.accounts.items() if fresh.delta.tables["accounts"][k][0]}
    assert conn.execute(select(a).where(a.c.stale == 1)).first() is None
    profiles = dict(conn.execute(select(au.c.network + ":" + au.c.author_id, au.c.followers)).all())
    assert {k: f for k, (f, _, _) in accounts.items()} == {k: profiles.get(":".join(k)) or 0 for k in accounts}


def scratch_headline(conn, config, filters: Filters, now: int) -> dict:
    """The headline counted from the posts themselves (filters on whole minutes, windows on whole quarter hours)."""
    posts = pd.read_sql(
        text(
            "SELECT p.network, p.native_id, p.author_id, p.created_ts, p.kind, a.followers FROM posts p "
            "LEFT JOIN moderation m ON m.network = p.network AND m.native_id = p.native_id "
            "LEFT JOIN authors a ON a.network = p.network AND a.author_id = p.author_id "
            "WHERE p.deleted_ts IS NULL AND (m.status IS NULL OR m.status != 'spam')"
        ),
        conn,
    )
    if filters.networks:
        posts = posts[posts.network.isin(filters.networks)]
    if filters.themes:
        about = {tuple(r) for r in conn.execute(text("SELECT network, native_id, theme FROM post_themes"))}
        wanted = [any((n, i, t) in about for t in filters.themes) for n, i in zip(posts.network, posts.native_id)]
        posts = posts[pd.Series(wanted, index=posts.index, dtype=bool)]
    if filters.start_ts is not None:
        posts = posts[(posts.created_ts >= filters.start_ts) & (posts.created_ts < filters.end_ts)]
    who = read_identity(conn, config)
    per_minute = Counter(posts.created_ts // 60)
    peak = max(per_minute.items(), key=lambda kv: (kv[1], -kv[0]), default=(None, 0))
    kinds = Counter(posts.kind)
    return {
        "posts": len(posts),
        "participants": len({who.person(k) for k in zip(posts.network, posts.author_id)}),
        "originals": kinds["original"],
        "replies": kinds["reply"],
        "reposts": kinds["repost"],
        "quotes": kinds["quote"],
        "potential_impressions": int(posts.followers.fillna(0).sum()),
        "last_15_min": int(((posts.created_ts >= now - 900) & (posts.created_ts < now)).sum()),
        "previous_15_min": int(((posts.created_ts >= now - 1800) & (posts.created_ts < now - 900)).sum()),
        "peak_minute_posts": peak[1],
        "per_network": dict(Counter(posts.network)),
    }


def assert_headlines(conn, config, now: int) -> None:
    theme = config.themes[0].name
    for filters in (
        Filters(),
        Filters(networks=("x",)),
        Filters(themes=(theme,)),
        Filters(themes=tuple(t.name for t in config.themes[:2])),
        Filters(now - 3600, now),
        Filters(now - 3600, now, ("mastodon",), (theme,)),
    ):
        head = metrics.headline(conn, config, filters, now)
        expected = scratch_headline(conn, config, filters, now)
        assert {k: head[k] for k in expected} == expected, filters


def test_figures_follow_every_change(small, cfg):  # noqa: F811
    with small.connect() as conn:
        assert_exact(conn, cfg)
        assert_headlines(conn, cfg, NOW)
    ingest(
        small,
        Batch(
            posts=[
                _post(9, "c", "Following from afar, wish I were there #SoMeSummit", minutes=12),
                _post(10, "a", "#PeerReview again #SoMeSummit", minutes=13),
                _post(11, "c", "@ana agreed #SoMeSummit", minutes=14, reply_to="1", reply_to_author="a"),
                _post(2, "a", "Edited: pedagogy of peer review #SoMeSummit", minutes=10, like_count=40),  # an edit
                _post(1, "a", "Great to be here at #SoMeSummit", like_count=50),  # its counts re-collected
            ],
            authors=[Author("x", "c", "cy", "Cy", followers=7)],
        ),
    )
    with small.connect() as conn:
        assert_exact(conn, cfg)
    with small.begin() as conn:
        mark_deleted(conn, ["x:3"])
        moderation.set_status(conn, "x", "7", "approved", "not spam after all", "tester")
        moderation.set_status(conn, "x", "4", "spam", "test", "tester")
        moderation.set_status(conn, "x", "8", "spam", "deleted already", "tester")
        participation.set_override(conn, "x:c", "in_room", "seen at the desk")
    ingest(small, Batch(authors=[Author("x", "a", "ana", "Ana", followers=150)]))  # her profile, fetched again
    with small.connect() as conn:
        assert_exact(conn, cfg)
        assert_headlines(conn, cfg, NOW)
        cy = participation.classify(conn, cfg).set_index("handle").loc["cy"]
    assert cy.label == "in_room" and any("1 reply during sessions to people known" in r for r in cy.reasons)
    ingest(small, Batch(authors=[Author("x", "b", "bo", "Bo", followers=10, location="Madrid")]))  # a profile only
    with small.begin() as conn:
        identity.link(conn, "x:b", "x:c")
    with small.connect() as conn:
        assert_exact(conn, cfg)
        assert_headlines(conn, cfg, NOW)
        assert len(people.stored(conn)) == 3  # ana, zed, and bo with cy
    with small.begin() as conn:
        identity.unlink(conn, "x:c")
        moderation.set_status(conn, "x", "4", "approved", "after all", "tester")
    with small.connect() as conn:
        assert_exact(conn, cfg)
        assert_headlines(conn, cfg, NOW)


def test_figures_equal_scratch_on_the_demo_day(demo_engine):
    config = load_config(ROOT / "config.yaml")
    with demo_engine.connect() as conn:
        assert_exact(conn, config)
        now = int(config.event.start.timestamp()) + 4 * 3600
        assert_headlines(conn, config, now)


def test_the_split_of_a_selection_counts_its_people_once_with_their_labels(demo_engine):
    config = load_config(ROOT / "config.yaml")
    t0, theme = int(config.event.start.timestamp()) + 3600, config.themes[0].name
    with demo_engine.connect() as conn:
        everyone = people.stored(conn)
        labels, who = dict(zip(everyone.person, everyone.label)), read_identity(conn, config)
        for filters in (
            Filters(),
            Filters(None, None, ("x",)),
            Filters(None, None, (), (theme,)),
            Filters(t0, t0 + 3600),
            Filters(t0, t0 + 3600, ("mastodon",), (theme,)),
        ):
            posted = set(metrics.authors(conn, config, filters))
            expected = Counter(labels[":".join(person)] for person in {who.person(k) for k in posted})
            assert people.split(conn, config, filters) == {k: expected[k] for k in ("in_room", "remote", "unknown")}
            assert sum(expected.values()) == metrics.headline(conn, config, filters, t0)["participants"]
        over_time = people.split_over_time(conn, config)
        assert over_time.posts.sum() == metrics.headline(conn, config, Filters(), t0)["posts"]


def test_theme_figures_count_each_post_once_however_many_themes_it_has(demo_engine):
    config = load_config(ROOT / "config.yaml")
    names = tuple(t.name for t in config.themes)
    with demo_engine.connect() as conn:
        linked = pd.read_sql(text("SELECT network, native_id, theme FROM post_themes"), conn)
        counted = pd.read_sql(
            text(
                "SELECT p.network, p.native_id FROM posts p LEFT JOIN moderation m ON m.network = p.network AND "
                "m.native_id = p.native_id WHERE p.deleted_ts IS NULL AND (m.status IS NULL OR m.status != 'spam')"
            ),
            conn,
        )
        about = linked.merge(counted, on=["network", "native_id"])
        totals = themes.totals(conn, config, Filters()).set_index("theme").posts
        assert totals.to_dict() == {n: int((about.theme == n).sum()) for n in names}
        either = metrics.headline(conn, config, Filters(themes=names[:2]), 0)["posts"]
        assert either == about[about.theme.isin(names[:2])][["network", "native_id"]].drop_duplicates().shape[0]
        by_label = themes.by_participation(conn, config, Filters())
        assert by_label.groupby("theme").posts.sum().to_dict() == {n: v for n, v in totals.items() if v}


def test_a_config_change_makes_a_rebuild_due_and_says_what_changed(small, cfg):  # noqa: F811
    fewer = cfg.model_copy(update={"themes": cfg.themes[:1]})
    display = cfg.model_copy(update={"dashboard": cfg.dashboard.model_copy(update={"title": "Another title"})})
    with small.connect() as conn:
        assert figures.status(conn, cfg) == figures.Status(False, ())
        assert figures.status(conn, display) == figures.Status(False, ())  # only the deciding settings count
        assert figures.status(conn, fewer) == figures.Status(True, ("themes",))
    figures.rebuild_store(small, fewer)
    with small.connect() as conn:
        assert not figures.status(conn, fewer).due
        assert_exact(conn, fewer)
        assert list(themes.totals(conn, fewer, Filters()).theme) == [cfg.themes[0].name]
    ingest(small, Batch(posts=[_post(20, "a", "#PeerReview and pedagogy #SoMeSummit", minutes=15)]))
    with small.connect() as conn:  # every writer now counts under the rebuilt settings, whatever its own config
        assert_exact(conn, fewer)


def test_a_store_holding_posts_but_no_figures_gets_them_when_opened_with_a_config(store_url, cfg):  # noqa: F811
    engine = open_store(store_url)  # no config: posts are written, figures are not
    ingest(engine, Batch(posts=[_post(1, "a", "Great to be here #SoMeSummit"), _post(2, "b", "#PeerReview")]))
    with engine.connect() as conn:
        assert figures.status(conn, cfg) == figures.Status(True, ("never computed",))
        assert people.stored(conn).empty
    engine.dispose()
    engine = open_store(store_url, cfg)
    with engine.connect() as conn:
        assert not figures.status(conn, cfg).due
        assert_exact(conn, cfg)
        assert metrics.headline(conn, cfg, Filters(), NOW)["posts"] == 2
    engine.dispose()


def test_the_rebuild_command_recomputes_after_a_theme_change(tmp_path, capsys):
    import yaml

    from summitpulse.cli import main

    data = yaml.safe_load((ROOT / "config.yaml").read_text())
    data["database_url"] = f"sqlite:///{tmp_path / 'store.db'}"
    data["participants"].update(in_room_roster=None, remote_roster=None)  # the demo's, beside the bundled config
    path = tmp_path / "config.yaml"
    path.write_text(yaml.safe_dump(data))
    config = load_config(path)
    engine = open_store(config.database_url, config)
    ingest(engine, Batch(posts=[_post(1, "a", "Peer review of tweets #SoMeSummit")]))
    data["themes"][0]["keywords"].append("tweets")
    path.write_text(yaml.safe_dump(data))
    changed = load_config(path)
    with engine.connect() as conn:
        assert figures.status(conn, changed).changed == ("themes",)
    started = time.perf_counter()
    assert main(["--config", str(path), "rebuild"]) == 0
    assert "rebuild: the figures of 1 posts recomputed" in capsys.readouterr().out
    assert time.perf_counter() - started < 60
    with engine.connect() as conn:
        assert not figures.status(conn, changed).due
    engine.dispose()


def test_an_account_linked_in_the_config_joins_its_person_when_it_first_posts(engine, cfg):  # noqa: F811
    from summitpulse.normalise.models import Post

    links = [["x:ana", "mastodon:ana@med.social"]]
    linked = cfg.model_copy(update={"participants": cfg.participants.model_copy(update={"identity_links": links})})
    counting_under(engine, linked)
    profiles = [Author("x", "a", "ana", "Ana"), Author("mastodon", "ana@med.social", "ana@med.social", "Ana")]
    ingest(engine, Batch(posts=[_post(1, "a", "Great to be here #SoMeSummit")], authors=profiles))
    toot = Post("mastodon", "m1", "ana@med.social", T0, "Back row of the plenary #SoMeSummit", source="m")
    ingest(engine, Batch(posts=[toot]))
    with engine.connect() as conn:
        assert_exact(conn, linked)
        ana = people.stored(conn).set_index("person").loc["mastodon:ana@med.social"]
    assert ana.posts == 2 and len(ana.accounts) == 2
