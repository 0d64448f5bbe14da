"""Analysis on small, hand-checkable stores, on SQLite and PostgreSQL."""

from datetime import UTC, datetime
from types import SimpleNamespace

import pytest
from sqlalchemy import text

from summitpulse.analysis import contributors, graph, metrics, moderation, participation, themes
from summitpulse.analysis.completeness import chapman, estimate
from summitpulse.analysis.filters import Filters
from summitpulse.analysis.wall import wall
from summitpulse.figures import adopt
from summitpulse.normalise.folding import keyword_stems
from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.settings.config import parse_config
from summitpulse.store.engine import ingest

from .conftest import ROOT
from .test_config import _good

T0 = datetime(2014, 10, 22, 14, 0, tzinfo=UTC)  # 10:00 in Toronto, during the event


def _post(i, author, text="hello #SoMeSummit", minutes=0, **kw):
    return Post(
        network="x",
        native_id=str(i),
        author_id=author,
        created_at=T0.replace(minute=minutes),
        text=text,
        hashtags=["somesummit"],
        source="x",
        **kw,
    )


@pytest.fixture
def cfg(tmp_path):
    data = _good()
    (tmp_path / "in.csv").write_text("network,handle\nx,ana\n")
    data["participants"].update(in_room_roster=str(tmp_path / "in.csv"), remote_roster=None, opt_out=["x:zed"])
    return parse_config(data)


def counting_under(engine, config) -> None:
    """The store counts under ``config`` from now on (as ``open_store(url, config)`` makes it)."""
    with engine.begin() as conn:
        adopt(conn, config)


@pytest.fixture
def small(engine, cfg):
    """ana (roster: in the room) posts 3; bo (livestream) 2 incl. a repost of ana; zed opted out; one spam, one deleted."""
    counting_under(engine, cfg)
    posts = [
        _post(1, "a", "Great to be here at #SoMeSummit", like_count=5),
        _post(2, "a", "Peer review of tweets? #SoMeSummit #PeerReview", minutes=10, like_count=1),
        _post(3, "a", "More on pedagogy #SoMeSummit", minutes=20),
        _post(4, "b", "Watching the livestream from home #SoMeSummit", minutes=5, mentions=["a"]),
        _post(5, "b", "RT", minutes=6, repost_of="1"),
        _post(6, "z", "quiet #SoMeSummit", minutes=7, like_count=99),
        _post(7, "b", "buy followers #SoMeSummit", minutes=8),
        _post(8, "b", "gone #SoMeSummit", minutes=9),
    ]
    authors = [
        Author("x", "a", "ana", "Ana", followers=100),
        Author("x", "b", "bo", "Bo", followers=10),
        Author("x", "z", "zed", "Zed", followers=1000),
    ]
    ingest(engine, Batch(posts=posts, authors=authors, deleted=["x:8"]))
    with engine.begin() as conn:
        moderation.set_status(conn, "x", "7", "spam", "test", "tester")
    return engine


def test_headline_counts_leave_out_spam_and_deleted(small, cfg):
    with small.connect() as conn:
        head = metrics.headline(conn, cfg, Filters(), int(T0.timestamp()) + 21 * 60)
    assert (head["posts"], head["participants"], head["reposts"], head["originals"]) == (6, 3, 1, 5)
    assert head["potential_impressions"] == 3 * 100 + 2 * 10 + 1000
    assert head["last_15_min"] == 4  # minutes 6, 7, 10 and 20 of [06, 21); spam (8) and deleted (9) left out


def test_filters_by_network_theme_and_time(small, cfg):
    with small.connect() as conn:
        scholarship = metrics.headline(conn, cfg, Filters(themes=("Social-media scholarship",)), 0)["posts"]
        pedagogy = metrics.headline(conn, cfg, Filters(themes=("Education theory",)), 0)["posts"]
        none = metrics.headline(conn, cfg, Filters(networks=("bluesky",)), 0)["posts"]
        early = metrics.headline(conn, cfg, Filters(end_ts=int(T0.timestamp()) + 60), 0)["posts"]
    assert (scholarship, pedagogy, none, early) == (1, 1, 0, 1)


@pytest.mark.parametrize("hostile", ["x'); DROP TABLE posts;--", "%", "' OR 1=1 --"])
def test_hostile_filter_values_fall_back_safely(small, cfg, hostile):
    with small.connect() as conn:
        head = metrics.headline(conn, cfg, Filters(networks=(hostile,), themes=(hostile,)), 0)
    assert head["posts"] == 6


def test_participants_are_labelled_with_their_evidence_and_overrides_win(small, cfg):
    with small.connect() as conn:
        people = participation.classify(conn, cfg).set_index("handle")
    assert people.loc["ana", "label"] == "in_room"
    assert any("registered to attend in person" in r for r in people.loc["ana", "reasons"])
    assert people.loc["bo", "label"] == "remote"
    assert people.loc["zed", "label"] == "unknown" and people.loc["zed", "reasons"] == ["no evidence either way"]
    with small.begin() as conn:
        participation.set_override(conn, "x:b", "in_room", "seen at the desk")
    with small.connect() as conn:
        bo = participation.classify(conn, cfg).set_index("handle").loc["bo"]
    assert bo.label == "in_room" and bo.confidence == 1.0 and "seen at the desk" in bo.reasons[0]


def test_contributors_rank_and_never_name_the_opted_out(small, cfg):
    with small.connect() as conn:
        by_posts = contributors.rank(conn, cfg, Filters(), "posts", 10)
        by_engagement = contributors.rank(conn, cfg, Filters(), "engagement", 10)
        by_mentions = contributors.rank(conn, cfg, Filters(), "mentions", 10)
    assert list(by_posts.handle) == ["ana"]  # bo wrote a post marked spam: withheld (visibility.withheld)
    assert "zed" not in set(by_engagement.handle)
    assert by_mentions.iloc[0].handle == "ana" and by_mentions.iloc[0].mentions == 1


def test_theme_hashtags_match_their_words(small, cfg):
    with small.connect() as conn:
        totals = themes.totals(conn, cfg, Filters()).set_index("theme")
    assert totals.loc["Social-media scholarship", "posts"] == 1


def test_the_wall_hides_spam_profanity_and_the_opted_out(small, cfg):
    with small.connect() as conn:
        shown = wall(conn, cfg, Filters(), int(T0.timestamp()) + 21 * 60, 10)
    assert {c["native_id"] for c in shown} == {"1", "2", "3", "4"}


def test_capture_recapture():
    n, _ = chapman(50, 60, 30)
    assert round(n) == 99


def test_completeness_from_overlapping_instances(engine):
    page = [Post("mastodon", f"u{i}", "a@m.example", T0, "t", source="https://one") for i in range(10)]
    other = [Post("mastodon", f"u{i}", "a@m.example", T0, "t", source="https://two") for i in range(5, 15)]
    ingest(engine, Batch(posts=page))
    ingest(engine, Batch(posts=other))
    with engine.connect() as conn:
        est = estimate(conn)["mastodon"]
    assert est["observed"] == 15 and 15 <= est["estimated"] <= 25 and 0.6 < est["coverage"] <= 1


@pytest.mark.parametrize(
    "profile, group",
    [
        ("PGY-2 internal medicine resident", "trainee"),
        ("Médecin urgentiste", "clinician"),
        ("Infirmière clinicienne", "nurse_allied"),
        ("Patient advocate. Living with MS.", "patient"),
        ("Official account of a medical journal", "organisation"),
        ("Tech, music and coffee", "other"),
    ],
)
def test_stakeholder_groups_from_profiles(cfg, profile, group):
    from summitpulse.analysis.stakeholders import _patterns, group_of

    assert group_of(_patterns(cfg), profile)[0] == group


def test_exports_of_participants_themes_and_contributors(small, cfg):
    from summitpulse.outputs.export import EXPORTS

    with small.connect() as conn:
        people = EXPORTS["participants"](conn, cfg)
        themes_ = EXPORTS["themes"](conn, cfg)
        ranked = EXPORTS["contributors"](conn, cfg)
    assert "(opted out)" in set(people.handle) and "zed" not in set(people.handle)
    assert {"label", "confidence", "reasons", "group"} <= set(people.columns)
    assert set(themes_.theme) == {t.name for t in cfg.themes}
    assert "zed" not in set(ranked.handle) and {"influence", "potential_impressions"} <= set(ranked.columns)
    assert themes_[[c for c in ("in_room", "remote", "unknown") if c in themes_]].dtypes.eq("int64").all()  # not 3.0
    assert all(isinstance(a, str) and a.startswith(("x:@", "mastodon:@", "bluesky:@")) for a in ranked.accounts)


def test_the_contributors_file_leaves_out_inline_avatars(demo_engine):
    from summitpulse.outputs.export import EXPORTS
    from summitpulse.settings.config import load_config

    config = load_config(ROOT / "config.yaml")
    with demo_engine.connect() as conn:
        table = contributors.table(conn, config, Filters())
        exported = EXPORTS["contributors"](conn, config)
    assert table.avatar_url.str.startswith("data:").any()  # the demo's avatars are inline SVG
    assert not exported.avatar_url.fillna("").str.startswith("data:").any() and len(exported) == len(table)


def test_csv_files_round_trip_hostile_text_and_empty_values(tmp_path):
    import pandas as pd

    from summitpulse.analysis.frames import write_csv

    frame = pd.DataFrame(
        {
            "text": ['=cmd|"/c calc"!A1, and "quotes"', "two\nlines", None, "é ü 🎉"],
            "n": [1, 2, 3, 4],
            "lat": [1.5, None, -2.25, 0.0],
        }
    )
    write_csv(frame, tmp_path / "f.csv")
    back = pd.read_csv(tmp_path / "f.csv")
    assert back.text[0] == "'" + frame.text[0]  # a formula is written as text (OWASP: a leading quote)
    assert back.text[1] == frame.text[1] and pd.isna(back.text[2]) and back.text[3] == "é ü 🎉"
    assert back.n.tolist() == [1, 2, 3, 4] and back.lat.fillna(9).tolist() == [1.5, 9, -2.25, 0.0]


def test_contributors_narrow_to_labels_and_groups(small, cfg):
    with small.connect() as conn:
        ranked = contributors.rank(conn, cfg, Filters(), "posts", 10)
        people = participation.classify(conn, cfg)
    groups = people[["person"]].assign(group=["educator" if p == "x:a" else "other" for p in people.person])
    in_room = contributors.narrow(ranked, people, groups, ("in_room",))
    assert list(in_room.handle) == ["ana"] and list(in_room["rank"]) == [1]
    assert list(contributors.narrow(ranked, people, groups, (), ("educator",)).handle) == ["ana"]  # bo: withheld
    assert contributors.narrow(ranked, people, groups).equals(ranked)


def test_themes_match_across_accents_case_joined_hashtags_and_word_stems(engine, cfg):
    theme = cfg.themes[0].model_copy(
        update={"keywords": ["pédagogie", "peer review", "ethics", "publication"], "hashtags": []}
    )
    config = cfg.model_copy(update={"themes": [theme]})
    counting_under(engine, config)
    tagged = Post(
        network="x",
        native_id="3",
        author_id="a",
        created_at=T0,
        text="#PeerReview of tweets",
        hashtags=["peerreview"],
        source="x",
    )
    ingest(
        engine,
        Batch(
            posts=[
                _post(1, "a", "La PEDAGOGIE des médias"),
                _post(2, "a", "Une pédagogie nouvelle"),
                tagged,
                _post(4, "a", "nothing here"),
                _post(5, "a", "Is it ethical to tweet this?"),
                _post(6, "a", "Peer-reviewed, finally"),
                _post(7, "a", "A public health talk"),
            ]
        ),
    )
    with engine.connect() as conn:
        assert themes.totals(conn, config, Filters()).posts.tolist() == [5]
        assert conn.execute(text("SELECT count(*) FROM post_themes")).scalar() == 5
    assert keyword_stems("publication") is None  # "public health" is not about publication


def test_what_a_post_says_about_where_its_author_is(cfg):
    """Cues are read in their clause (``statements``); the programme's rooms count; a phrase matches at a word's
    start."""
    config = cfg.model_copy(
        update={
            "programme": cfg.programme.model_copy(
                update={"sessions": [cfg.programme.sessions[0].model_copy(update={"room": "Grand Ballroom"})]}
            )
        }
    )
    said = participation.Signals(config).said
    assert said("sad i couldn't be here at #somesummit in person") == ("out", "sad i couldn't be here")
    assert said("back row of the grand ballroom") == ("in", "back row")
    assert said("lunch in the grand ballroom") == ("in", "grand ballroom")
    assert said("over there at the bar") == ("", "")  # "there at" is not "here at"
    assert said("a mainstream idea") == ("", "")  # "stream" only at a word's start


def test_a_greeting_for_another_time_of_day_says_another_time_zone(cfg):
    """At 10:00 in Toronto, "good evening from Athens" is written elsewhere; "good morning" and a mention of
    the evening's plans are not evidence."""
    signals = participation.Signals(cfg)
    row = lambda text: SimpleNamespace(
        kind="original",
        text=text,
        created_ts=int(T0.timestamp()),  # noqa: E731
        media_count=0,
        reply_to_author=None,
    )
    assert signals.of(row("Good evening from Athens! #SoMeSummit"))["clock"] == 1
    assert signals.of(row("Great talk. Bonsoir from Lyon"))["clock"] == 1
    assert signals.of(row("Good morning #SoMeSummit"))["clock"] == 0
    assert signals.of(row("See you this evening in the foyer #SoMeSummit"))["clock"] == 0


def test_a_far_profile_does_not_outweigh_what_a_traveller_says(engine, cfg):
    """People travel: a far profile location counts only when the person's posts say nothing about where they are."""
    posts = [_post(1, "t", "Sitting next to @ana in the plenary #SoMeSummit"), _post(2, "h", "Great panel #SoMeSummit")]
    authors = [Author("x", "t", "traveller", location="Sherbrooke"), Author("x", "h", "homebody", location="Madrid")]
    ingest(engine, Batch(posts=posts, authors=authors))
    with engine.connect() as conn:
        people = participation.classify(conn, cfg).set_index("handle")
    assert people.loc["traveller", "label"] == "in_room"
    assert not any("profile location" in reason for reason in people.loc["traveller", "reasons"])
    assert any("'Madrid'" in reason for reason in people.loc["homebody", "reasons"])


def test_a_place_tag_counts_by_its_box_not_its_centre(engine, cfg):
    """An X place tag naming the venue's city holds the venue in its box: in the room, though its centre is far from
    the venue; a country's box says too little; a far city's box is weak remote evidence (tags go stale)."""
    toronto = (-79.639, 43.403, -78.905, 43.855)  # X's "Toronto, Ontario": its centre is ~20 km from the venue
    canada = (-141.0, 41.7, -52.6, 83.1)
    sydney = (150.5, -34.1, 151.3, -33.6)
    posts = [
        _post(1, "c", "Great panel #SoMeSummit", place="Toronto, Ontario", place_box=toronto),
        _post(2, "c", "More #SoMeSummit", place="Toronto, Ontario", place_box=toronto),
        _post(3, "k", "Great panel #SoMeSummit", place="Canada", place_box=canada),
        _post(4, "s", "Great panel #SoMeSummit", place="Sydney, New South Wales", place_box=sydney),
    ]
    ingest(engine, Batch(posts=posts))
    with engine.connect() as conn:
        people = participation.classify(conn, cfg).set_index("person")
        assert conn.execute(text("SELECT count(*) FROM posts WHERE latitude IS NOT NULL")).scalar() == 0
    assert people.loc["x:c", "label"] == "in_room"
    assert any("box holds the venue" in r and "Toronto, Ontario" in r for r in people.loc["x:c", "reasons"])
    assert people.loc["x:k", "reasons"] == ["no evidence either way"]
    assert any("far from the venue" in r for r in people.loc["x:s", "reasons"])
    assert people.loc["x:s", "label"] == "unknown"


def test_separate_conversations_are_drawn_side_by_side_the_biggest_first():
    import networkx as nx

    from summitpulse.analysis.graph import layout

    graph = nx.DiGraph([("x:a", "x:b"), ("x:b", "x:c"), ("x:c", "x:a"), ("x:a", "x:d"), ("mastodon:e", "mastodon:f")])
    graph.add_node("bluesky:g")
    pos = layout(graph)
    spans = [
        (min(pos[k][0] for k in keys), max(pos[k][0] for k in keys))
        for keys in (["x:a", "x:b", "x:c", "x:d"], ["mastodon:e", "mastodon:f"], ["bluesky:g"])
    ]
    assert spans[0][1] < spans[1][0] and spans[1][1] < spans[2][0]  # no overlap, biggest group on the left


def test_each_session_counts_its_slot_its_tag_its_speakers_and_the_themes_it_raised(engine, cfg):
    """T0 is 10:00 in Toronto, inside the 09:15 keynote of @kdesai_md (#SoMeEthics); 10:20 is the break."""
    from summitpulse.analysis import programme

    posts = [
        Post(
            "x",
            "1",
            "k",
            T0,
            "Privacy and our patients #SoMeSummit #SoMeEthics",
            hashtags=["somesummit", "someethics"],
            source="x",
        ),
        _post(2, "b", "@kdesai_md the ethics of it #SoMeSummit", mentions=["k"]),
        _post(3, "b", "Coffee, then more on ethics #SoMeSummit", minutes=20),
    ]
    counting_under(engine, cfg)
    ingest(engine, Batch(posts=posts, authors=[Author("x", "k", "kdesai_md"), Author("x", "b", "bo")]))
    with engine.connect() as conn:
        sessions = programme.activity(conn, cfg, Filters()).set_index("title")
    keynote, coffee = sessions.loc["Keynote: The ethical physician online"], sessions.loc["Break"]
    assert (keynote.posts, keynote.hashtag_posts, keynote.speaker_mentions) == (2, 1, 1)
    assert keynote.themes_raised == "Ethics & professionalism 2"
    assert (coffee.posts, coffee.themes_raised) == (1, "Ethics & professionalism 1")


def test_the_posts_export_anonymises_opted_out_people_and_tagged_posts(small, cfg):
    from summitpulse.outputs.export import EXPORTS

    ingest(
        small,
        Batch(
            posts=[
                Post(
                    "x",
                    "9",
                    "a",
                    T0,
                    "not for the wall #SoMeSummit #NoShow",
                    hashtags=["somesummit", "noshow"],
                    source="x",
                ),
                Post("x", "10", "a", T0, "#SoMeSummit #NoShowtime", hashtags=["somesummit", "noshowtime"], source="x"),
            ]
        ),
    )
    config = cfg.model_copy(update={"participants": cfg.participants.model_copy(update={"opt_out_tag": "#NoShow"})})
    with small.connect() as conn:
        posts = EXPORTS["posts"](conn, config).set_index("native_id")
    assert posts.loc["6", "handle"] == "(opted out)" and "zed" not in set(posts.handle)  # zed's own post
    assert posts.loc["9", "handle"] == "(opted out)"  # ana's post with the opt-out tag
    assert posts.loc["10", "handle"] == "ana"  # a tag that only begins like it
    assert posts.loc["1", "handle"] == "ana" and "8" not in posts.index and "7" not in posts.index  # deleted, spam


def test_the_opt_out_list_matches_any_case_with_or_without_at_on_one_network_or_all(cfg):
    import pandas as pd

    from summitpulse.analysis.visibility import carry_opt_out_tag, is_opted_out

    config = cfg.model_copy(update={"participants": cfg.participants.model_copy(update={"opt_out": ["x:@Zed", "Bo"]})})
    assert is_opted_out(config, "x", "@ZED") and is_opted_out(config, "x", "", "zed")
    assert not is_opted_out(config, "bluesky", "zed")  # zed opted out on X only
    assert is_opted_out(config, "bluesky", "bo") and is_opted_out(config, "mastodon", "@Bo")
    tagged = cfg.model_copy(update={"participants": cfg.participants.model_copy(update={"opt_out_tag": "#NoShow"})})
    hashtags = pd.Series(['["noshow"]', '["x", "noshowtime"]', "[]"], index=[7, 8, 9])
    assert carry_opt_out_tag(tagged, hashtags).tolist() == [True, False, False]
    assert (
        carry_opt_out_tag(cfg, hashtags).tolist()
        == carry_opt_out_tag(tagged, hashtags[1:]).tolist() + [False]
        == [False, False, False]
    )  # no tag set; or no post carrying it
    assert not is_opted_out(
        cfg.model_copy(update={"participants": cfg.participants.model_copy(update={"opt_out": []})}), "x", "zed"
    )


def test_opted_out_rows_decides_as_is_opted_out_row_by_row(cfg):
    import pandas as pd

    from summitpulse.analysis.visibility import is_opted_out, opted_out_rows

    config = cfg.model_copy(update={"participants": cfg.participants.model_copy(update={"opt_out": ["x:@Zed", "Bo"]})})
    accounts = [
        ("x", "@ZED", "1"),
        ("x", None, "zed"),
        ("bluesky", "zed", "2"),
        ("bluesky", "bo", "3"),
        ("mastodon", "@Bo", "4"),
        ("x", "ann", "5"),
        ("x", "", ""),
        ("mastodon", "bob", "bo"),
    ]
    rows = pd.DataFrame(accounts, columns=["network", "handle", "author_id"], index=[3, 1, 4, 1, 5, 9, 2, 6])
    expected = [is_opted_out(config, *account) for account in accounts]
    assert (
        opted_out_rows(config, rows.network, rows.handle, rows.author_id).tolist()
        == expected
        == [True, True, False, True, True, False, False, True]
    )
    assert not opted_out_rows(
        cfg.model_copy(update={"participants": cfg.participants.model_copy(update={"opt_out": []})}),
        rows.network,
        rows.handle,
        rows.author_id,
    ).any()


def test_influence_is_networkx_pagerank():
    import networkx as nx
    import pandas as pd

    from summitpulse.analysis.contributors import influence

    links = pd.DataFrame(
        [
            ("x:a", "x:b", 3),
            ("x:b", "x:c", 1),
            ("x:c", "x:a", 2),
            ("x:d", "x:a", 5),
            ("x:a", "x:e", 1),
            ("x:f", "x:d", 1),
        ],
        columns=["source", "target", "weight"],
    )  # e: no way out; f: no way in
    graph = nx.DiGraph()
    graph.add_weighted_edges_from(links.itertuples(index=False, name=None))
    expected = {k: v * 100 for k, v in nx.pagerank(graph, weight="weight").items()}
    got = influence(links)
    assert got.keys() == expected.keys() and all(abs(got[k] - expected[k]) < 1e-9 for k in got)
    assert influence(links.iloc[:0]) == {}


def test_the_drawn_network_is_the_most_connected_people_but_never_the_opted_out(cfg, sqlite_engine):
    import pandas as pd

    links = pd.DataFrame(
        [("x:a", "x:b", 5), ("x:b", "x:c", 1), ("x:zed", "x:a", 10), ("x:c", "x:a", 2), ("x:d", "x:a", 1)],
        columns=["source", "target", "weight"],
    )
    with sqlite_engine.connect() as conn:
        nodes, lines = graph.conversation(conn, cfg, Filters(), {"x:a": "ana"}, 2, links)
    assert list(nodes.key) == ["x:a", "x:b"] and list(nodes.label) == ["ana", "b"] and list(nodes.degree) == [5, 5]
    assert lines.values.tolist() == [["x:a", "x:b", 5]]  # zed's ten replies to ana count for nothing here


def test_the_network_drawing_names_people_by_short_handles_and_never_by_bare_ids():
    import pandas as pd

    from summitpulse.ui import charts

    nodes = pd.DataFrame(
        [
            ("mastodon:1", "mastodon", "@ana@med.example", -1.0, 1.0, 9),
            ("x:10000000", "x", "10000000", 1.0, -1.0, 8),
            ("x:2", "x", "bo", 1.0, 1.0, 3),
        ],
        columns=["key", "network", "label", "x", "y", "degree"],
    )
    figure = charts.network_graph(nodes, pd.DataFrame(columns=["source", "target", "weight"]), "light")
    named = {t for trace in figure.data[1:] for t in trace.text if t}
    hovers = {h for trace in figure.data[1:] for h in trace.hovertext}
    assert named == {"@ana", "bo"} and "@ana@med.example — 9 interactions" in hovers  # the instance on hover
    assert {p for trace in figure.data[1:] for p in trace.textposition} <= {
        "top left",
        "top right",
        "bottom left",
        "bottom right",
    }
