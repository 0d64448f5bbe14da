"""The in-room/remote labels on the hand-labelled set (tests/data/participation_eval.yaml): a guard that the
figures bench/participation.py prints do not fall. Goal: precision ≥ 0.85 per class, ≥ 60 % labelled."""

from summitpulse.analysis import evaluation, participation
from summitpulse.settings.config import load_config
from summitpulse.store.engine import ingest

from .conftest import ROOT


def test_labels_on_the_held_out_half_keep_their_precision_and_coverage(sqlite_engine):
    config = load_config(ROOT / "config.yaml")
    config = config.model_copy(
        update={
            "participants": config.participants.model_copy(
                update={"in_room_roster": None, "remote_roster": None, "identity_links": []}
            )
        }
    )
    labelled = evaluation.load(ROOT / "tests" / "data" / "participation_eval.yaml", config)
    ingest(sqlite_engine, labelled.batch)
    with sqlite_engine.connect() as conn:
        people = participation.classify(conn, config)
    held = evaluation.scores(people, {k: v for k, v in labelled.truth.items() if k in labelled.held_out})
    assert held["participants"] == 45
    assert held["in_room"]["precision"] >= 0.85 and held["remote"]["precision"] >= 0.85
    assert held["coverage"] >= 0.60  # 0.64 measured
