"""Session recaps: what a session said, for the people who missed it, every line citing its posts.

A session's posts are those written in its slot (to ten minutes after it ends) —
only those carrying its hashtag, mentioning its speakers or about its theme when
another session runs beside it — and those with its hashtag that day. The recap
gives its most engaging original posts, the questions put to its speakers, the
links and slides shared, the words that set it apart from the rest of the day
against a sample of the whole day (log-odds with an informative Dirichlet prior, Monroe et al. 2008: counted, not
generated; nothing downloaded), and who wrote: in the room or remote. Every post
shown passes the wall's moderation and opt-outs (``wall.top_posts``).
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Callable
from datetime import timedelta
from heapq import nlargest

from sklearn.feature_extraction.text import ENGLISH_STOP_WORDS
from sqlalchemy import Connection, and_, exists, false, func, or_, select, true, tuple_

from ..normalise.folding import fold
from ..settings.config import Config, Session, clean_tag
from ..store import schema
from .filters import Filters, about
from .metrics import ENGAGEMENT, counted
from .programme import speaker_accounts
from .wall import top_posts

p, t, m, lk = schema.posts, schema.post_tags, schema.post_mentions, schema.post_links
AFTER_S = 600  # posts written just after a session ends are still about it
PRIOR = 100.0  # the Dirichlet prior's weight, in posts
SAMPLE = 5_000
CANDIDATES = 3  # posts screened for each line's two citations (the profanity check costs milliseconds a post)  # posts read for the words, on each side: enough for stable counts at any size
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


def membership(conn: Connection, config: Config, session: Session):
    """The SQL condition that makes a post one of the session's: written in its slot (with one of its markers if
    another session runs beside it), or carrying its hashtag that day. Both sides are index searches (the slot on
    the posts' time, the tag on the tags'), so a recap reads the session's posts, not the day's."""
    start, end = int(session.start.timestamp()), int(session.end.timestamp()) + AFTER_S
    speakers = speaker_accounts(conn, session)
    theme = next((th for th in config.themes if th.name == session.theme), None)
    markers = [_mentions(speakers), _replies_to(speakers)]
    if theme is not None:
        markers.append(about((theme.name,)))  # matched once, at ingest (post_themes)
    if session.hashtag:
        markers.append(_tagged(clean_tag(session.hashtag)))
    in_slot = and_(
        p.c.created_ts >= start, p.c.created_ts < end, or_(*markers) if _parallel(config, session) else true()
    )
    if not session.hashtag:
        return in_slot
    day = session.start.astimezone(config.event.tz).replace(hour=0, minute=0, second=0)
    tagged = select(t.c.network, t.c.native_id).where(t.c.tag == clean_tag(session.hashtag))
    that_day = and_(p.c.created_ts >= int(day.timestamp()), p.c.created_ts < int((day + timedelta(days=1)).timestamp()))
    return or_(in_slot, and_(tuple_(p.c.network, p.c.native_id).in_(tagged), that_day))


def spread(start: int, end: int, total: int, step: int):
    """SQL: about SAMPLE of the ``total`` posts between ``start`` and ``end``, spread evenly: the first seconds of
    every ``step`` seconds (index searches, so a million posts are not read to sample them)."""
    width = min(step, max(1, step * SAMPLE // max(1, total)))
    return or_(*[and_(p.c.created_ts >= t, p.c.created_ts < t + width) for t in range(start, end, step)])


def _keyed(keys: list[tuple[str, str]]):
    """SQL: the posts of ``keys``, as primary-key searches per network (a row-value IN list is read as a scan)."""
    networks = sorted({n for n, _ in keys})
    return or_(*[and_(p.c.network == n, p.c.native_id.in_([i for k, i in keys if k == n])) for n in networks])


def _cited(conn: Connection, config: Config, wanted: dict[str, list[tuple[str, str]]], per: int = 2) -> dict:
    """For each name, up to ``per`` of its candidate posts ((network, native_id), best first) that the wall may show:
    one read and one screening for all of them."""
    keys = sorted({k for ks in wanted.values() for k in ks})
    if not keys:
        return {name: [] for name in wanted}
    shown = top_posts(conn, config, Filters(), len(keys), _keyed(keys))
    by_key = {(c["network"], c["native_id"]): c for c in shown}
    return {name: [by_key[k] for k in ks if k in by_key][:per] for name, ks in wanted.items()}


def _words(text: str) -> set[str]:
    return {w.strip("'-") for w in WORD.findall(NOISE.sub(" ", text))} - STOP_WORDS


def _document_counts(conn: Connection, config: Config, where) -> tuple[Counter, int, list]:
    """How many of the counted original posts matching ``where`` use each word; and those posts' keys, engagement
    and words."""
    q = counted(config, Filters(), p.c.network, p.c.native_id, ENGAGEMENT, p.c.text_folded)
    counts, read = Counter(), []
    for network, native_id, engagement, text in conn.execute(q.where(where, p.c.kind != "repost")).all():
        words = _words(text)
        counts.update(words)
        read.append(((network, native_id), engagement, words))
    return counts, len(read), read


def _day_counts(conn: Connection, config: Config, day: int, days: dict | None) -> tuple[Counter, int]:
    """The word counts of a sample of the day's posts (``days`` keeps them for the other sessions of a report)."""
    in_day = conn.execute(select(func.count()).where(p.c.created_ts >= day, p.c.created_ts < day + 86400)).scalar()
    if days is None or (day, in_day) not in days:
        counts, n, _ = _document_counts(conn, config, spread(day, day + 86400, in_day, 900))
        if days is None:
            return counts, n
        days[day, in_day] = counts, n
    return days[day, in_day]


def distinctive_terms(
    conn: Connection, config: Config, session: Session, member, posts: int, limit: int = 6, days: dict | None = None
) -> list[dict]:
    """The words the session's posts use more than the rest of the day's: term, z-score, posts using it, and the
    most engaging posts that use it (``cites``); ``days``: the days' counts, shared by the recaps of one report."""
    start, end = int(session.start.timestamp()), int(session.end.timestamp()) + AFTER_S
    own, n_own, read = _document_counts(conn, config, and_(member, spread(start, end, posts, 60)))
    day = int(session.start.astimezone(config.event.tz).replace(hour=0, minute=0, second=0).timestamp())
    rest, n_rest = _day_counts(conn, config, day, days)
    ignored = set(config.hashtags.all) | {fold(w) for w in config.event.name.split()}
    scored = []
    for word, a in own.items():
        if a < 3 or word in ignored or not n_rest:
            continue
        b = rest[word]
        prior = PRIOR * (a + b) / (n_own + n_rest)  # the word's share of both sides' posts, PRIOR posts' worth
        own_odds = math.log((a + prior) / (n_own + PRIOR - a - prior))
        rest_odds = math.log((b + prior) / (n_rest + PRIOR - b - prior))
        z = (own_odds - rest_odds) / math.sqrt(1 / (a + prior) + 1 / (b + prior))
        if z > 1.96:
            scored.append((word, round(z, 1), a))
    best = sorted(scored, key=lambda s: -s[1])[:limit]
    ranked = sorted(read, key=lambda r: -(r[1] or 0))
    cites = _cited(conn, config, {w: [k for k, _, words in ranked if w in words][:CANDIDATES] for w, _, _ in best})
    return [{"term": w, "z": z, "posts": n, "cites": cites[w]} for w, z, n in best if cites[w]]


def _links(conn: Connection, config: Config, member, limit: int) -> list[dict]:
    """The session's most-shared links, each with the posts that shared it (slides marked): one read of every
    (link, post) of the session, most engaging posts first."""
    q = (
        counted(config, Filters(), lk.c.link, p.c.network, p.c.native_id)
        .join(lk, and_(lk.c.network == p.c.network, lk.c.native_id == p.c.native_id))
        .where(member, lk.c.link.like("http%"))
        .order_by(ENGAGEMENT.desc())
    )
    sharers: dict[str, list] = {}
    for link, network, native_id in conn.execute(q):
        sharers.setdefault(link, []).append((network, native_id))
    top = sorted(sharers.items(), key=lambda kv: (-len(set(kv[1])), kv[0]))[: limit * 2]
    cites = _cited(conn, config, {link: keys[:CANDIDATES] for link, keys in top})
    out = [
        {"link": link, "posts": len(set(keys)), "slides": _slides(link), "cites": cites[link]}
        for link, keys in top
        if cites[link] and link.startswith(("https://", "http://"))
    ]
    return out[:limit]


def _slides(link: str) -> bool:
    link = link.casefold()
    return any(s in link for s in SLIDES) or link.split("?")[0].endswith(SLIDE_FILES)


def recap(
    conn: Connection,
    config: Config,
    session: Session,
    split_among: Callable[[set], dict[str, int]] | None = None,
    limit: int = 5,
    days: dict | None = None,
) -> dict:
    """Everything a recap says about ``session``; ``split_among`` labels its authors (``people.split_among``);
    ``days``: a dict the recaps of one report share (each day's word counts, read once)."""
    member = membership(conn, config, session)
    speakers = speaker_accounts(conn, session)
    asked = or_(_mentions(speakers), _replies_to(speakers)) if speakers else true()
    question = and_(p.c.kind != "repost", p.c.text.like("%?%"), asked)  # a question mark first: cheap, then who
    q = counted(config, Filters(), p.c.network, p.c.native_id, p.c.author_id, p.c.kind, ENGAGEMENT, question)
    rows = conn.execute(q.where(member)).all()  # one read of the session's posts for its counts, top and questions
    accounts = {(r[0], r[2]) for r in rows}
    split = split_among(accounts) if split_among is not None and rows else None
    best = lambda keep: [(r[0], r[1]) for r in nlargest(limit * 3, filter(keep, rows), key=lambda r: r[4] or 0)]  # noqa: E731
    cites = _cited(
        conn, config, {"top": best(lambda r: r[3] in ("original", "quote")), "questions": best(lambda r: r[5])}, limit
    )
    return {
        "session": session,
        "posts": len(rows),
        "people": sum(split.values()) if split is not None else len(accounts),  # with labels: people, not accounts
        "top": cites["top"],
        "questions": cites["questions"],
        "links": _links(conn, config, member, limit),
        "terms": distinctive_terms(conn, config, session, member, len(rows), days=days) if rows else [],
        "split": split,
    }
