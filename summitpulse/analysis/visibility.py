"""Which posts count and who may be named — the one place that decides.

- deleted upstream: gone everywhere;
- moderation 'spam': never counted; 'hidden': counted, never shown;
- opted-out accounts (config.participants.opt_out) and posts with the opt-out
  tag: counted in totals, never shown or named;
- blocked accounts, and authors of a post a moderator hid or marked spam: never named on a public surface
  (``withheld``: the leaders, rankings, the network, the report).
"""

from __future__ import annotations

import json
import re
from functools import lru_cache

import orjson
import pandas as pd
from sqlalchemy import Connection, and_, func, or_, select

from ..settings.config import Config, clean_tag
from ..store import schema

ANONYMOUS = "(opted out)"


def opted_out(config: Config) -> frozenset[tuple[str, str]]:
    """(network or '*', handle) pairs of the opt-out list, casefolded, without '@'."""
    return _opt_out_keys(tuple(config.participants.opt_out))


@lru_cache(maxsize=8)
def _opt_out_keys(refs: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    """Built once per list: a report asks about every account and every edge."""
    pairs = (ref.split(":", 1) if ":" in ref else ("*", ref) for ref in refs)
    return frozenset((network, handle.lstrip("@").casefold()) for network, handle in pairs)


def is_opted_out(config: Config, network: str, handle: str, author_id: str = "") -> bool:
    keys = opted_out(config)
    if not keys:
        return False
    names = {(handle or "").lstrip("@").casefold(), (author_id or "").casefold()} - {""}
    return any((network, n) in keys or ("*", n) in keys for n in names)


def opted_out_rows(config: Config, network: pd.Series, handle: pd.Series, author_id: pd.Series) -> pd.Series:
    """``is_opted_out`` of every row of three aligned Series, by set membership over whole columns, not a
    call per author."""
    names = [column.fillna("").astype(str).str.lstrip("@").str.casefold() for column in (handle, author_id)]
    hit = pd.Series(False, index=network.index)
    for where in {n for n, _ in opted_out(config)}:
        wanted = {name for n, name in opted_out(config) if n == where} - {""}
        rows = names[0].isin(wanted) | names[1].isin(wanted)
        hit |= rows if where == "*" else rows & (network == where)
    return hit


def anonymised(config: Config, people, also: frozenset[str] = frozenset()):
    """``people`` (participant rows) with every person who has an opted-out account made anonymous; ``also``:
    more accounts (``network:@handle``, as ``accounts`` lists them) that make a person anonymous."""
    people = people.copy()
    hidden = [
        is_opted_out(config, n, h, person.split(":", 1)[1])
        or any(is_opted_out(config, *account.split(":@", 1)) or account in also for account in accounts)
        for n, h, person, accounts in zip(people.network, people.handle, people.person, people.accounts)
    ]
    people.loc[hidden, ["person", "handle", "name", "reasons", "accounts"]] = ANONYMOUS
    return people


def carries_opt_out_tag(config: Config, hashtags: str | list) -> bool:
    tag = clean_tag(config.participants.opt_out_tag or "")
    tags = json.loads(hashtags) if isinstance(hashtags, str) else hashtags
    return bool(tag) and tag in tags


def carry_opt_out_tag(config: Config, hashtags: pd.Series) -> pd.Series:
    """Which posts of ``hashtags`` (a Series of the stored JSON lists) carry the opt-out tag: a substring test
    first, read as JSON only where it may."""
    tag = clean_tag(config.participants.opt_out_tag or "")
    if not tag:
        return pd.Series(False, index=hashtags.index)
    maybe = hashtags.str.contains(orjson.dumps(tag).decode(), regex=False)
    carrying = [i for i, tags in hashtags[maybe].items() if carries_opt_out_tag(config, tags)]
    return pd.Series(hashtags.index.isin(carrying), index=hashtags.index)


def only_counted(query):
    """``query`` (a SELECT from posts) without deleted posts and spam."""
    p, m = schema.posts, schema.moderation
    return query.join(m, and_(m.c.network == p.c.network, m.c.native_id == p.c.native_id), isouter=True).where(
        p.c.deleted_ts.is_(None), or_(m.c.status.is_(None), m.c.status != "spam")
    )


def tag_users(conn: Connection, config: Config, accounts=None) -> frozenset[tuple[str, str]]:
    """(network, author_id) of the accounts (of ``accounts``, when given) that posted with the opt-out tag: they
    asked to be kept off, so no file and no public surface names them."""
    tag = clean_tag(config.participants.opt_out_tag or "")
    if not tag:
        return frozenset()
    p, t = schema.posts, schema.post_tags  # each post's tags, indexed: not a read of every post's hashtags
    q = (
        select(p.c.network, p.c.author_id)
        .select_from(t.join(p, and_(p.c.network == t.c.network, p.c.native_id == t.c.native_id)))
        .where(t.c.tag == tag)
        .distinct()
    )
    found = frozenset((n, a) for n, a in conn.execute(q))
    return found if accounts is None else found & set(accounts)


def opted_out_accounts(conn: Connection, config: Config) -> pd.DataFrame:
    """The stored accounts no file may name — opted out in the config, or ``tag_users`` — with everything that
    could name them: network, author_id, handle, display_name, url."""
    a = schema.authors
    names = sorted({name for _, name in opted_out(config)} - {""})
    who = or_(
        func.lower(a.c.author_id).in_(names),
        func.lower(a.c.handle).in_(names + [f"@{n}" for n in names]),
        *(and_(a.c.network == n, a.c.author_id == i) for n, i in tag_users(conn, config)),
    )
    q = select(a.c.network, a.c.author_id, a.c.handle, a.c.display_name, a.c.url).where(who)
    frame = pd.DataFrame(conn.execute(q).all(), columns=["network", "author_id", "handle", "display_name", "url"])
    if frame.empty:
        return frame
    config_hit = opted_out_rows(config, frame.network, frame.handle, frame.author_id)
    tagged = pd.Series(list(zip(frame.network, frame.author_id)), index=frame.index).isin(tag_users(conn, config))
    return frame[config_hit | tagged].reset_index(drop=True)


def named_in_config(config: Config) -> re.Pattern | None:
    """``naming`` of the opt-out list's accounts as the config writes them (no store needed: for every refresh)."""
    return _named_in(tuple(sorted({name for _, name in opted_out(config)} - {""})))


@lru_cache(maxsize=8)
def _named_in(names: tuple[str, ...]) -> re.Pattern | None:
    frame = pd.DataFrame({"handle": names, "author_id": names, "display_name": "", "url": ""})
    return naming(frame)


def unnamed(config: Config, text: str) -> str:
    """A post's ``text`` with the opted-out people it names (as the config writes them) replaced by ANONYMOUS."""
    pattern = named_in_config(config)
    return pattern.sub(ANONYMOUS, text) if pattern and text else text


def naming(accounts: pd.DataFrame) -> re.Pattern | None:
    """A pattern matching whatever names ``accounts`` (``opted_out_accounts``) as a whole word: handle (with and without its
    instance), account id, display name, profile address."""
    words: set[str] = set()
    for r in accounts.fillna("").itertuples():
        handle = r.handle.lstrip("@")
        words |= {handle, handle.split("@", 1)[0], r.author_id, r.url.split("://", 1)[-1]}
        words |= {r.display_name} if len(r.display_name.strip()) >= 4 else set()
    words = sorted((w.strip() for w in words if len(w.strip()) >= 3), key=len, reverse=True)
    if not words:
        return None
    return re.compile(r"(?<![\w])(?:" + "|".join(map(re.escape, words)) + r")(?![\w])", re.IGNORECASE)


def scrub(frame: pd.DataFrame, pattern: re.Pattern | None) -> pd.DataFrame:
    """``frame`` with every text cell's mention of an opted-out account (``naming``) replaced by ANONYMOUS."""
    if pattern is None or frame.empty:
        return frame
    frame = frame.copy()
    for column in frame.select_dtypes(include=["object", "string"]).columns:
        text = frame[column].astype("string")
        hit = text.str.contains(pattern, na=False)
        if hit.any():
            frame.loc[hit, column] = text[hit].str.replace(pattern, ANONYMOUS, regex=True).astype(object)
    return frame


def withheld(conn: Connection, config: Config) -> frozenset[str]:
    """Author keys (``network:author_id``) never named in public: accounts blocked in the config or by an organiser
    (read by ``moderation.account_ref``: a bare handle blocks it on every network), authors of a post a moderator
    hid or marked spam, and the ``opted_out_accounts``."""
    from .moderation import account_ref, blocked

    p, m, a = schema.posts, schema.moderation, schema.authors
    moderated = (
        select(p.c.network, p.c.author_id)
        .join(m, and_(m.c.network == p.c.network, m.c.native_id == p.c.native_id))
        .where(m.c.status.in_(("hidden", "spam")))
        .distinct()
    )
    keys = {f"{n}:{i}" for n, i in conn.execute(moderated)}
    refs = [*config.moderation.blocked_accounts, *blocked(conn).get("account", ())]
    wanted = {account_ref(ref) for ref in refs}
    names = {name for _, name in wanted}
    if names:
        handle = func.lower(func.ltrim(a.c.handle, "@"))
        q = select(a.c.network, a.c.author_id, handle).where(
            or_(handle.in_(names), func.lower(a.c.author_id).in_(names))
        )
        for network, author_id, name in conn.execute(q):
            if {(network, name), ("*", name), (network, author_id.casefold()), ("*", author_id.casefold())} & wanted:
                keys.add(f"{network}:{author_id}")
    opted = opted_out_accounts(conn, config)
    return frozenset(keys | set(opted.network + ":" + opted.author_id))
