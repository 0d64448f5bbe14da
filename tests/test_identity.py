"""One person across networks: config links, suggested links an organiser confirms or rejects, and what
linking changes — one participant with the evidence of all their accounts, one contributor."""

from datetime import timedelta

import pytest

from summitpulse.analysis import contributors, identity, metrics, participation
from summitpulse.analysis import people as people_mod
from summitpulse.analysis.filters import Filters
from summitpulse.figures import rebuild_store
from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.settings.config import parse_config
from summitpulse.store.engine import ingest

from .test_analysis import T0, counting_under
from .test_config import _good
from .test_figures import assert_exact


def _post(network, i, author, text, minutes=0, **kw):
    return Post(
        network=network,
        native_id=str(i),
        author_id=author,
        created_at=T0 + timedelta(minutes=minutes),
        text=f"{text} #SoMeSummit",
        hashtags=["somesummit"],
        source=network,
        **kw,
    )


@pytest.fixture
def people(engine):
    """Jane on X and on Mastodon (each account alone says too little), Jo Bloggs twice by name, Kim whose
    Bluesky profile names their X account, and Zed (opted out) who shares a handle with a Mastodon account."""
    posts = [
        _post("x", 1, "x-jane", "Slides from the plenary", media_count=1),
        _post("x", 2, "x-jo", "Hello"),
        _post("mastodon", 3, "m-jane", "Good morning", 5),
        _post("mastodon", 4, "m-jo", "Hi"),
        _post("bluesky", 5, "b-kim", "Good talk"),
        _post("x", 6, "x-kim", "Agreed"),
        _post("x", 7, "x-zed", "quiet"),
        _post("mastodon", 8, "m-zed", "hi"),
    ]
    authors = [
        Author("x", "x-jane", "drjane", "Dr Jane Roe", followers=100),
        Author("mastodon", "m-jane", "drjane@med.social", "Jane", followers=40, location="Toronto"),
        Author("x", "x-jo", "jb", "Jo Bloggs"),
        Author("mastodon", "m-jo", "bloggs@med.social", "Jo Bloggs"),
        Author("bluesky", "b-kim", "kim.example.org", "K", description="also x.com/kimlee"),
        Author("x", "x-kim", "kimlee", "Kim"),
        Author("x", "x-zed", "zedzed", "Zed"),
        Author("mastodon", "m-zed", "zedzed@med.social", "Zed M"),
    ]
    counting_under(engine, _config())
    ingest(engine, Batch(posts=posts, authors=authors))
    return engine


def _config(links=()):
    data = _good()
    data["participants"].update(
        identity_links=[list(g) for g in links], opt_out=["x:zedzed"], in_room_roster=None, remote_roster=None
    )
    data["programme"] = {
        "sessions": [{"title": "Plenary", "start": T0.isoformat(), "end": (T0 + timedelta(hours=1)).isoformat()}]
    }
    return parse_config(data)


def test_config_links_make_one_participant_with_the_evidence_of_every_account(people):
    config = _config([("x:@drjane", "mastodon:drjane@med.social", "bluesky:nobody.yet")])
    with people.connect() as conn:
        alone = participation.classify(conn, _config()).set_index("person")
        linked = participation.classify(conn, config).set_index("person")  # judged now, from the posts
    rebuild_store(people, config)  # as `summitpulse rebuild` after the config change
    with people.connect() as conn:
        assert_exact(conn, config)
        assert people_mod.stored(conn).set_index("person").equals(linked)
    assert alone.loc["x:x-jane", "label"] == alone.loc["mastodon:m-jane", "label"] == "unknown"
    jane = linked.loc["mastodon:m-jane"]  # the first account, sorted, stands for the person
    assert "x:x-jane" not in linked.index and jane.posts == 2
    assert jane.accounts == ["mastodon:@drjane@med.social", "x:@drjane"]
    assert jane.score == pytest.approx(alone.loc["x:x-jane", "score"] + alone.loc["mastodon:m-jane", "score"])
    assert jane.label == "in_room" and any("one person on 2 accounts" in r for r in jane.reasons)


def test_suggestions_name_their_reasons_and_never_an_opted_out_account(people):
    config = _config()
    with people.connect() as conn:
        found = identity.suggest(conn, config)
    pairs = {(a, b): reasons for a, b, reasons in zip(found.a, found.b, found.reasons)}
    assert pairs[("mastodon:m-jane", "x:x-jane")] == ["same handle 'drjane'"]
    assert pairs[("mastodon:m-jo", "x:x-jo")] == ["same name"]
    assert pairs[("bluesky:b-kim", "x:x-kim")] == ["the bluesky profile names the x account"]
    assert not any("zed" in value for value in found.astype(str).to_numpy().ravel())
    assert found.score.iloc[0] == 0.9


def test_a_confirmed_link_merges_people_and_contributors_and_can_be_undone(people):
    config = _config()
    with people.connect() as conn:
        assert_exact(conn, config)
    with people.begin() as conn:
        identity.link(conn, "x:x-jane", "mastodon:m-jane")
        identity.reject(conn, "x:x-jo", "mastodon:m-jo")
    with people.connect() as conn:
        assert_exact(conn, config)
        everyone = people_mod.stored(conn)
        assert len(everyone) == sum(people_mod.split(conn, config).values()) == 7  # of 8 accounts
        ranked = contributors.table(conn, config, Filters()).set_index("person")
        pairs = set(zip(*identity.suggest(conn, config)[["a", "b"]].T.to_numpy()))
    jane = ranked.loc["mastodon:m-jane"]
    assert (jane.posts, jane.followers, jane.accounts) == (2, 140, ["mastodon:@drjane@med.social", "x:@drjane"])
    assert "x:x-jane" not in ranked.index and "x:x-zed" not in ranked.index
    assert pairs == {("bluesky:b-kim", "x:x-kim")}  # linked and rejected pairs are not suggested again
    with people.begin() as conn:
        identity.unlink(conn, "mastodon:m-jane")
    with people.connect() as conn:
        assert_exact(conn, config)
        assert len(people_mod.stored(conn)) == 8


def test_linking_to_an_opted_out_account_hides_the_person(people):
    config = _config([("x:zedzed", "mastodon:zedzed@med.social")])
    with people.connect() as conn:
        ranked = contributors.table(conn, config, Filters())
    assert not ranked.handle.str.contains("zed").any()


def test_a_handle_stem_is_the_name_part_on_every_network():
    assert identity.handle_stem("x", "@JDoe") == "jdoe"
    assert identity.handle_stem("mastodon", "jdoe@med.social") == "jdoe"
    assert identity.handle_stem("bluesky", "jdoe.bsky.social") == "jdoe"
    assert identity.handle_stem("bluesky", "example.org") == "example.org"


def test_a_name_many_accounts_share_suggests_nothing(engine):
    posts = [_post(n, 10 + i, f"j{i}", "News") for i, n in enumerate(["x", "mastodon", "bluesky", "x"])]
    authors = [
        Author(n, f"j{i}", f"journal{i}", "The Medical Journal")
        for i, n in enumerate(["x", "mastodon", "bluesky", "x"])
    ]
    ingest(engine, Batch(posts=posts, authors=authors))
    with engine.connect() as conn:
        assert identity.suggest(conn, _config()).empty


def test_participants_in_the_headline_are_people(people):
    config = _config([("x:@drjane", "mastodon:drjane@med.social")])
    rebuild_store(people, config)
    with people.connect() as conn:
        head = metrics.headline(conn, config, Filters(), int(T0.timestamp()) + 3600)
        only_x = metrics.headline(conn, config, Filters(networks=("x",)), int(T0.timestamp()) + 3600)
    assert head["participants"] == 7 and only_x["participants"] == 4  # 8 accounts; Jane once


def test_a_reply_counts_toward_the_room_when_any_account_of_its_target_is_known_there(people):
    """Jane's Mastodon account is overridden to the room; Kim replies, during the session, to her X account."""
    ingest(people, Batch(posts=[_post("x", 9, "x-kim", "Agreed, Jane", 10, reply_to="1", reply_to_author="x-jane")]))
    with people.begin() as conn:
        participation.set_override(conn, "mastodon:m-jane", "in_room", "seen at the desk")
    linked = _config([("x:@drjane", "mastodon:drjane@med.social")])
    with people.connect() as conn:
        for config, counts in ((_config(), False), (linked, True)):
            kim = participation.classify(conn, config).set_index("person").loc["x:x-kim"]
            assert any("to people known to be in the room" in r for r in kim.reasons) is counts
    rebuild_store(people, linked)
    with people.connect() as conn:
        assert_exact(conn, linked)


def test_repliers_are_judged_again_when_their_target_is_linked_later(people):
    ingest(people, Batch(posts=[_post("x", 9, "x-kim", "Agreed, Jane", 10, reply_to="1", reply_to_author="x-jane")]))
    with people.begin() as conn:
        participation.set_override(conn, "mastodon:m-jane", "in_room", "seen at the desk")
    config = _config()
    with people.connect() as conn:
        assert_exact(conn, config)
    with people.begin() as conn:
        identity.link(conn, "x:x-jane", "mastodon:m-jane")
    with people.connect() as conn:
        assert_exact(conn, config)
        kim = people_mod.stored(conn).set_index("person").loc["x:x-kim"]
    assert any("to people known to be in the room" in r for r in kim.reasons)
