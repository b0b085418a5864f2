"""Small hand-made snapshots for engine tests (no database)."""

from __future__ import annotations

import numpy as np

from entregent.engine.snapshot import DIRECTIONS, KINDS, RUNGS, Snapshot


def snapshot(n: int, events: list[tuple[int, float, str, str]] = (), **extra) -> Snapshot:
    """n relationships; events as (relationship, day, kind, direction)."""
    rows = sorted(events)
    return Snapshot(
        ids=np.arange(1, n + 1, dtype=np.int64),
        ev_rel=np.array([r[0] for r in rows], dtype=np.int64),
        ev_time=np.array([r[1] for r in rows], dtype=np.float64),
        ev_kind=np.array([KINDS.index(r[2]) for r in rows], dtype=np.int8),
        ev_dir=np.array([DIRECTIONS.index(r[3]) for r in rows], dtype=np.int8),
        **extra,
    )


def favours(rows: list[tuple[int, int, str, str, float]]) -> dict[str, np.ndarray]:
    """Favour arrays from (giver, receiver, rung, state, day); -1 is the user."""
    from entregent.engine.snapshot import EXCHANGE_STATES

    return {
        "fx_giver": np.array([r[0] for r in rows], dtype=np.int64),
        "fx_receiver": np.array([r[1] for r in rows], dtype=np.int64),
        "fx_rung": np.array([RUNGS.index(r[2]) for r in rows], dtype=np.int8),
        "fx_state": np.array([EXCHANGE_STATES.index(r[3]) for r in rows], dtype=np.int8),
        "fx_time": np.array([r[4] for r in rows], dtype=np.float64),
    }
