"""The health page tells faults apart by kind and shows X's reads and estimated spend against its budget."""

from __future__ import annotations

from summitpulse.store import x_reads
from summitpulse.store.engine import log_event

from .test_pages_alerts_recaps import _app, demo_copy  # noqa: F401 (a fixture)

HOSTILE = "<script>alert(1)</script>"


def test_faults_by_kind_and_x_spend(demo_copy):  # noqa: F811
    with demo_copy.begin() as conn:
        for kind in ("dropped", "dropped", "server_error", "bad_page"):
            log_event(conn, "bluesky:search:#somesummit", kind, f"{kind} {HOSTILE}")
        x_reads.record(conn, [f"post:{i}" for i in range(2000)] + [f"user:{i}" for i in range(800)])
    at = _app("health")
    assert not at.exception
    kinds = next(f.value for f in at.dataframe if "kind" in f.value.columns and "count" in f.value.columns)
    counted = dict(zip(kinds.kind, kinds["count"]))
    assert counted["connection dropped"] == 2 and counted["server error (5xx, bad gateway)"] == 1
    metrics = {m.label: m.value for m in at.metric}
    assert metrics["Posts read"] == "2,000" and metrics["Estimated spend"] == "$18.00"
    assert any("near its budget" in w.value for w in at.warning)  # $18 of the default $20
