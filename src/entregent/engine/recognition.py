"""Recognition, "do they know me?": a level from 0 to 3 inferred from evidence, overridable.

0 no sign they know me · 1 they reply (a mutual contact, a meeting or call they accepted, or a
favour from them) · 2 they take the initiative · 3 they recommend or introduce me (a favour of
that rung, or an introduction made to or of the user). Each level needs evidence that the person
acts towards the user, not just that the user has their card (METHOD.md, unknown 3).
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np

from entregent.engine.reciprocity import GIVEN
from entregent.engine.snapshot import DIRECTIONS, KINDS, ME, RUNGS, Snapshot, at

_ME, _THEM, _MUTUAL = (DIRECTIONS.index(d) for d in ("me", "them", "mutual"))
_ACCEPTED = (KINDS.index("meeting"), KINDS.index("call"))  # a meeting or call took two
_VOUCHING = (RUNGS.index("introduction"), RUNGS.index("recommendation"))


@dataclass(frozen=True)
class Recognition:
    """Per relationship: the level used, the inferred one, and how many of my offers they know."""

    level: np.ndarray
    inferred: np.ndarray
    overridden: np.ndarray
    offers_known: np.ndarray


def recognition(snap: Snapshot, now: float) -> Recognition:
    """Infer the level from contacts, favours and introductions up to `now`."""
    return at(snap, now, "recognition", _recognition)


def _recognition(snap: Snapshot, now: float) -> Recognition:
    n = snap.n
    past = snap.ev_time <= now
    rel, direction, kind = snap.ev_rel[past], snap.ev_dir[past], snap.ev_kind[past]
    level = np.zeros(n, dtype=np.int64)
    from_them = (
        (snap.fx_receiver == ME)
        & (snap.fx_giver >= 0)
        & (snap.fx_state == GIVEN)
        & (snap.fx_time <= now)
    )
    replied = (direction == _MUTUAL) | ((direction == _ME) & np.isin(kind, _ACCEPTED))
    level[rel[replied]] = 1
    level[snap.fx_giver[from_them]] = np.maximum(level[snap.fx_giver[from_them]], 1)
    level[rel[direction == _THEM]] = 2
    vouch = from_them & np.isin(snap.fx_rung, _VOUCHING)
    level[snap.fx_giver[vouch]] = 3
    introduced = (snap.intro_by >= 0) & (snap.intro_time <= now)
    level[snap.intro_by[introduced]] = 3
    override = snap.recognition_override >= 0
    used = np.where(override, snap.recognition_override, level)
    known = np.zeros(n, dtype=np.int64)
    if snap.told_rel.size and snap.my_offers.size:
        mine = np.isin(snap.told_offer, snap.my_offers) & (snap.told_time <= now)
        pairs = np.unique(np.stack((snap.told_rel[mine], snap.told_offer[mine])), axis=1)
        known = np.bincount(pairs[0], minlength=n) if pairs.size else known
    return Recognition(level=used, inferred=level, overridden=override, offers_known=known)
