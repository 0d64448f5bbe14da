"""An analysis's running state kept in the store, so a new process — a restarted dashboard, the report — goes
on from it instead of reading every post again.

The state is pickled (fast, for the counters of a million posts) and read back by an unpickler that builds
plain data and the classes in ALLOWED, nothing else: a snapshot row someone else wrote into the store can make
the snapshot unusable — it is then ignored and the state rebuilt — but cannot run code here.
"""

from __future__ import annotations

import gc
import io
import logging
import pickle

from sqlalchemy import Connection, select

from ..store import schema
from ..store.engine import dialect_insert, now_ts

log = logging.getLogger(__name__)
s = schema.snapshots
ALLOWED = {("collections", "Counter"), ("summitpulse.analysis.identity", "Identity")}


class _PlainData(pickle.Unpickler):
    def find_class(self, module: str, name: str):
        if (module, name) in ALLOWED:
            return super().find_class(module, name)
        raise pickle.UnpicklingError(f"a snapshot may not hold {module}.{name}")


def dumps(state: dict) -> bytes:
    """``state`` as a snapshot's bytes (for ``save``)."""
    return pickle.dumps(state, protocol=5)


def save(conn: Connection, name: str, fingerprint: str, data: bytes) -> None:
    """Keep ``data`` (from ``dumps``) as the snapshot ``name``, computed under ``fingerprint``, replacing the last."""
    row = {"fingerprint": fingerprint, "saved_ts": now_ts(), "data": data}
    conn.execute(
        dialect_insert(conn, s).values(name=name, **row).on_conflict_do_update(index_elements=["name"], set_=row)
    )


def load(conn: Connection, name: str, fingerprint: str) -> dict | None:
    """The snapshot ``name`` if one computed under ``fingerprint`` is stored and readable, else None."""
    data = conn.execute(select(s.c.data).where(s.c.name == name, s.c.fingerprint == fingerprint)).scalar()
    if data is None:
        return None
    collecting = gc.isenabled()
    gc.disable()  # millions of new containers, none of them garbage: the collector's passes only cost time
    try:
        state = _PlainData(io.BytesIO(data)).load()
    except Exception as exc:  # noqa: BLE001 — damaged bytes raise many kinds of error; each means "rebuild"
        log.warning("the %s snapshot is unreadable (%s: %s); rebuilding it", name, type(exc).__name__, exc)
        return None
    finally:
        if collecting:
            gc.enable()
    return state if isinstance(state, dict) else None
