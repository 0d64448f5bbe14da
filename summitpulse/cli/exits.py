"""The exit statuses a scheduler (cron, systemd, CI) can act on; the README's "Reliability" section lists them."""

from __future__ import annotations

DONE = 0  # everything asked was done
NOTHING_DONE = 1  # nothing was done: every record rejected, every collector failed, the store unusable
CONFIG_ERROR = 2  # the config or the command is wrong (the message names the field and the fix): nothing was done
PARTLY_DONE = 3  # some was done and some not: the messages (and the health page) say what


def outcome(done: int, failed: int) -> int:
    """The status of a command that did ``done`` things and failed ``failed``: DONE when none failed,
    NOTHING_DONE when none was done, else PARTLY_DONE."""
    if not failed:
        return DONE
    return PARTLY_DONE if done else NOTHING_DONE
