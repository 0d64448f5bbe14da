"""Session recaps on the demo day: every line cites posts the wall may show, its words are the session's own."""

from __future__ import annotations

from datetime import UTC, datetime
from functools import partial

import pytest

from summitpulse.analysis import moderation, people, recaps
from summitpulse.normalise.models import Author, Batch, Post
from summitpulse.outputs.recaps import recap_html
from summitpulse.outputs.report.sections import session_recaps
from summitpulse.settings.config import Session
from summitpulse.store.engine import ingest

from .test_analysis import counting_under


def _session(config, title):
    return next(s for s in config.programme.sessions if s.title == title)


@pytest.fixture(scope="module")
def day(demo_url):
    from summitpulse.settings.config import load_config
    from summitpulse.store.engine import open_store

    from .conftest import ROOT

    config, engine = load_config(ROOT / "config.yaml"), open_store(demo_url)
    with engine.connect() as conn:
        yield (
            config,
            {
                s.title: recaps.recap(conn, config, s, partial(people.split_among, conn))
                for s in recaps.ended(config, 2**40)
            },
        )
    engine.dispose()


def test_every_session_but_the_breaks_gets_one(day):
    config, made = day
    assert set(made) == {s.title for s in config.programme.sessions if s.kind != "break"}
    for r in made.values():
        assert r["posts"] > 100 and r["people"] > 50 and r["top"] and r["links"] and r["terms"]
        assert sum(r["split"].values()) == r["people"]


def test_the_words_that_set_a_session_apart_are_its_own(day):
    config, made = day
    words = lambda title: [t["term"] for t in made[title]["terms"]]  # noqa: E731
    assert {"pedagogy", "learning"} <= set(words("Social learning and pedagogy"))
    assert {"privacy", "professionalism"} <= set(words("Keynote: The ethical physician online"))
    assert "scholarship" in words("Keynote: Is a tweet scholarship?")
    everything = {w for r in made.values() for w in (t["term"] for t in r["terms"])}
    assert not everything & (recaps.STOP_WORDS | set(config.hashtags.all))
    for r in made.values():
        for t in r["terms"]:
            assert all(t["term"] in c["text"].casefold() for c in t["cites"])


def test_questions_are_put_to_the_speakers(day):
    config, made = day
    r = made["Keynote: Is a tweet scholarship?"]
    assert r["questions"]
    for c in r["questions"]:
        assert "?" in c["text"] and ("tchan_meded" in c["text"] or c["kind"] == "reply")


def test_links_are_web_addresses_with_the_posts_that_shared_them(day):
    _, made = day
    for r in made.values():
        for link in r["links"]:
            assert link["link"].startswith("https://") and link["cites"]
            assert all(link["link"] in c["text"] for c in link["cites"])


def test_nothing_the_wall_would_not_show(day):
    _, made = day
    cited = [
        c
        for r in made.values()
        for c in r["top"]
        + r["questions"]
        + [x for t in r["terms"] for x in t["cites"]]
        + [x for lk in r["links"] for x in lk["cites"]]
    ]
    assert cited
    texts = " ".join(c["text"] for c in cited).casefold()
    for hidden in ("quietresident", "nosomewall", "load of shit", "buy followers", "crypto giveaway", "fucking"):
        assert hidden not in texts and all(hidden not in c["handle"].casefold() for c in cited)


def test_moderation_and_parallel_sessions(engine, config):
    at = lambda minute: datetime(2014, 10, 22, 13, minute, tzinfo=UTC)  # noqa: E731  09:xx in Toronto
    posts = [
        Post(
            "x",
            "1",
            "1",
            at(20),
            "Loved the privacy discussion, slides: https://speakerdeck.com/a/b #SoMeSummit",
            links=["https://speakerdeck.com/a/b"],
            like_count=50,
        ),
        Post("x", "2", "2", at(21), "privacy matters, more privacy please #SoMeSummit", like_count=9),
        Post("x", "3", "3", at(22), "Lunch menu is great #SoMeSummit", like_count=30),
        Post("x", "4", "4", at(23), "<script>alert(1)</script> privacy #SoMeSummit", like_count=5),
    ]
    counting_under(engine, config)  # themes are matched as posts are written
    ingest(engine, Batch(posts=posts, authors=[Author("x", str(i), f"user{i}", f"User {i}") for i in range(1, 5)]))
    keynote = _session(config, "Keynote: The ethical physician online")
    beside = Session(title="Parallel: lunch planning", start=keynote.start, end=keynote.end, room="B", kind="session")
    parallel = config.model_copy(
        update={"programme": config.programme.model_copy(update={"sessions": [keynote, beside]})}
    )
    with engine.begin() as conn:
        alone = recaps.recap(conn, config, keynote)
        assert alone["posts"] == 4 and alone["links"][0]["slides"]
        shared = recaps.recap(conn, parallel, keynote)  # a session beside it: only posts about its theme
        assert shared["posts"] == 3 and "3" not in {c["native_id"] for c in shared["top"]}
        moderation.set_status(conn, "x", "1", "hidden", "", "organiser")
        after = recaps.recap(conn, config, keynote)
    assert "1" not in {c["native_id"] for c in after["top"]} and not after["links"]
    with engine.connect() as conn:
        html = recap_html(config, recaps.recap(conn, config, keynote))
    assert "<script>alert(1)</script>" not in html and "&lt;script&gt;alert(1)&lt;/script&gt;" in html


def test_the_report_carries_them(demo_engine, config):
    with demo_engine.connect() as conn:
        parts = session_recaps(conn, config)
    assert len(parts) == 1 + sum(s.kind != "break" for s in config.programme.sessions)
    assert all('class="sp-cite"' in p for p in parts[1:])
