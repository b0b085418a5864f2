"""Every measure of a network at `now`, computed together, with the reasons behind each.

This is the engine's front door: `measure(snapshot, now)` returns one `Measures` whose arrays
are indexed by relationship; `reasons(measures, i)` lists, as codes with numbers, why relationship
i is where it is. The layers above turn codes into sentences in the user's language.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

import numpy as np

from entregent.engine import asks, circles, drift, reciprocity, recognition, strength
from entregent.engine.snapshot import Snapshot, to_days

DRIFT_HORIZON = 90.0  # days: "P(at least one contact in the next 90 days)"
ALIVE_THRESHOLD = 0.5
REAL_RECENT_DAYS = 365.0  # a real relationship had contact within the last year
ESTABLISHED_DAYS = 3  # only a tie with at least three days of contact can drift


@dataclass(frozen=True)
class Reason:
    """One plain fact behind a measure: a code and the numbers a sentence needs."""

    code: str
    values: dict[str, float | int | str]


@dataclass(frozen=True)
class Measures:
    """All measures of one network at one moment, arrays indexed by relationship."""

    now: float
    ids: np.ndarray
    half_life: strength.HalfLifeFit
    params: drift.MBGParams
    observed: np.ndarray  # strength from contacts alone
    strength: np.ndarray  # with the declared closeness floor
    circle: np.ndarray
    rank: np.ndarray
    cadence: np.ndarray
    last_contact: np.ndarray  # day, nan when never
    silence: np.ndarray  # days since last contact, inf when never
    active_days: np.ndarray  # distinct days with contact, all history
    p_alive: np.ndarray
    p_contact: np.ndarray  # P(≥ 1 contact in the next 90 days)
    p_cadence: np.ndarray  # P(≥ 1 contact within the circle's cadence, 90 days at least)
    p_contact_half_life: np.ndarray  # P(≥ 1 contact in the next h days)
    drifting: np.ndarray
    initiative: reciprocity.Initiative
    ledger: reciprocity.Ledger
    recognition: recognition.Recognition
    asks: asks.Asks
    alive: np.ndarray
    two_way: np.ndarray
    recognised: np.ndarray
    real: np.ndarray
    load: circles.Load

    def index(self, person_id: int) -> int:
        """Relationship index of a person id (raises KeyError when absent); ids are sorted."""
        i = int(np.searchsorted(self.ids, person_id))
        if i >= len(self.ids) or self.ids[i] != person_id:
            raise KeyError(person_id)
        return i

    def drift_order(self) -> np.ndarray:
        """Drifting relationships, most worth saving first: strongest, then least likely back."""
        idx = np.flatnonzero(self.drifting)
        return idx[np.lexsort((self.ids[idx], self.p_contact[idx], -self.strength[idx]))]


def fit(snap: Snapshot, at: dt.datetime | float) -> tuple[strength.HalfLifeFit, drift.MBGParams]:
    """The two fitted parts of the measures (the half-life and the MBG/NBD parameters) at
    `at`, to reuse in `measure`: they cost more than every other measure together and move
    little within a day."""
    t = to_days(at)
    days = strength.active_days(snap, t)
    return strength.fit_half_life(days, t), drift.fit(drift.histories(days, t))


def measure(
    snap: Snapshot,
    now: dt.datetime | float,
    *,
    capacity: int = circles.DEFAULT_CAPACITY,
    half_life: float | strength.HalfLifeFit | None = None,
    params: drift.MBGParams | None = None,
) -> Measures:
    """Compute every measure at `now`.

    1. Distinct active days, tie strength (half-life fitted unless given), declared floor.
    2. Circles by rank of strength (a tie let go on purpose no closer than the 500), their
       cadences and the load against `capacity`.
    3. MBG/NBD drift: P(alive), P(contact within 90 days and within h days).
    4. Drifting: an established tie (≥ 3 active days) in the 150 or closer, with
       P(contact within max(90 days, its cadence)) < 0.5 or a silence over twice its cadence.
    5. Initiative balance, favour ledger, recognition, the ask each relationship can bear.
    6. Real network: alive, two-way and recognised.
    """
    t = to_days(now)
    days = strength.active_days(snap, t)
    observed, effective, fit = strength.strength(snap, t, half_life, days)
    circle, rank = circles.assign(effective, snap.ids, fit.half_life)
    # A tie let go on purpose sits in the 500 at most: no cadence to keep, no drift alarm.
    released = snap.released_time <= t  # as it stood at `now`: the past is not rewritten
    circle[released] = np.maximum(circle[released], circles.ACTIVE_CIRCLES)
    cadence = circles.cadence(circle)
    hist = drift.histories(days, t)
    fitted = params if params is not None else drift.fit(hist)
    alive_p = drift.p_alive(fitted, hist)
    p90 = drift.p_contact_within(fitted, hist, alive_p, DRIFT_HORIZON)
    p_h = drift.p_contact_within(fitted, hist, alive_p, fit.half_life)
    # A yearly tie is not drifting because it will likely be quiet for 90 days: the horizon is
    # the circle's cadence when that is longer than 90 days.
    horizon = np.maximum(np.minimum(cadence, 365.0), DRIFT_HORIZON)
    p_cadence = drift.p_contact_within(fitted, hist, alive_p, horizon)
    silence = np.where(hist.seen, t - hist.last, np.inf)
    established = np.bincount(days.rel, minlength=snap.n) >= ESTABLISHED_DAYS
    drifting = (
        (circle < circles.ACTIVE_CIRCLES)
        & established
        & ((p_cadence < 0.5) | (silence > 2.0 * cadence))
    )
    init = reciprocity.initiative(snap, t)
    led = reciprocity.ledger(snap, t)
    rec = recognition.recognition(snap, t)
    quiet = drifting | (hist.seen & (alive_p < ALIVE_THRESHOLD))
    ask = asks.bearable(circle, rec.level, led.balance, quiet)
    alive = (alive_p >= ALIVE_THRESHOLD) & (silence <= REAL_RECENT_DAYS)
    two_way = (init.by_them + init.mutual) > 0
    recognised = rec.level >= 1
    return Measures(
        now=t,
        ids=snap.ids,
        half_life=fit,
        params=fitted,
        observed=observed,
        strength=effective,
        circle=circle,
        rank=rank,
        cadence=cadence,
        last_contact=hist.last,
        silence=silence,
        active_days=np.bincount(days.rel, minlength=snap.n),
        p_alive=alive_p,
        p_contact=p90,
        p_cadence=p_cadence,
        p_contact_half_life=p_h,
        drifting=drifting,
        initiative=init,
        ledger=led,
        recognition=rec,
        asks=ask,
        alive=alive,
        two_way=two_way,
        recognised=recognised,
        real=alive & two_way & recognised,
        load=circles.load(circle, effective, snap.ids, fit.half_life, capacity, released=released),
    )


def reasons(m: Measures, i: int) -> dict[str, list[Reason]]:
    """Why relationship i measures as it does, per measure, as codes with numbers."""
    out: dict[str, list[Reason]] = {}
    declared_wins = m.strength[i] > m.observed[i]
    out["strength"] = [
        Reason(
            "strength",
            {
                "value": round(float(m.strength[i]), 1),
                "days": int(m.active_days[i]),
                "half_life": int(m.half_life.half_life),
            },
        )
    ]
    if declared_wins:
        out["strength"].append(Reason("declared_floor", {}))
    if m.circle[i] < circles.OUTSIDE:
        out["circle"] = [
            Reason("circle", {"size": circles.CUTS[m.circle[i]], "rank": int(m.rank[i]) + 1})
        ]
    else:
        out["circle"] = [Reason("dormant", {})]
    if np.isfinite(m.silence[i]):
        out["drift"] = [
            Reason(
                "alive",
                {
                    "p_alive": round(float(m.p_alive[i]), 2),
                    "p_contact": round(float(m.p_contact[i]), 2),
                    "p_contact_half_life": round(float(m.p_contact_half_life[i]), 2),
                    "half_life": int(m.half_life.half_life),
                    "silence_days": round(float(m.silence[i])),
                },
            )
        ]
    else:
        out["drift"] = [Reason("never", {})]
    if m.drifting[i]:
        if m.silence[i] > 2.0 * m.cadence[i]:
            out["drift"].append(
                Reason(
                    "silence_over_cadence",
                    {"days": round(float(m.silence[i])), "cadence_days": int(m.cadence[i])},
                )
            )
        if m.p_cadence[i] < 0.5:
            horizon = int(max(min(m.cadence[i], 365.0), DRIFT_HORIZON))
            out["drift"].append(
                Reason("unlikely_contact", {"p": round(float(m.p_cadence[i]), 2), "days": horizon})
            )
    init = m.initiative
    balance = Reason(
        "initiative",
        {
            "me": int(init.by_me[i]),
            "them": int(init.by_them[i]),
            "mutual": int(init.mutual[i]),
            "rho": round(float(init.rho[i]), 2),
            "low": round(float(init.low[i]), 2),
            "high": round(float(init.high[i]), 2),
        },
    )
    out["reciprocity"] = [balance]
    if init.imbalanced[i]:
        out["reciprocity"].append(
            Reason("i_always_initiate" if init.low[i] > 0.5 else "they_always_initiate", {})
        )
    led = m.ledger
    out["ledger"] = [
        Reason(
            "ledger",
            {
                "balance": round(float(led.balance[i]), 1),
                "given": int(led.given[i]),
                "received": int(led.received[i]),
            },
        )
    ]
    rec = m.recognition
    out["recognition"] = [
        Reason(
            "recognition", {"level": int(rec.level[i]), "offers_known": int(rec.offers_known[i])}
        )
    ]
    if rec.overridden[i]:
        out["recognition"].append(Reason("recognition_manual", {"inferred": int(rec.inferred[i])}))
    a = m.asks
    ask_reasons = [Reason("ask", {"rung": int(a.rung[i]), "base": int(a.base[i])})]
    if a.capped[i]:
        ask_reasons.append(Reason("ask_capped_recognition", {"level": int(rec.level[i])}))
    if a.quiet[i] and np.isfinite(m.silence[i]):
        ask_reasons.append(Reason("ask_quiet", {"days": round(float(m.silence[i]))}))
    elif a.quiet[i]:
        ask_reasons.append(Reason("ask_never", {}))
    if a.owing[i]:
        ask_reasons.append(Reason("ask_owing", {"one_way": int(led.last_two_received[i])}))
    if a.credit[i]:
        ask_reasons.append(Reason("ask_credit", {}))
    out["ask"] = ask_reasons
    return out
