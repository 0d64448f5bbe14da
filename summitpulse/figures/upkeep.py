"""Keeping the figures exact as posts arrive, change, leave or are moderated, and as people are judged again.

Every change goes through here inside the transaction that makes it: a batch written (its delta, less what the
posts already stored had added), posts deleted or marked spam (their contribution taken back), un-marked (added
again). Each account touched becomes due for judgement (``accounts.stale``); ``judge_stale`` judges the people
behind them again — their accounts' totals and evidence merged, through the rules' ``judge_person`` — rewrites
each one's row in ``people`` and, when a label changes, moves that person's posts per quarter hour from the old
label to the new one in ``label_quarters``.

Which settings count is the store's own (``meta``: the deciding settings the figures were computed under, set by
the first process that opened the store with a config and by ``rebuild``), so every process writing to one store
counts alike whatever its config file says; a process whose config differs learns that a rebuild is due.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Sequence

import orjson
from sqlalchemy import Connection, delete, select, text, tuple_, update

from ..analysis.identity import Identity, key, parse_key, read_identity
from ..analysis.participation import judge_person, read_overrides
from ..analysis.rhythm import event_hours
from ..settings.config import Config, parse_config
from ..store import schema
from ..store.engine import POST_COLUMNS, executemany, existing, get_meta, set_meta
from .counting import Counting, PostRow, facts_of
from .delta import TABLES, Delta, apply

log = logging.getLogger(__name__)
SETTINGS_KEY, FINGERPRINT_KEY, IDENTITY_KEY = "figures_settings", "figures_fingerprint", "figures_identity"
CHUNK = 500
p, m, acc, ev = schema.posts, schema.moderation, schema.accounts, schema.evidence
_countings: dict[str, Counting] = {}


# --- which settings the store counts under ------------------------------------------------------------------


def from_settings(settings: dict) -> Counting:
    """The counting of stored deciding settings (``counting.deciding``)."""
    sessions = [{**s, "theme": None} for s in settings.get("programme", {}).get("sessions", [])]  # uncounted
    config = parse_config(
        {
            "event": settings["event"],
            "hashtags": {"primary": "stored"},
            "themes": settings.get("themes", []),
            "programme": {"sessions": sessions},
            "participants": settings.get("participants", {}),
            "participation": settings.get("participation", {}),
        }
    )
    rosters = {label: {tuple(pair) for pair in pairs} for label, pairs in settings["rosters"].items()}
    return Counting(config, rosters)


def stored_settings(conn: Connection) -> dict | None:
    value = get_meta(conn, SETTINGS_KEY)
    return orjson.loads(value) if value else None


def counting_of(conn: Connection) -> Counting | None:
    """How this store counts (None: no config has been given to it yet, or its settings no longer parse)."""
    fingerprint = get_meta(conn, FINGERPRINT_KEY)
    if fingerprint is None:
        return None
    if fingerprint not in _countings:
        try:
            _countings[fingerprint] = from_settings(stored_settings(conn))
        except Exception as exc:  # noqa: BLE001 — settings of another release: figures wait for a rebuild
            log.warning("the store's counting settings cannot be read (%s); run `summitpulse rebuild`", exc)
            return None
    return _countings[fingerprint]


def keep_settings(conn: Connection, counting: Counting) -> None:
    set_meta(conn, SETTINGS_KEY, orjson.dumps(counting.settings).decode())
    set_meta(conn, FINGERPRINT_KEY, counting.fingerprint)
    _countings[counting.fingerprint] = counting


# --- posts in, out, changed ----------------------------------------------------------------------------------

OLD_COLUMNS = (*(p.c[c] for c in POST_COLUMNS), p.c.deleted_ts, m.c.status)


def stored_posts(conn: Connection, keys: Sequence[tuple[str, str]]) -> dict[tuple[str, str], tuple]:
    """The stored rows of ``keys`` (network, native_id): (PostRow, counted), counted meaning neither deleted nor
    spam."""
    out = {}
    by_network: dict[str, list[str]] = defaultdict(list)
    for network, native_id in existing(conn, keys):  # a cheap look-up first: most posts of a batch are new
        by_network[network].append(native_id)
    q = select(*OLD_COLUMNS).select_from(
        p.outerjoin(m, (m.c.network == p.c.network) & (m.c.native_id == p.c.native_id))
    )
    for network, ids in by_network.items():
        for i in range(0, len(ids), CHUNK):
            for r in conn.execute(q.where(p.c.network == network, p.c.native_id.in_(ids[i : i + CHUNK]))):
                out[(r.network, r.native_id)] = (PostRow._make(r[: len(POST_COLUMNS)]), _counted(r))
    return out


def _counted(r) -> bool:
    return r.deleted_ts is None and r.status != "spam"


def after_write(conn: Connection, counting: Counting, rows, old: dict) -> None:
    """The figures of a written batch (``store.engine.Rows``): its delta — from the worker that prepared it when
    made under the same settings — less what its posts already stored had added; their theme links replaced."""
    if rows.fingerprint == counting.fingerprint:
        delta, links = rows.delta, rows.themes
    else:
        delta, links = counting.contribution(PostRow._make(r) for r in rows.posts)
    if old:
        delta = Delta().merge(delta)  # a copy: a transaction run again must start from the worker's delta
        fresh = {(r[0], r[1]): r for r in rows.posts}
        for post_key, (before, counted) in old.items():
            counting.add(delta, before if counted else PostRow._make(fresh[post_key]), -1)
        _unlink_themes(conn, list(old))
    executemany(conn, "ignore:post_themes", ("network", "native_id", "theme"), links)
    write(conn, delta)
    profiles_written(conn, counting, rows.authors, delta.tables["accounts"])


def _unlink_themes(conn: Connection, keys: list[tuple[str, str]]) -> None:
    t = schema.post_themes
    for i in range(0, len(keys), CHUNK):
        conn.execute(delete(t).where(tuple_(t.c.network, t.c.native_id).in_(keys[i : i + CHUNK])))


def count_posts(conn: Connection, keys: Iterable[tuple[str, str]], sign: int) -> None:
    """Posts that start (``sign`` 1: un-marked spam) or stop (-1: deleted, spam) being counted."""
    counting = counting_of(conn)
    if counting is None:
        return
    delta, _ = counting.contribution((row for row, _ in stored_posts(conn, list(keys)).values()), sign)
    write(conn, delta)


def write(conn: Connection, delta: Delta) -> None:
    """Write ``delta``, each account's posts per quarter hour also counted under the label it has now (``delta``
    itself is left as it was)."""
    apply(conn, delta, ("accounts",))
    quarters, labelled = delta.tables["author_quarters"], Delta()
    labels = _labels(conn, {(n, a) for n, a, _ in quarters})
    for (network, author_id, quarter), (posts, _, _) in quarters.items():
        labelled.add("label_quarters", (quarter, labels.get((network, author_id), "unknown")), posts)
    apply(conn, delta, ("author_quarters",))
    apply(conn, labelled, ("label_quarters",))
    apply(conn, delta, [t for t in TABLES if t not in ("accounts", "author_quarters", "label_quarters")])


def _labels(conn: Connection, keys: set[tuple[str, str]]) -> dict[tuple[str, str], str]:
    out = {}
    by_network: dict[str, list[str]] = defaultdict(list)
    for network, author_id in keys:
        by_network[network].append(author_id)
    for network, ids in by_network.items():
        for i in range(0, len(ids), CHUNK):
            q = select(acc.c.author_id, acc.c.label).where(
                acc.c.network == network, acc.c.author_id.in_(ids[i : i + CHUNK])
            )
            out.update(((network, a), label) for a, label in conn.execute(q))
    return out


def mark_stale(conn: Connection, accounts: Iterable[tuple[str, str]], dependents: bool = False) -> None:
    """Accounts whose person must be judged again (a profile, an override changed); with ``dependents``, also
    those who replied during sessions to them (whether a reply counts depends on who it went to)."""
    accounts = sorted(set(accounts))
    for i in range(0, len(accounts), CHUNK):
        chunk = accounts[i : i + CHUNK]
        conn.execute(update(acc).where(tuple_(acc.c.network, acc.c.author_id).in_(chunk)).values(stale=1))
        if dependents:
            facts = [f"reply_to\t{author_id}" for _, author_id in chunk]
            repliers = select(ev.c.network, ev.c.author_id).where(ev.c.fact.in_(facts), ev.c.n > 0)
            conn.execute(update(acc).where(tuple_(acc.c.network, acc.c.author_id).in_(repliers)).values(stale=1))


def profiles_written(conn: Connection, counting: Counting, authors: list[tuple], posted: dict) -> None:
    """Accounts whose profile was written (``store.engine.AUTHOR_COLUMNS`` rows): judged again, as a profile may say
    more now (those with posts in the batch, ``posted``, are already due), and their followers kept with them;
    where the handle is on the in-room roster, so is whoever replied to them during sessions."""
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    changed = [(r[4], r[0], r[1], r[4]) for r in authors if r[4] is not None]  # AUTHOR_COLUMNS: followers 5th
    if changed:
        conn.exec_driver_sql(
            f"UPDATE accounts SET followers = {mark} WHERE network = {mark} AND author_id = {mark} "
            f"AND followers != {mark}",
            changed,
        )
    keys = [(r[0], r[1]) for r in authors if (r[0], r[1]) not in posted]
    registered = [(r[0], r[1]) for r in authors if (r[0], r[2].lstrip("@").casefold()) in counting.rosters["in_room"]]
    mark_stale(conn, keys)
    if registered:
        mark_stale(conn, registered, dependents=True)


def accounts_of_person(conn: Connection, account: tuple[str, str]) -> list[tuple[str, str]]:
    """Every account of the person ``account`` belongs to (the account itself when it has no counted post)."""
    person = select(acc.c.person).where(acc.c.network == account[0], acc.c.author_id == account[1]).scalar_subquery()
    found = [tuple(r) for r in conn.execute(select(acc.c.network, acc.c.author_id).where(acc.c.person == person))]
    return found or [account]


# --- judging people -----------------------------------------------------------------------------------------


def judge_stale(conn: Connection, counting: Counting | None = None) -> int:
    """Judge again every person with an account due for it (and everyone whose accounts' links changed); returns
    how many people were judged."""
    counting = counting or counting_of(conn)
    if counting is None:
        return 0
    identity = read_identity(conn, counting.config)
    relinked = _relink(conn, identity)
    if relinked:  # whether a reply to them counts may depend on every account of their person
        members = select(acc.c.network, acc.c.author_id).where(acc.c.person.in_(sorted(relinked)))
        mark_stale(conn, [tuple(r) for r in conn.execute(members)], dependents=True)
    persons = relinked | set(conn.execute(select(acc.c.person).where(acc.c.stale == 1).distinct()).scalars())
    ordered = sorted(persons)
    overrides = read_overrides(conn)
    for i in range(0, len(ordered), CHUNK):
        _judge_chunk(conn, counting, identity, overrides, ordered[i : i + CHUNK])
    return len(ordered)


def _relink(conn: Connection, identity: Identity) -> set[str]:
    """Give every account the person its links now make it part of — every account when the links changed since
    the last time, otherwise the accounts just written — and return the people whose accounts changed."""
    marker = orjson.dumps(sorted((key(k), key(v)) for k, v in identity.person_of.items())).decode()
    q = select(acc.c.network, acc.c.author_id, acc.c.person)
    unchanged = get_meta(conn, IDENTITY_KEY) == marker
    if unchanged and not identity.person_of:
        return set()
    changed = set()
    for network, author_id, person in conn.execute(q.where(acc.c.stale == 1) if unchanged else q):
        wanted = key(identity.person((network, author_id)))
        if person != wanted:
            conn.execute(
                update(acc).where(acc.c.network == network, acc.c.author_id == author_id).values(person=wanted, stale=1)
            )
            changed |= {person, wanted}
    if not unchanged:
        set_meta(conn, IDENTITY_KEY, marker)
    return changed


def _judge_chunk(conn: Connection, counting: Counting, identity: Identity, overrides: dict, persons: list[str]) -> None:
    rows = conn.execute(select(acc).where(acc.c.person.in_(persons))).all()
    members = {(r.network, r.author_id): r for r in rows}
    evidence = _evidence(conn, list(members))
    targets = {
        linked
        for (network, _), facts in evidence.items()
        for fact, _ in facts
        if fact.startswith("reply_to\t")
        for linked in identity.members(identity.person((network, fact.split("\t", 1)[1])))
    }  # whether a reply counts depends on the handles of every account of the person it went to
    profiles = _profiles(conn, set(members) | targets, counting.config)
    judged = judge_people(
        counting, identity, overrides, persons, members, evidence, profiles, read_learnt(conn, persons)
    )
    _keep_people(conn, persons, judged)
    relabelled = {}
    for account, r in members.items():
        label = (judged.get(r.person) or {}).get("label", "unknown")
        if r.label != label:
            relabelled[account] = (r.label, label)
    _relabel(conn, relabelled)
    conn.execute(update(acc).where(acc.c.person.in_(persons)).values(stale=0))


def _evidence(conn: Connection, accounts: list[tuple[str, str]]) -> dict[tuple[str, str], list[tuple[str, int]]]:
    out: dict = defaultdict(list)
    for i in range(0, len(accounts), CHUNK):
        q = select(ev.c.network, ev.c.author_id, ev.c.fact, ev.c.n).where(
            tuple_(ev.c.network, ev.c.author_id).in_(accounts[i : i + CHUNK]), ev.c.n != 0
        )
        for r in conn.execute(q):
            out[(r.network, r.author_id)].append((r.fact, r.n))
    return out


def _profiles(conn: Connection, accounts: set[tuple[str, str]], config: Config) -> dict[tuple[str, str], dict]:
    """What is known of each account beyond its posts' evidence: its profile, and its posting rhythm."""
    a, out, accounts = schema.authors, {}, sorted(accounts)
    for i in range(0, len(accounts), CHUNK):
        q = select(a.c.network, a.c.author_id, a.c.handle, a.c.display_name, a.c.location, a.c.followers).where(
            tuple_(a.c.network, a.c.author_id).in_(accounts[i : i + CHUNK])
        )
        out.update(((r.network, r.author_id), profile(r)) for r in conn.execute(q))
    found = read_rhythms(conn, accounts)
    aq, keys, event = schema.author_quarters, sorted(found), config.event
    quarters, during = [], aq.c.quarter.between(event.start.timestamp() - 3600, event.end.timestamp() + 3600)
    for i in range(0, len(keys), CHUNK):
        q = select(aq.c.network, aq.c.author_id, aq.c.quarter, aq.c.posts, aq.c.reposts).where(
            tuple_(aq.c.network, aq.c.author_id).in_(keys[i : i + CHUNK]), during
        )
        quarters += conn.execute(q).all()
    with_rhythms(out, found, quarters, config)
    return out


def read_rhythms(conn: Connection, accounts: list[tuple[str, str]] | None = None) -> dict[tuple[str, str], list[int]]:
    """The stored posting rhythms (``rhythms``: own posts before the event by UTC hour) of ``accounts`` (None:
    every account's)."""
    t, out = schema.rhythms, {}
    chunks = [None] if accounts is None else [accounts[i : i + CHUNK] for i in range(0, len(accounts), CHUNK)]
    for chunk in chunks:
        q = select(t.c.network, t.c.author_id, t.c.hours)
        q = q if chunk is None else q.where(tuple_(t.c.network, t.c.author_id).in_(chunk))
        out.update(((r.network, r.author_id), orjson.loads(r.hours)) for r in conn.execute(q))
    return out


def with_rhythms(profiles: dict, found: dict, quarters, config: Config) -> None:
    """Add to ``profiles`` each rhythm ``found`` and the account's own posts during the event by UTC hour, from its
    ``quarters`` (rows of network, author_id, quarter, posts, reposts)."""
    event = config.event
    during = event_hours(quarters, event.start.timestamp(), event.end.timestamp())
    for account, hours in found.items():
        profiles.setdefault(account, {}).update(rhythm=hours, event_hours=during.get(account, [0] * 24))


def read_learnt(conn: Connection, persons: list[str] | None = None) -> dict[str, tuple[float, list[str]]]:
    """The event model's verdicts (``learnt``) on ``persons`` (everyone: None): probability in the room, reasons."""
    t = schema.learnt
    q = select(t) if persons is None else select(t).where(t.c.person.in_(persons))
    return {r.person: (r.p_in_room, orjson.loads(r.reasons)) for r in conn.execute(q)}


def profile(r) -> dict:
    return {"handle": r.handle, "name": r.display_name, "location": r.location}


def followers_of(r) -> int:
    return r.followers or 0


def judge_people(
    counting: Counting,
    identity: Identity,
    overrides: dict,
    persons: Iterable[str],
    members: dict,
    evidence: dict,
    profiles: dict,
    learnt: dict | None = None,
) -> dict[str, dict | None]:
    """Each person's participant row (``participation.COLUMNS``) — None for a person with no counted post —
    from their accounts' totals (``members``: account → a row with posts and reposts), evidence and profiles, and
    the event model's verdicts (``learnt``)."""
    handle_of = lambda account: profiles.get(account, {}).get("handle")  # noqa: E731
    accounts_of = lambda account: identity.members(identity.person(account))  # noqa: E731
    out = {}
    for person in persons:
        own = parse_key(person)
        counted = accounts_facts(identity, own, members, evidence, profiles)
        out[person] = (
            judge_person(
                counting.config,
                own,
                counted,
                counting.rosters,
                overrides,
                handle_of,
                accounts_of,
                (learnt or {}).get(person),
            )
            if counted and identity.person(own) == own
            else None
        )
    return out


def accounts_facts(identity: Identity, own: tuple[str, str], members: dict, evidence: dict, profiles: dict) -> list:
    """The facts of each account of the person ``own`` with a counted post, the person's own account first."""
    return [
        (k, facts_of(members[k], evidence.get(k, []), profiles.get(k, {})))
        for k in identity.members(own)
        if k in members and members[k].posts > 0
    ]


def person_values(row: dict) -> dict:
    return {**row, "reasons": orjson.dumps(row["reasons"]).decode(), "accounts": orjson.dumps(row["accounts"]).decode()}


def _keep_people(conn: Connection, persons: list[str], judged: dict[str, dict | None]) -> None:
    """Rewrite the rows of the people whose judgement changed (a person with no counted post has none)."""
    t = schema.people
    before = {r["person"]: r for r in conn.execute(select(t).where(t.c.person.in_(persons))).mappings()}
    after = {person: person_values(row) for person, row in judged.items() if row}
    changed = sorted(p for p in persons if (dict(before[p]) if p in before else None) != after.get(p))
    if changed:
        conn.execute(delete(t).where(t.c.person.in_(changed)))
        rows = [after[p] for p in changed if p in after]
        if rows:
            conn.execute(t.insert(), rows)


def _relabel(conn: Connection, relabelled: dict[tuple[str, str], tuple[str, str]]) -> None:
    """Accounts now counted under another label: their posts per quarter hour move from the old to the new."""
    if not relabelled:
        return
    aq, moves, accounts = schema.author_quarters, Delta(), sorted(relabelled)
    for i in range(0, len(accounts), CHUNK):
        q = select(aq.c.network, aq.c.author_id, aq.c.quarter, aq.c.posts).where(
            tuple_(aq.c.network, aq.c.author_id).in_(accounts[i : i + CHUNK]), aq.c.posts != 0
        )
        for network, author_id, quarter, posts in conn.execute(q):
            before, after = relabelled[(network, author_id)]
            moves.add("label_quarters", (quarter, before), -posts)
            moves.add("label_quarters", (quarter, after), posts)
    mark = "?" if conn.dialect.name == "sqlite" else "%s"
    conn.exec_driver_sql(
        f"UPDATE accounts SET label = {mark} WHERE network = {mark} AND author_id = {mark}",
        [(after, network, author_id) for (network, author_id), (_, after) in sorted(relabelled.items())],
    )
    apply(conn, moves, ("label_quarters",))


def store_empty(conn: Connection) -> bool:
    return conn.execute(text("SELECT 1 FROM posts LIMIT 1")).first() is None
