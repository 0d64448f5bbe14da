"""Moderation: what may appear on the wall, and every organiser action, recorded.

A post's status is ``approved``, ``pending``, ``hidden`` (kept and counted,
never shown) or ``spam`` (kept, left out of every figure). Posts without a
stored decision are screened on the fly: blocked accounts and terms, and a
maintained profanity list (better-profanity) hide them; trusted accounts are
approved; in pre-moderation everything else waits for approval.
"""

from __future__ import annotations

from functools import lru_cache

from better_profanity import Profanity
from sqlalchemy import Connection, delete, select

from ..settings.config import Config
from ..store import schema
from ..store.engine import dialect_insert, lock_posts, wall_clock

STATUSES = ("approved", "pending", "hidden", "spam")


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


def screen(
    config: Config, text: str, network: str, handle: str, extra: dict[str, set[str]] | None = None
) -> tuple[str, str]:
    """An automatic decision (status, reason) for a post with no stored decision."""
    extra = extra or {}
    mod = config.moderation
    account = f"{network}:{_norm_account(handle)}"
    accounts = {_norm_account(a) for a in [*mod.blocked_accounts, *extra.get("account", ())]}
    if account in accounts or _norm_account(handle) in accounts:
        return "hidden", "blocked account"
    lowered = text.casefold()
    for term in [*mod.blocked_terms, *extra.get("term", ())]:
        if term.casefold() in lowered:
            return "hidden", f"blocked term: {term}"
    if mod.profanity_filter and profane(text):
        return "hidden", "profanity filter"
    trusted = {_norm_account(a) for a in mod.trusted_accounts}
    if account in trusted or _norm_account(handle) in trusted:
        return "approved", "trusted account"
    return ("pending", "awaiting approval") if mod.mode == "pre" else ("approved", "post-moderation")


def decisions(conn: Connection, keys: list[tuple[str, str]]) -> dict[tuple[str, str], tuple[str, str]]:
    """Stored (status, reason) for the given (network, native_id) keys."""
    t = schema.moderation
    out = {}
    for network in {n for n, _ in keys}:
        ids = [i for n, i in keys if n == network]
        q = select(t.c.native_id, t.c.status, t.c.reason).where(t.c.network == network, t.c.native_id.in_(ids))
        out.update({(network, i): (s, r) for i, s, r in conn.execute(q)})
    return out


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
    from ..figures import upkeep

    lock_posts(conn, [(network, native_id)])
    before = decisions(conn, [(network, native_id)]).get((network, native_id), ("",))[0]
    if (before == "spam") != (status == "spam"):
        if _live(conn, network, native_id):
            upkeep.count_posts(conn, [(network, native_id)], -1 if status == "spam" else 1)
    stmt = dialect_insert(conn, schema.moderation).values(
        network=network, native_id=native_id, status=status, reason=reason, updated_ts=wall_clock()
    )
    conn.execute(
        stmt.on_conflict_do_update(
            index_elements=["network", "native_id"],
            set_={"status": status, "reason": reason, "updated_ts": wall_clock()},
        )
    )
    _record(conn, actor, status, f"{network}:{native_id}", reason)
    upkeep.judge_stale(conn)


def _live(conn: Connection, network: str, native_id: str) -> bool:
    """The post is stored and not deleted upstream."""
    p = schema.posts
    q = select(p.c.deleted_ts).where(p.c.network == network, p.c.native_id == native_id)
    row = conn.execute(q).first()
    return row is not None and row.deleted_ts is None


def block(conn: Connection, kind: str, value: str, reason: str, actor: str) -> None:
    """Block an account (``network:handle``) or a term from the wall; recorded."""
    if kind not in ("account", "term"):
        raise ValueError("kind must be 'account' or 'term'")
    value = _norm_account(value) if kind == "account" else value.strip()
    conn.execute(
        dialect_insert(conn, schema.blocklist).values(kind=kind, value=value, ts=wall_clock()).on_conflict_do_nothing()
    )
    _record(conn, actor, f"block {kind}", value, reason)


def unblock(conn: Connection, kind: str, value: str, actor: str) -> None:
    t = schema.blocklist
    conn.execute(delete(t).where(t.c.kind == kind, t.c.value == value))
    _record(conn, actor, f"unblock {kind}", value, "")


def actions(conn: Connection, limit: int = 100) -> list[dict]:
    t = schema.moderation_actions
    return [dict(r) for r in conn.execute(select(t).order_by(t.c.id.desc()).limit(limit)).mappings()]
