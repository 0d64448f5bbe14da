"""What organisers change from the pages — moderation decisions, block lists, participant overrides, identity
links — in one place: pages call these and never touch the store. Each action is one transaction, the figures it
changes kept exact in it (``summitpulse.figures``), and the caches that showed the old state are cleared."""

from __future__ import annotations

from ..analysis import identity, moderation, participation
from . import data


def _write(action, *args):
    with data.engine().begin() as conn:
        return action(conn, *args)


def set_status(network: str, native_id: str, status: str, actor: str) -> None:
    """Approve, hide or mark a post as spam by hand (spam leaves every figure)."""
    _write(moderation.set_status, network, native_id, status, moderation.BY_HAND[status], actor)
    data.after_moderation()


def block(kind: str, value: str, reason: str, actor: str) -> tuple[str, int]:
    """Block an account (written any way ``moderation.account_key`` reads) or a term: its posts leave the wall at
    once. Returns what was blocked and how many posts it hid; ValueError, saying why, for no account."""
    blocked = _write(moderation.block, kind, value, reason, actor)
    data.after_moderation()
    return blocked


def unblock(kind: str, value: str, actor: str) -> None:
    _write(moderation.unblock, kind, value, actor)
    data.after_moderation()


def override(person: str, label: str, reason: str) -> None:
    """An organiser's label for a participant, winning over every other piece of evidence."""
    _write(participation.set_override, person, label, reason)
    data.forget_people()


def link(first: str, second: str) -> None:
    """Two accounts (``network:author_id``) are one person."""
    _write(identity.link, first, second)
    data.forget_people()


def reject(first: str, second: str) -> None:
    """A suggested pair are two people: never suggested again."""
    _write(identity.reject, first, second)
    data.forget_people()


def unlink(account: str) -> None:
    _write(identity.unlink, account)
    data.forget_people()
