"""Moderation: what may appear on the wall, and every organiser action, recorded.

A post's status is ``approved``, ``pending``, ``hidden`` (kept and counted,
never shown) or ``spam`` (kept, left out of every figure). Posts without a
stored decision are screened on the fly: blocked accounts and terms, and a
maintained profanity list (better-profanity) hide them; trusted accounts are
approved; in pre-moderation everything else waits for approval.
"""

from __future__ import annotations

import re
from functools import lru_cache

from better_profanity import Profanity
from sqlalchemy import Connection, and_, delete, func, or_, select, tuple_

from ..settings import social
from ..settings.config import Config
from ..store import schema
from ..store.engine import dialect_insert, lock_posts, wall_clock
from .per_post import per_post

STATUSES = ("approved", "pending", "hidden", "spam")
# What the log says an organiser did, and the reason a decision by hand carries.
VERBS = {"approved": "approved", "pending": "sent back to the queue", "hidden": "hidden", "spam": "marked as spam"}
BY_HAND = {status: f"{verb} by hand" for status, verb in VERBS.items()}
VERBS |= {f"{do} {kind}": f"{do}ed {kind}" for do in ("block", "unblock") for kind in ("account", "term")}
BLOCKED_ACCOUNT = "blocked account"
NETWORK_PREFIX = re.compile(r"^\s*(x|twitter|mastodon|bluesky|bsky)\s*:\s*(?!//)(.+)$", re.IGNORECASE)
NETWORK_OF_PREFIX = {"x": "x", "twitter": "x", "mastodon": "mastodon", "bluesky": "bluesky", "bsky": "bluesky"}
HOW_TO_WRITE = (
    "write it as x:name, @name@instance (Mastodon), name.bsky.social (Bluesky), or paste the profile's address"
)
EXCERPT = 60
BARE = re.compile(r"^@?[A-Za-z0-9_]+$")


class Wordset:
    """better-profanity's word list as a trie, matching as its list of ``VaryingString`` does: a text character
    stands for each word character whose variants hold it. One walk per word of a post instead of one comparison
    per listed word — the library's own membership test was most of a report's time."""

    END = ""

    def __init__(self, words: list[str], char_map: dict[str, tuple[str, ...]]):
        if any(len(v) != 1 for variants in char_map.values() for v in variants):
            raise ValueError("every variant must be one character")
        self.size, self.trie = len(words), {}
        for word in words:
            node = self.trie
            for char in word:
                node = node.setdefault(char, {})
            node[self.END] = True
        self.stands_for = {v: {v} for variants in char_map.values() for v in variants if v not in char_map}
        for char, variants in char_map.items():
            for variant in variants:
                self.stands_for.setdefault(variant, set()).add(char)
        self._listed = lru_cache(maxsize=65536)(self._walk)  # a conference's words repeat

    def __len__(self) -> int:
        return self.size

    def __contains__(self, text: object) -> bool:
        return self._listed(str(text))

    def _walk(self, text: str) -> bool:
        nodes = [self.trie]
        for char in text:
            chars = self.stands_for.get(char) or (char,)
            nodes = [node[c] for node in nodes for c in chars if c in node]
            if not nodes:
                return False
        return any(self.END in node for node in nodes)


@lru_cache(maxsize=1)
def _profanity() -> Profanity:
    checker = Profanity()
    words = [str(w) for w in checker.CENSOR_WORDSET]  # the maintained list, lower-cased by the library
    checker.CENSOR_WORDSET = Wordset(words, checker.CHARS_MAPPING)
    return checker


@lru_cache(maxsize=8192)
def profane(text: str) -> bool:
    """better-profanity's verdict (its word list and its reading of a post's words), remembered per text."""
    return _profanity().contains_profanity(text)


def blocked(conn: Connection) -> dict[str, set[str]]:
    """Accounts and terms blocked from the dashboard (on top of the config's)."""
    t = schema.blocklist
    out: dict[str, set[str]] = {"account": set(), "term": set()}
    for kind, value in conn.execute(select(t.c.kind, t.c.value)):
        out.setdefault(kind, set()).add(value)
    return out


def _norm_account(value: str) -> str:
    return value.strip().lstrip("@").casefold()


def account_key(conn: Connection, value: str) -> str:
    """The account ``value`` names, however an organiser wrote it (``x:@name``, ``x: name``, ``@name@instance``, a
    profile URL, a bare handle the store knows on one network), as ``network:handle`` casefolded, the way
    ``screen`` compares; ValueError saying how to write it when it names none."""
    text = value.strip()
    prefixed = NETWORK_PREFIX.match(text)
    if prefixed:
        found = social.account(prefixed[2].strip(), NETWORK_OF_PREFIX[prefixed[1].casefold()])
    else:
        found = social.account(text) or _known_handle(conn, text)
    if not found:
        raise ValueError(f"{text!r} is not an account Summit Pulse can block: {HOW_TO_WRITE}.")
    network, handle = found.split(":", 1)
    return f"{network}:{handle.casefold()}"


def account_ref(value: str) -> tuple[str, str]:
    """An account as the config's ``blocked_accounts`` or the block list hold it → (network, handle) casefolded, the
    way ``screen`` compares; a bare handle (``spammer``, ``@spammer``) → ("*", handle): blocked on every network."""
    text = value.strip()
    prefixed = NETWORK_PREFIX.match(text)
    if prefixed:
        found = social.account(prefixed[2].strip(), NETWORK_OF_PREFIX[prefixed[1].casefold()])
    else:
        found = None if BARE.match(text) else social.account(text)
    if not found:
        return "*", _norm_account(text)
    network, handle = found.split(":", 1)
    return network, handle.casefold()


def _known_handle(conn: Connection, text: str) -> str | None:
    """``network:handle`` of a bare handle stored on exactly one network."""
    a = schema.authors
    name = _norm_account(text)
    hits = conn.execute(
        select(a.c.network, a.c.handle).where(func.lower(a.c.handle).in_([name, f"@{name}"])).distinct().limit(2)
    ).all()
    return f"{hits[0].network}:{_norm_account(hits[0].handle)}" if len(hits) == 1 else None


@lru_cache(maxsize=64)
def _refs(accounts: tuple[str, ...]) -> frozenset[tuple[str, str]]:
    """``account_ref`` of each account of a list, read once per list: the wall screens every post against it."""
    return frozenset(account_ref(a) for a in accounts)


def screen(
    config: Config,
    text: str,
    network: str,
    handle: str,
    extra: dict[str, set[str]] | None = None,
    author_id: str = "",
) -> tuple[str, str]:
    """An automatic decision (status, reason) for a post with no stored decision."""
    extra = extra or {}
    mod = config.moderation
    name = _norm_account(handle)
    if {(network, name), ("*", name), (network, author_id.casefold())} & _refs(
        tuple(sorted({*mod.blocked_accounts, *extra.get("account", ())}))
    ):
        return "hidden", BLOCKED_ACCOUNT
    lowered = text.casefold()
    for term in [*mod.blocked_terms, *extra.get("term", ())]:
        if term.casefold() in lowered:
            return "hidden", f"blocked term: {term}"
    if mod.profanity_filter and profane(text):
        return "hidden", "profanity filter"
    if {(network, name), ("*", name), (network, author_id.casefold())} & _refs(tuple(mod.trusted_accounts)):
        return "approved", "trusted account"
    return ("pending", "awaiting approval") if mod.mode == "pre" else ("approved", "post-moderation")


def decisions(conn: Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """Stored (status, reason) for the given (network, native_id) keys."""
    return per_post(conn, schema.moderation, keys, "status", "reason")


def _record(conn: Connection, actor: str, action: str, target: str, reason: str) -> None:
    conn.execute(
        schema.moderation_actions.insert().values(
            ts=wall_clock(), actor=actor, action=action, target=target, reason=reason
        )
    )


def set_status(conn: Connection, network: str, native_id: str, status: str, reason: str, actor: str) -> None:
    """Approve, hide, unhide (approve) or mark a post as spam; the action is recorded. Spam leaves every figure
    (and comes back when un-marked), in the same transaction."""
    if status not in STATUSES:
        raise ValueError(f"status must be one of {STATUSES}")
    _decide(conn, [(network, native_id)], status, reason)
    _record(conn, actor, status, f"{network}:{native_id}", reason)


def _decide(conn: Connection, keys: list[tuple[str, str]], status: str, reason: str, keep_spam: bool = False) -> int:
    """Store ``status`` for the posts ``keys`` (not for those marked spam, with ``keep_spam``), the figures kept
    exact through posts entering or leaving spam; returns how many posts it decided."""
    from ..figures import upkeep

    lock_posts(conn, keys)
    before = {k: s for k, (s, _) in decisions(conn, keys).items()}
    if keep_spam:
        keys = [k for k in keys if before.get(k) != "spam"]
    moving = [k for k in keys if (before.get(k) == "spam") != (status == "spam") and _live(conn, *k)]
    if moving:
        upkeep.count_posts(conn, moving, -1 if status == "spam" else 1)
    now = wall_clock()
    for key in keys:
        stmt = dialect_insert(conn, schema.moderation).values(
            network=key[0], native_id=key[1], status=status, reason=reason, updated_ts=now
        )
        conn.execute(
            stmt.on_conflict_do_update(
                index_elements=["network", "native_id"], set_={"status": status, "reason": reason, "updated_ts": now}
            )
        )
    upkeep.judge_stale(conn)
    return len(keys)


def _live(conn: Connection, network: str, native_id: str) -> bool:
    """The post is stored and not deleted upstream."""
    p = schema.posts
    q = select(p.c.deleted_ts).where(p.c.network == network, p.c.native_id == native_id)
    row = conn.execute(q).first()
    return row is not None and row.deleted_ts is None


def block(conn: Connection, kind: str, value: str, reason: str, actor: str) -> tuple[str, int]:
    """Block an account (any way of writing it: ``account_key``) or a term; its posts stored so far are hidden at
    once (whatever was decided for them by hand, spam apart), later ones as they are screened. Recorded; returns
    what was blocked and how many posts it hid. ValueError for an account named nowhere."""
    if kind not in ("account", "term"):
        raise ValueError("kind must be 'account' or 'term'")
    value = account_key(conn, value) if kind == "account" else value.strip()
    if not value:
        raise ValueError("an empty term would hide every post: write the word or phrase to block")
    conn.execute(
        dialect_insert(conn, schema.blocklist).values(kind=kind, value=value, ts=wall_clock()).on_conflict_do_nothing()
    )
    hid = _decide(conn, _posts_of(conn, kind, value), "hidden", _block_reason(kind, value), keep_spam=True)
    _record(conn, actor, f"block {kind}", value, reason)
    return value, hid


def _block_reason(kind: str, value: str) -> str:
    return BLOCKED_ACCOUNT if kind == "account" else f"blocked term: {value}"


def _posts_of(conn: Connection, kind: str, value: str) -> list[tuple[str, str]]:
    """The stored posts an account (``network:handle``) wrote, or whose text holds a term."""
    p, a = schema.posts, schema.authors
    if kind == "term":
        q = select(p.c.network, p.c.native_id).where(func.lower(p.c.text).contains(value.casefold(), autoescape=True))
        return [tuple(r) for r in conn.execute(q)]
    network, handle = value.split(":", 1)
    who = or_(func.lower(a.c.handle).in_([handle, f"@{handle}"]), func.lower(a.c.author_id) == handle)
    q = (
        select(p.c.network, p.c.native_id)
        .join(a, and_(a.c.network == p.c.network, a.c.author_id == p.c.author_id))
        .where(a.c.network == network, who)
    )
    return [tuple(r) for r in conn.execute(q)]


def unblock(conn: Connection, kind: str, value: str, actor: str) -> None:
    """Lift a block: the posts it hid are screened again (a decision by hand since then stays)."""
    t, m = schema.blocklist, schema.moderation
    conn.execute(delete(t).where(t.c.kind == kind, t.c.value == value))
    keys = _posts_of(conn, kind, value)
    for i in range(0, len(keys), 500):
        chunk = keys[i : i + 500]
        conn.execute(
            delete(m).where(tuple_(m.c.network, m.c.native_id).in_(chunk), m.c.reason == _block_reason(kind, value))
        )
    _record(conn, actor, f"unblock {kind}", value, "")


def blocklist(conn: Connection) -> list[dict]:
    """The accounts and terms blocked from the dashboard, newest first (the config's are not in it)."""
    t = schema.blocklist
    return [dict(r) for r in conn.execute(select(t).order_by(t.c.ts.desc(), t.c.kind, t.c.value)).mappings()]


def actions(conn: Connection, limit: int = 100) -> list[dict]:
    """The latest actions, newest first: each with what it did in words and the post it concerned named by its
    author and the start of its text."""
    t = schema.moderation_actions
    rows = [dict(r) for r in conn.execute(select(t).order_by(t.c.id.desc()).limit(limit)).mappings()]
    posts = _named_posts(conn, [r["target"] for r in rows if r["action"] in STATUSES])
    for r in rows:
        r["action"] = VERBS.get(
            r["action"], r["action"].replace("block ", "blocked ").replace("unblocked", "unblocked")
        )
        r["target"] = posts.get(r["target"], r["target"])
    return rows


def _named_posts(conn: Connection, targets: list[str]) -> dict[str, str]:
    """``network:native_id`` → "@handle: “the start of the text…”" for the stored posts among ``targets``."""
    p, a = schema.posts, schema.authors
    keys = list({tuple(t.split(":", 1)) for t in targets if ":" in t})
    out = {}
    for i in range(0, len(keys), 500):
        q = (
            select(p.c.network, p.c.native_id, p.c.text, a.c.handle, p.c.author_id)
            .join(a, and_(a.c.network == p.c.network, a.c.author_id == p.c.author_id), isouter=True)
            .where(tuple_(p.c.network, p.c.native_id).in_(keys[i : i + 500]))
        )
        for r in conn.execute(q):
            out[f"{r.network}:{r.native_id}"] = (
                f"{social.shown(r.network, r.handle or r.author_id)}: “{excerpt(r.text)}”"
            )
    return out


def excerpt(text: str, length: int = EXCERPT) -> str:
    """The start of ``text`` on one line, cut at a word with an ellipsis when longer than ``length``."""
    flat = " ".join((text or "").split())
    return flat if len(flat) <= length else flat[:length].rsplit(" ", 1)[0] + "…"
