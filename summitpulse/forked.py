"""Forked helper processes never outlive the process that forked them (an import's readers, the report's second
process): a ``kill -9`` of the parent must not leave them holding memory and the store."""

from __future__ import annotations

import ctypes
import os
import signal
import sys
import threading
import time

PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
WATCH_SECONDS = 1.0


def die_with_parent(parent: int) -> None:
    """Called first thing in a forked child of ``parent``: on Linux the kernel sends it SIGKILL when the parent dies
    (prctl PR_SET_PDEATHSIG); everywhere, a thread ends it once its parent is no longer ``parent``."""
    if sys.platform.startswith("linux"):
        try:
            ctypes.CDLL(None, use_errno=True).prctl(PR_SET_PDEATHSIG, signal.SIGKILL, 0, 0, 0)
        except (OSError, AttributeError):  # no libc to ask: the watchdog alone
            pass
    watch_parent(parent)


def watch_parent(parent: int) -> None:
    """Ends this forked child of ``parent`` once its parent is no longer ``parent`` (a thread that checks every
    WATCH_SECONDS). Alone, for a child forked by a thread that ends before the process does: the kernel's signal
    follows the thread that forked."""
    if os.getppid() != parent:  # the parent died already
        os._exit(1)
    threading.Thread(target=_watch, args=(parent,), daemon=True, name="parent-watchdog").start()


def _watch(parent: int) -> None:
    while os.getppid() == parent:
        time.sleep(WATCH_SECONDS)
    os._exit(1)
