"""The ask ladder: the heaviest ask a relationship can bear now, and what holds it back.

information < advice < introduction < recommendation < business. The starting rung follows the
circle (the closer, the more one may ask), one higher when the user gave more than received;
what the person knows of the user caps it (nobody recommends someone they do not know, and
business is asked only of someone who already vouched for the user); a relationship gone quiet,
or a ledger tilted towards the user, takes one rung off.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

BASE_BY_CIRCLE = np.array([4, 3, 2, 1, 0, 0])  # circle 5 … 500, then outside
CAP_BY_RECOGNITION = np.array([0, 1, 3, 4])  # level 0 … 3
BALANCE_THRESHOLD = 2.0  # one piece of advice, in rung-weighted, decayed units


@dataclass(frozen=True)
class Asks:
    """Per relationship: the rung (index in RUNGS) and which factor set or moved it."""

    rung: np.ndarray
    base: np.ndarray  # what the circle and the ledger alone would allow
    capped: np.ndarray  # recognition alone holds it below `base`
    quiet: np.ndarray  # one rung off for silence or a likely-dead tie
    owing: np.ndarray  # one rung off: the user received more than gave
    credit: np.ndarray  # one rung up: the user gave more than received


def bearable(circle: np.ndarray, level: np.ndarray, balance: np.ndarray, quiet: np.ndarray) -> Asks:
    """Compute the rung per relationship from circle, recognition, silence and balance."""
    owing = balance <= -BALANCE_THRESHOLD
    credit = balance >= BALANCE_THRESHOLD
    base = np.minimum(BASE_BY_CIRCLE[circle] + credit.astype(np.int64), 4)
    cap = CAP_BY_RECOGNITION[np.clip(level, 0, 3)]
    moved = base - quiet.astype(np.int64) - owing.astype(np.int64)
    rung = np.clip(np.minimum(moved, cap), 0, 4)
    return Asks(rung=rung, base=base, capped=base > cap, quiet=quiet, owing=owing, credit=credit)
