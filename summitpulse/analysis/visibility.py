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


def anonymised(config: Config, people):
    """``people`` (participant rows) with every person who has an opted-out account made anonymous."""
    people = people.copy()
    hidden = [
        is_opted_out(config, n, h, person.split(":", 1)[1])
        or any(is_opted_out(config, *account.split(":@", 1)) for account in accounts)
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


def withheld(conn: Connection, config: Config) -> frozenset[str]:
    """Author keys (``network:author_id``) never named in public: accounts blocked in the config or by an organiser
    (``network:handle`` or a bare handle, with or without '@'), and authors of a post a moderator hid or marked
    spam."""
    from .moderation import blocked

    p, m, a = schema.posts, schema.moderation, schema.authors
    moderated = (
        select(p.c.network, p.c.author_id)
        .join(m, and_(m.c.network == p.c.network, m.c.native_id == p.c.native_id))
        .where(m.c.status.in_(("hidden", "spam")))
        .distinct()
    )
    keys = {f"{n}:{i}" for n, i in conn.execute(moderated)}
    refs = [*config.moderation.blocked_accounts, *blocked(conn).get("account", ())]
    wanted = {_account(ref) for ref in refs}
    names = {name for _, name in wanted}
    if names:
        handle = func.lower(func.ltrim(a.c.handle, "@"))
        q = select(a.c.network, a.c.author_id, handle).where(
            or_(handle.in_(names), func.lower(a.c.author_id).in_(names))
        )
        for network, author_id, name in conn.execute(q):
            if {(network, name), ("*", name), (network, author_id.casefold()), ("*", author_id.casefold())} & wanted:
                keys.add(f"{network}:{author_id}")
    return frozenset(keys)


def _account(ref: str) -> tuple[str, str]:
    """A blocked account as written (``x:@spammer``, ``x: spammer``, ``@spammer``) → (network or '*', handle)."""
    network, _, handle = ref.strip().rpartition(":") if ":" in ref.split("@")[0] else ("", "", ref)
    return (network.strip().casefold() or "*", handle.strip().lstrip("@").casefold())
