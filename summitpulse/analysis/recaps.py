"""Session recaps: what a session said, for the people who missed it, every line citing its posts.

A session's posts are those written in its slot (to ten minutes after it ends) —
only those carrying its hashtag, mentioning its speakers or about its theme when
another session runs beside it — and those with its hashtag that day. The recap
gives its most engaging original posts, the questions put to its speakers, the
links and slides shared, the words that set it apart from the rest of the day
(log-odds with an informative Dirichlet prior, Monroe et al. 2008: counted, not
generated; nothing downloaded), and who wrote: in the room or remote. Every post
shown passes the wall's moderation and opt-outs (``wall.top_posts``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from datetime import timedelta

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sqlalchemy import Connection, and_, exists, false, func, or_, select, true

from ..normalise.folding import fold
from ..settings.config import Config, Session, clean_tag
from ..store import schema
from .filters import Filters, theme_condition
from .metrics import counted
from .programme import speaker_accounts
from .wall import top_posts

p, t, m, lk = schema.posts, schema.post_tags, schema.post_mentions, schema.post_links
AFTER_S = 600  # posts written just after a session ends are still about it
PRIOR = 100.0  # the Dirichlet prior's weight, in posts
SAMPLE = 20_000  # posts read for the words, on each side: enough for stable counts at any size
WORD = re.compile(r"(?<![@#\w])[a-z][a-z'-]{2,}")
NOISE = re.compile(r"https?://\S+|@[\w.@-]+")
STOP_WORDS = frozenset(ENGLISH_STOP_WORDS) | {
    *"les des une est pour dans sur avec pas que qui par plus sont mais nous vous cette ces aux elle il ils".split(),
    *"amp via just like great today thanks thank session talk really good new time point rt".split(),
}
SLIDES = (
    "slideshare.net",
    "speakerdeck.com",
    "docs.google.com/presentation",
    "slides.com",
    "prezi.com",
    "figshare.com",
)
SLIDE_FILES = (".pdf", ".ppt", ".pptx", ".key")


def ended(config: Config, now: int) -> list[Session]:
    """The sessions over at ``now``, latest first (breaks have nothing to recap)."""
    over = [s for s in config.programme.sessions if s.end.timestamp() <= now and s.kind != "break"]
    return sorted(over, key=lambda s: s.end, reverse=True)


def _parallel(config: Config, session: Session) -> bool:
    return any(
        s is not session and s.kind != "break" and s.start < session.end and session.start < s.end
        for s in config.programme.sessions
    )


def _tagged(tag: str):
    return exists(select(t.c.tag).where(t.c.network == p.c.network, t.c.native_id == p.c.native_id, t.c.tag == tag))


def _mentions(accounts: list[tuple[str, str]]):
    if not accounts:
        return false()
    pairs = [and_(m.c.network == n, m.c.mentioned == i) for n, i in accounts]
    return exists(select(m.c.mentioned).where(m.c.network == p.c.network, m.c.native_id == p.c.native_id, or_(*pairs)))


def _replies_to(accounts: list[tuple[str, str]]):
    return or_(*[and_(p.c.network == n, p.c.reply_to_author == i) for n, i in accounts]) if accounts else false()


def membership(conn: Connection, config: Config, session: Session) -> tuple[Filters, object]:
    """The day's window and the SQL condition that make a post one of the session's."""
    start, end = int(session.start.timestamp()), int(session.end.timestamp()) + AFTER_S
    speakers = speaker_accounts(conn, session)
    theme = next((th for th in config.themes if th.name == session.theme), None)
    markers = [_mentions(speakers), _replies_to(speakers)]
    if theme is not None:
        markers.append(theme_condition(theme))
    if session.hashtag:
        markers.append(_tagged(clean_tag(session.hashtag)))
    in_slot = and_(
        p.c.created_ts >= start, p.c.created_ts < end, or_(*markers) if _parallel(config, session) else true()
    )
    day = session.start.astimezone(config.event.tz).replace(hour=0, minute=0, second=0)
    day_window = Filters(int(day.timestamp()), int((day + timedelta(days=1)).timestamp()))
    by_tag = _tagged(clean_tag(session.hashtag)) if session.hashtag else false()
    return day_window, or_(in_slot, by_tag)


def _words(text: str) -> set[str]:
    return {w.strip("'-") for w in WORD.findall(NOISE.sub(" ", text))} - STOP_WORDS


def _document_counts(conn: Connection, config: Config, window: Filters, where, limit: int) -> tuple[Counter, int]:
    """How many of (up to ``limit``) counted original posts matching ``where`` use each word."""
    q = counted(config, window, p.c.text_folded).where(where, p.c.kind != "repost").limit(limit)
    counts, n = Counter(), 0
    for (text,) in conn.execute(q):
        counts.update(_words(text))
        n += 1
    return counts, n


def distinctive_terms(
    conn: Connection, config: Config, window: Filters, member, limit: int = 6
) -> list[tuple[str, float, int]]:
    """(word, z-score, posts using it) of the words the session's posts use more than the rest of the day's."""
    own, n_own = _document_counts(conn, config, window, member, SAMPLE)
    stride = max(1, (conn.execute(counted(config, window, func.count())).scalar() or 0) // SAMPLE)
    rest, n_rest = _document_counts(conn, config, window, and_(~member, p.c.created_ts % stride == 0), SAMPLE)
    ignored = set(config.hashtags.all) | {fold(w) for w in config.event.name.split()}
    scored = []
    for word, a in own.items():
        if a < 3 or word in ignored:
            continue
        b = rest[word]
        prior = PRIOR * (a + b) / (n_own + n_rest)  # the word's share of both sides' posts, PRIOR posts' worth
        own_odds = math.log((a + prior) / (n_own + PRIOR - a - prior))
        rest_odds = math.log((b + prior) / (n_rest + PRIOR - b - prior))
        z = (own_odds - rest_odds) / math.sqrt(1 / (a + prior) + 1 / (b + prior))
        if z > 1.96:
            scored.append((word, round(z, 1), a))
    return sorted(scored, key=lambda s: -s[1])[:limit]


def _links(conn: Connection, config: Config, window: Filters, member, limit: int) -> list[dict]:
    """The session's most-shared links, each with the posts that shared it (slides marked)."""
    q = (
        counted(config, window, lk.c.link, func.count(func.distinct(p.c.native_id)).label("n"))
        .join(lk, and_(lk.c.network == p.c.network, lk.c.native_id == p.c.native_id))
        .where(member)
        .group_by(lk.c.link)
        .order_by(func.count(func.distinct(p.c.native_id)).desc(), lk.c.link)
        .limit(limit * 3)
    )
    out = []
    for link, n in conn.execute(q).all():
        if not link.startswith(("https://", "http://")):
            continue
        shared = exists(
            select(lk.c.link).where(lk.c.network == p.c.network, lk.c.native_id == p.c.native_id, lk.c.link == link)
        )
        cites = top_posts(conn, config, window, 2, and_(member, shared))
        if cites:
            slides = any(s in link.casefold() for s in SLIDES) or link.casefold().split("?")[0].endswith(SLIDE_FILES)
            out.append({"link": link, "posts": n, "slides": slides, "cites": cites})
        if len(out) == limit:
            break
    return out


def recap(
    conn: Connection,
    config: Config,
    session: Session,
    split_among: Callable[[set], dict[str, int]] | None = None,
    limit: int = 5,
) -> dict:
    """Everything a recap says about ``session``; ``split_among`` labels its authors (``Tallies.split_among``)."""
    window, member = membership(conn, config, session)
    posts, people = conn.execute(
        counted(config, window, func.count(), func.count(func.distinct(p.c.network + ":" + p.c.author_id))).where(
            member
        )
    ).one()
    speakers = speaker_accounts(conn, session)
    asked = or_(_mentions(speakers), _replies_to(speakers)) if speakers else true()
    question = and_(member, p.c.text.like("%?%"), asked)
    terms = []
    for word, z, n in distinctive_terms(conn, config, window, member):
        cites = top_posts(conn, config, window, 2, and_(member, p.c.text_folded.like(f"%{word}%")))
        if cites:
            terms.append({"term": word, "z": z, "posts": n, "cites": cites})
    split = None
    if split_among is not None and posts:
        accounts = {
            tuple(r) for r in conn.execute(counted(config, window, p.c.network, p.c.author_id).where(member).distinct())
        }
        split = split_among(accounts)
        people = sum(split.values())  # people, not accounts: linked accounts are one person
    return {
        "session": session,
        "posts": posts or 0,
        "people": people or 0,
        "top": top_posts(conn, config, window, limit, and_(member, p.c.kind.in_(("original", "quote")))),
        "questions": top_posts(conn, config, window, limit, question),
        "links": _links(conn, config, window, member, limit),
        "terms": terms,
        "split": split,
    }
