"""Drift: is a relationship still alive, and will it see contact soon? The MBG/NBD model.

The modified beta-geometric / negative binomial model (Batislam, Denizel & Filiztekin 2007,
"Empirical validation and comparison of models for customer base analysis", IJRM 24(3)) treats
each relationship's distinct active days as a Poisson process with a gamma-distributed rate
(r, α), which may end, with a beta-distributed probability (a, b), at its start or right after
any active day. From x (active days after the first), t_x (first to last, in days) and T (first
to now) it gives P(alive) and the chance of contact in the next t days.
"""

from __future__ import annotations

from dataclasses import dataclass

import numpy as np
from scipy.optimize import minimize
from scipy.special import expit, gammaln

from entregent.engine.strength import ActiveDays

FIT_MIN_RELATIONSHIPS = 100
FIT_SAMPLE = 5000  # the likelihood is fitted on at most this many relationships (evenly spread)


@dataclass(frozen=True)
class MBGParams:
    """Population parameters: rate ~ Gamma(r, α) per day; end probability ~ Beta(a, b)."""

    r: float
    alpha: float
    a: float
    b: float
    fitted: bool = False


# Reference parameters (in days), used below 100 relationships: one active day every 40 days on
# average (r/α = 0.025) with wide differences between ties (shape r = 0.45), and a one-in-eight
# chance that a given active day is the last (a/(a+b) ≈ 0.13). Chosen for professional networks,
# not fitted: the demo network's own fit (r 0.56, α 18) has the same mean rate; CollegeMsg's
# (r ≈ 2, α ≈ 6, a/(a+b) ≈ 0.6) describes a far faster and more fickle messaging network.
REFERENCE = MBGParams(r=0.45, alpha=18.0, a=0.9, b=6.0)


@dataclass(frozen=True)
class Histories:
    """Per relationship: x, t_x, T in days, and whether it ever had contact."""

    x: np.ndarray
    t_x: np.ndarray
    T: np.ndarray
    seen: np.ndarray
    last: np.ndarray  # day of the last contact (nan when none)


def histories(days: ActiveDays, now: float) -> Histories:
    """Summarise active days into the model's (x, t_x, T), one row per relationship."""
    n = days.n
    count = np.bincount(days.rel, minlength=n)
    first = np.full(n, np.nan)
    last = np.full(n, np.nan)
    if days.rel.size:
        # Rows are sorted by relationship then day: the first and last rows of each block.
        starts = np.flatnonzero(np.concatenate(([True], days.rel[1:] != days.rel[:-1])))
        ends = np.concatenate((starts[1:], [days.rel.size])) - 1
        first[days.rel[starts]] = days.day[starts]
        last[days.rel[ends]] = days.day[ends]
    seen = count > 0
    x = np.where(seen, count - 1, 0).astype(np.float64)
    t_x = np.where(seen, last - first, 0.0)
    T = np.where(seen, np.maximum(now - first, t_x), 0.0)
    return Histories(x=x, t_x=t_x, T=T, seen=seen, last=last)


def log_likelihood(params: MBGParams, x: np.ndarray, t_x: np.ndarray, T: np.ndarray) -> np.ndarray:
    """Per-relationship log-likelihood of MBG/NBD (Batislam et al. 2007, eq. 3).

    L = Γ(r+x) α^r / Γ(r) · B(a, b+x+1) / B(a, b) · [(α+T)^−(r+x) + a/(b+x) (α+t_x)^−(r+x)]
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    head = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    beta = gammaln(a + b) + gammaln(b + x + 1) - gammaln(b) - gammaln(a + b + x + 1)
    gone = -(r + x) * np.log(alpha + T)
    alive = np.log(a) - np.log(b + x) - (r + x) * np.log(alpha + t_x)
    return head + beta + np.logaddexp(gone, alive)


def fit(h: Histories, start: MBGParams = REFERENCE) -> MBGParams:
    """Maximum-likelihood population parameters, or the reference ones when data is scarce.

    1. Keep relationships with at least one active day; with fewer than 100 of them, or fewer
       than 100 with a repeat contact, return the reference.
    2. Take at most 5,000 of them, evenly spread (deterministic).
    3. Minimise the negative log-likelihood over log-parameters with L-BFGS-B; a solution at
       the bounds (e^±8) means the data cannot identify the model: keep the reference.
    """
    idx = np.flatnonzero(h.seen)
    # Repeat contacts carry the information about rates and endings: without enough of them
    # (a freshly imported address book) the likelihood runs off to its bounds.
    if idx.size < FIT_MIN_RELATIONSHIPS or np.count_nonzero(h.x[idx] >= 1) < FIT_MIN_RELATIONSHIPS:
        return start
    if idx.size > FIT_SAMPLE:
        idx = idx[np.linspace(0, idx.size - 1, FIT_SAMPLE).astype(np.int64)]
    x, t_x, T = h.x[idx], h.t_x[idx], h.T[idx]

    def loss(theta: np.ndarray) -> float:
        r, alpha, a, b = np.exp(theta)
        value = -log_likelihood(MBGParams(r, alpha, a, b), x, t_x, T).sum()
        return float(value) if np.isfinite(value) else 1e300

    theta0 = np.log([start.r, start.alpha, start.a, start.b])
    result = minimize(loss, theta0, method="L-BFGS-B", bounds=[(-8.0, 8.0)] * 4)
    if not np.isfinite(result.fun) or np.any(np.abs(result.x) > 7.9):
        return start  # a parameter at its bound: the data cannot pin the model down
    r, alpha, a, b = np.exp(result.x)
    return MBGParams(float(r), float(alpha), float(a), float(b), fitted=True)


def p_alive(params: MBGParams, h: Histories) -> np.ndarray:
    """P(the relationship is still alive); 0 for one that never had contact.

    P = 1 / (1 + a/(b+x) · ((α+T)/(α+t_x))^(r+x))  (Batislam et al. 2007, eq. 5)
    """
    r, alpha, a, b = params.r, params.alpha, params.a, params.b
    log_ratio = (r + h.x) * (np.log(alpha + h.T) - np.log(alpha + h.t_x))
    value = expit(-(np.log(a) - np.log(b + h.x) + log_ratio))  # 1/(1+e^z) without overflow
    return np.where(h.seen, value, 0.0)


def p_contact_within(
    params: MBGParams, h: Histories, alive: np.ndarray, horizon: float
) -> np.ndarray:
    """P(at least one active day in the next `horizon` days).

    Deaths happen only at active days, so with no contact the relationship cannot end in the
    window: P = P(alive) · (1 − ((α+T)/(α+T+t))^(r+x)), the gamma posterior of the rate.
    """
    r, alpha = params.r, params.alpha
    quiet = np.exp((r + h.x) * (np.log(alpha + h.T) - np.log(alpha + h.T + horizon)))
    return alive * (1.0 - quiet)
