"""One person across networks: links from config, links an organiser confirmed, and suggested links.

An account is ``(network, author_id)``; a person is the first (sorted) of its
linked accounts, so an unlinked account is its own person and keys stay
stable. Config links (``participants.identity_links``) name accounts as
``network:handle`` or ``network:author_id`` and take effect once the account
has posted. Bridgy Fed's bridge accounts are linked to the accounts they copy, automatically
(``bridged_pairs``). Suggestions pair accounts on different networks with the same
handle, the same full name, or a profile that names the other account; an
organiser confirms or rejects each (``identity_links``, ``identity_rejections``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from itertools import combinations

import pandas as pd
from sqlalchemy import Connection, and_, delete, func, or_, select, update

from ..normalise import bridges
from ..normalise.folding import fold
from ..settings.config import Config
from ..store import schema
from ..store.engine import dialect_insert, wall_clock
from .frames import frame_of
from .visibility import is_opted_out, only_counted

Account = tuple[str, str]
a, links, rejections = schema.authors, schema.identity_links, schema.identity_rejections
MAX_SHARED = 3  # a name or handle that more accounts share ("The Medical Journal") identifies nobody
SUGGESTION_COLUMNS = ["a", "b", "a_handle", "b_handle", "a_name", "b_name", "score", "reasons"]


@dataclass(frozen=True)
class Identity:
    """Which accounts are one person; ``person`` of an unlinked account is the account itself."""

    person_of: dict[Account, Account] = field(default_factory=dict)

    def person(self, account: Account) -> Account:
        return self.person_of.get(account, account)

    def members(self, person: Account) -> list[Account]:
        """The person's accounts, the person's own first."""
        return [person, *sorted(k for k, v in self.person_of.items() if v == person and k != person)]

    def linked(self) -> list[list[Account]]:
        """Every person with more than one account: their accounts."""
        return [self.members(person) for person in sorted(set(self.person_of.values()))]

    def overlap(self, present) -> int:
        """How many of the accounts for which ``present(account)`` holds are a second (third…) account of a person:
        distinct accounts minus this is distinct people."""
        return sum(max(0, sum(map(present, accounts)) - 1) for accounts in self.linked())

    def groups(self, accounts) -> dict[Account, list[Account]]:
        """``accounts`` gathered by person, each person's own account first when present."""
        out: dict[Account, list[Account]] = {}
        for account in sorted(accounts, key=lambda k: (self.person(k), k != self.person(k), k)):
            out.setdefault(self.person(account), []).append(account)
        return out


def key(account: Account) -> str:
    return f"{account[0]}:{account[1]}"


def parse_key(text: str) -> Account:
    network, _, author_id = text.partition(":")
    return network, author_id


def read_identity(conn: Connection, config: Config) -> Identity:
    """Config links, confirmed links and Bridgy Fed's bridge accounts, merged: accounts in overlapping groups are
    one person."""
    groups = [[parse_key(r.author_key) for r in rows] for rows in _confirmed_groups(conn).values()]
    groups += _config_groups(conn, config)
    groups += [pair for pair, _ in bridged_pairs(conn)]
    parent: dict[Account, Account] = {}

    def root(k: Account) -> Account:
        while parent.get(k, k) != k:
            k = parent[k]
        return k

    for group in groups:
        for other in group[1:]:
            first, second = sorted((root(group[0]), root(other)))
            if first != second:
                parent[second] = first
    linked = {k for group in groups if len(group) > 1 for k in group}
    return Identity({k: root(k) for k in linked})


def _confirmed_groups(conn: Connection) -> dict[str, list]:
    out: dict[str, list] = {}
    for r in conn.execute(select(links).where(links.c.confirmed)):
        out.setdefault(r.person, []).append(r)
    return out


def _config_groups(conn: Connection, config: Config) -> list[list[Account]]:
    """The config's links as accounts; a name nobody has posted under yet is left out until they do."""
    refs = [[parse_key(ref.strip()) for ref in group] for group in config.participants.identity_links]
    names = {(n, name.lstrip("@").casefold()) for group in refs for n, name in group}
    if not names:
        return []
    found: dict[tuple[str, str], Account] = {}
    wanted = sorted({name for _, name in names})
    networks = sorted({n for n, _ in names})
    by_handle = select(a.c.network, a.c.author_id, a.c.handle).where(a.c.handle.in_(wanted + [f"@{w}" for w in wanted]))
    by_id = select(a.c.network, a.c.author_id, a.c.handle).where(a.c.network.in_(networks), a.c.author_id.in_(wanted))
    for r in conn.execute(by_handle.union(by_id)):  # two indexed look-ups (by handle: any network, sorted below)
        found[(r.network, r.handle.lstrip("@").casefold())] = found[(r.network, r.author_id.casefold())] = (
            r.network,
            r.author_id,
        )
    return [
        [found[(n, name.lstrip("@").casefold())] for n, name in group if (n, name.lstrip("@").casefold()) in found]
        for group in refs
    ]


def bridged_pairs(conn: Connection) -> list[tuple[list[Account], str]]:
    """Bridgy Fed's bridge accounts and the accounts they copy, linked automatically: ([bridge, original], why).
    A Bluesky ``user.instance.ap.brid.gy`` is fediverse ``user@instance``; a fediverse ``handle@bsky.brid.gy`` is
    Bluesky ``handle``."""
    q = select(a.c.network, a.c.author_id, a.c.handle).where(
        or_(
            and_(a.c.network == "bluesky", a.c.handle.like(f"%{bridges.AP_BRIDGE}")),
            and_(a.c.network == "mastodon", a.c.author_id.like(f"%{bridges.BSKY_BRIDGE}")),
        )
    )
    found = conn.execute(q).all()
    if not found:
        return []
    wanted = {r.handle.casefold().lstrip("@")[: -len(bridges.AP_BRIDGE)]: r for r in found if r.network == "bluesky"}
    flat = func.lower(a.c.author_id)
    for char in "@_~:":
        flat = func.replace(flat, char, "." if char == "@" else "-")
    fediverse = select(a.c.author_id, flat.label("flat")).where(a.c.network == "mastodon", flat.in_(list(wanted)))
    out = [
        (
            [(m.network, m.author_id), ("mastodon", r.author_id)],
            f"Bridgy Fed: {m.handle} is the Bluesky copy of @{r.author_id}",
        )
        for r in (conn.execute(fediverse).all() if wanted else [])
        for m in [wanted[r.flat]]
    ]
    handles = {bridges.bridged_handle(r.author_id): r for r in found if r.network == "mastodon"}
    bluesky = select(a.c.author_id, a.c.handle).where(a.c.network == "bluesky", a.c.handle.in_(list(handles)))
    out += [
        (
            [("mastodon", handles[r.handle].author_id), ("bluesky", r.author_id)],
            f"Bridgy Fed: @{handles[r.handle].author_id} is the fediverse copy of {r.handle}",
        )
        for r in (conn.execute(bluesky).all() if handles else [])
    ]
    return out


def bridged(conn: Connection) -> pd.DataFrame:
    """The accounts linked automatically as Bridgy Fed's copies: account, other, why."""
    rows = [{"account": key(pair[0]), "other": key(pair[1]), "why": why} for pair, why in bridged_pairs(conn)]
    return pd.DataFrame(rows, columns=["account", "other", "why"])


def link(conn: Connection, first: str, second: str) -> None:
    """An organiser's word that accounts ``first`` and ``second`` (``network:author_id``) are one person."""
    rows = {r.author_key: r.person for r in conn.execute(select(links).where(links.c.author_key.in_([first, second])))}
    person = rows.get(first) or rows.get(second) or first
    for old in set(rows.values()) - {person}:  # two linked groups become one
        conn.execute(update(links).where(links.c.person == old).values(person=person))
    for account in (first, second):
        conn.execute(delete(links).where(links.c.author_key == account))
        conn.execute(links.insert().values(author_key=account, person=person, confirmed=True, ts=wall_clock()))
    conn.execute(delete(rejections).where(rejections.c.pair == _pair(first, second)))
    _rejudge(conn)


def confirmed(conn: Connection) -> pd.DataFrame:
    """Links an organiser confirmed (config links are changed in the config): columns account, handle, person."""
    q = (
        select(links.c.author_key, links.c.person, a.c.handle)
        .join(a, (a.c.network + ":" + a.c.author_id) == links.c.author_key, isouter=True)
        .where(links.c.confirmed)
    )
    return frame_of(
        conn.execute(q.order_by(links.c.person, links.c.author_key)), columns=["account", "person", "handle"]
    )


def unlink(conn: Connection, account: str) -> None:
    """Take one account out of its person."""
    conn.execute(delete(links).where(links.c.author_key == account))
    _rejudge(conn)


def _rejudge(conn: Connection) -> None:
    """The people whose accounts a link changed, judged again in the same transaction."""
    from ..figures import upkeep

    upkeep.judge_stale(conn)


def reject(conn: Connection, first: str, second: str) -> None:
    """An organiser's word that a suggested pair are different people: never suggested again."""
    conn.execute(
        dialect_insert(conn, rejections)
        .values(pair=_pair(first, second), ts=wall_clock())
        .on_conflict_do_nothing(index_elements=["pair"])
    )


def _pair(first: str, second: str) -> str:
    return " ".join(sorted((first, second)))


def handle_stem(network: str, handle: str) -> str:
    """The name part of a handle: "jdoe" of @jdoe, jdoe@med.social and jdoe.bsky.social."""
    handle = handle.lstrip("@").casefold()
    if network == "mastodon":
        return handle.split("@")[0]
    if network == "bluesky":
        return handle.split(".")[0] if handle.count(".") >= 2 or handle.endswith(".bsky.social") else handle
    return handle


def _name_key(name: str) -> str | None:
    """A display name fit to match on: two words or more, titles and emoji aside."""
    words = [w for w in re.findall(r"[^\W\d_]+", fold(name)) if w not in {"dr", "prof", "md", "phd", "rn", "mph"}]
    return " ".join(words) if len(words) >= 2 else None


def suggest(conn: Connection, config: Config, limit: int = 50) -> pd.DataFrame:
    """Likely same-person pairs on different networks, best first (SUGGESTION_COLUMNS), for an organiser."""
    people = _participants(conn, config)
    identity = read_identity(conn, config)
    rejected = {r.pair for r in conn.execute(select(rejections.c.pair))}
    found: dict[tuple[Account, Account], dict] = {}
    by_handle, by_name = {}, {}
    for k, r in people.items():
        stem = handle_stem(k[0], r.handle)
        if len(stem) >= 4:
            by_handle.setdefault(stem, []).append(k)
        if name := _name_key(r.display_name):
            by_name.setdefault(name, []).append(k)
    for stem, accounts in by_handle.items():
        if len(accounts) <= MAX_SHARED:
            _add(found, accounts, 0.6, f"same handle '{stem}'")
    for accounts in by_name.values():
        if len(accounts) <= MAX_SHARED:
            _add(found, accounts, 0.5, "same name")
    named = _by_full_handle(people)
    for k, r in people.items():
        for other in _named_in(f"{r.description} {r.url}", named):
            if other[0] != k[0]:
                _add(found, [k, other], 0.9, f"the {k[0]} profile names the {other[0]} account")
    rows = [
        _suggestion(people, pair, hit)
        for pair, hit in found.items()
        if identity.person(pair[0]) != identity.person(pair[1]) and _pair(key(pair[0]), key(pair[1])) not in rejected
    ]
    frame = pd.DataFrame(rows, columns=SUGGESTION_COLUMNS)
    return frame.sort_values(["score", "a"], ascending=[False, True]).head(limit).reset_index(drop=True)


def _participants(conn: Connection, config: Config) -> dict[Account, object]:
    """Profiles of the accounts with a counted post, opted-out accounts left out (never named, never suggested)."""
    p = schema.posts
    posted = only_counted(select(p.c.network, p.c.author_id).select_from(p)).distinct().subquery()
    q = select(a).join(posted, (posted.c.network == a.c.network) & (posted.c.author_id == a.c.author_id))
    return {
        (r.network, r.author_id): r
        for r in conn.execute(q)
        if not is_opted_out(config, r.network, r.handle, r.author_id)
    }


def _add(found: dict, accounts: list[Account], score: float, reason: str) -> None:
    for first, second in combinations(sorted(accounts), 2):
        if first[0] != second[0]:
            hit = found.setdefault((first, second), {"score": 0.0, "reasons": []})
            hit["score"] = round(1 - (1 - hit["score"]) * (1 - score), 2)  # independent hints add up, below 1
            hit["reasons"].append(reason)


NAMED = re.compile(
    r"(?:x|twitter)\.com/(\w+)"  # x.com/jdoe
    r"|([\w.-]+\.[a-z]{2,})/@(\w+)"  # med.social/@jdoe
    r"|@?(\w+@[\w-]+(?:\.[\w-]+)+)"  # @jdoe@med.social
    r"|bsky\.app/profile/([\w.-]+)|([\w-]+(?:\.[\w-]+)+)"
)  # a Bluesky handle, bare or linked


def _by_full_handle(people: dict) -> dict[tuple[str, str], Account]:
    """Accounts by how a profile elsewhere would name them: (network, handle as written)."""
    return {(k[0], r.handle.lstrip("@").casefold()): k for k, r in people.items()}


def _named_in(text: str, named: dict) -> set[Account]:
    """Accounts a profile's text or link names by full handle or profile address."""
    out = set()
    for m in NAMED.finditer(text.casefold()):
        x, host, local, acct, bsky, bare = m.groups()
        for ref in (
            ("x", x),
            ("mastodon", f"{local}@{host}" if local else None),
            ("mastodon", acct),
            ("bluesky", bsky),
            ("bluesky", bare),
        ):
            if ref[1] and ref in named:
                out.add(named[ref])
    return out


def _suggestion(people: dict, pair: tuple[Account, Account], hit: dict) -> dict:
    first, second = (people[k] for k in pair)
    return {
        "a": key(pair[0]),
        "b": key(pair[1]),
        "a_handle": first.handle,
        "b_handle": second.handle,
        "a_name": first.display_name,
        "b_name": second.display_name,
        "score": hit["score"],
        "reasons": hit["reasons"],
    }
