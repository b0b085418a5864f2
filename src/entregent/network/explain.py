"""The engine's measures of a network, with their reasons written as translatable sentences."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

import numpy as np
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from entregent.engine import circles
from entregent.engine.measures import Measures, Reason, fit, measure, reasons
from entregent.engine.snapshot import Snapshot
from entregent.network.models import Preferences
from entregent.network.snapshots import fits_of, load_network, store_fits

ASK_PHRASES = (
    gettext_lazy("information"),
    gettext_lazy("advice"),
    gettext_lazy("an introduction"),
    gettext_lazy("a recommendation"),
    gettext_lazy("business (a job, a contract)"),
)
LEVEL_PHRASES = (
    gettext_lazy("No sign they know you."),
    gettext_lazy("They reply."),
    gettext_lazy("They take the initiative."),
    gettext_lazy("They recommend or introduce you."),
)
CAP_PHRASES = (
    gettext_lazy("they show no sign of knowing you"),
    gettext_lazy("they reply but have never taken the initiative"),
    gettext_lazy("they have never recommended or introduced you"),
)


# The measures' names, as the person page and `entregent show` title them.
MEASURE_TITLES = {
    "strength": gettext_lazy("Tie strength"),
    "circle": gettext_lazy("Circle"),
    "drift": gettext_lazy("Drift"),
    "reciprocity": gettext_lazy("Initiative"),
    "ledger": gettext_lazy("Favour ledger"),
    "recognition": gettext_lazy("Do they know me?"),
    "ask": gettext_lazy("The ask they can bear"),
}


def cadence_label(days: float) -> str:
    """ "weekly", "monthly"… for a circle's cadence in days."""
    labels = {7.0: _("weekly"), 30.0: _("monthly"), 90.0: _("quarterly"), 365.0: _("yearly")}
    return labels.get(float(days), _("no set cadence"))


def circle_label(circle: int) -> str:
    """ "the 5", "the 15"… or "outside the circles"."""
    if circle >= circles.OUTSIDE:
        return _("outside the circles")
    return _("the %(size)d") % {"size": circles.CUTS[circle]}


def percent(p: float) -> str:
    """A probability as a whole percentage."""
    return f"{round(100 * p)} %"


def duration(days: float) -> str:
    """A span in days as people say it: "12 days", "8 months", "2 years"."""
    if days < 1:
        return _("less than a day")  # "0 days ago" reads as a mistake
    if days < 60:
        n = int(days)
        return ngettext("%(n)d day", "%(n)d days", n) % {"n": n}
    if days < 730:
        n = round(days / 30.44)
        return ngettext("%(n)d month", "%(n)d months", n) % {"n": n}
    n = int(days // 365)
    return ngettext("%(n)d year", "%(n)d years", n) % {"n": n}


def _ask_sentence(rs: list[Reason]) -> str:
    """One plain sentence: the ask, and what holds it back or lifts it."""
    rung, base = int(rs[0].values["rung"]), int(rs[0].values["base"])
    why = []
    for r in rs[1:]:
        if r.code == "ask_capped_recognition":
            why.append(str(CAP_PHRASES[min(int(r.values["level"]), 2)]))
        elif r.code == "ask_quiet":
            why.append(
                _("you have not been in touch for %(duration)s")
                % {"duration": duration(float(r.values["days"]))}
            )
        elif r.code == "ask_never":
            why.append(_("you have never been in touch"))
        elif r.code == "ask_owing":
            why.append(
                _("the last two favours went your way")
                if r.values["one_way"]
                else _("you have received more than you gave")
            )
    ask = ASK_PHRASES[rung]
    if rung < base and why:
        return _("Ask for %(ask)s, not %(more)s: %(why)s.") % {
            "ask": ask,
            "more": ASK_PHRASES[rung + 1],
            "why": _(" and ").join(why),
        }
    if any(r.code == "ask_credit" for r in rs):
        return _("Ask for %(ask)s: you have given more than you received.") % {"ask": ask}
    return _("Ask for %(ask)s: what this circle can bear.") % {"ask": ask}


def sentence(r: Reason) -> str:
    """A reason as a sentence in the active language."""
    v: dict[str, Any] = dict(r.values)
    code = r.code
    if code == "strength":
        return (
            ngettext(
                "Strength %(value)s from %(days)d day of contact (half-life %(half_life)d days).",
                "Strength %(value)s from %(days)d days of contact (half-life %(half_life)d days).",
                int(v["days"]),
            )
            % v
        )
    if code == "declared_floor":
        return _("Raised to what your declared closeness implies.")
    if code == "circle":
        return _("In your %(size)d circle (rank %(rank)d).") % v
    if code == "dormant":
        return _("Dormant: not enough contact to place them in a circle.")
    if code == "alive":
        values = {
            "ago": duration(v["silence_days"]),
            "alive": percent(v["p_alive"]),
            "contact": percent(v["p_contact"]),
            "h": v["half_life"],
            "contact_h": percent(v["p_contact_half_life"]),
        }
        if v["half_life"] == 90:  # the two horizons coincide: say it once
            return (
                _(
                    "Last contact %(ago)s ago; still alive: %(alive)s; "
                    "contact in the next 90 days: %(contact)s."
                )
                % values
            )
        return (
            _(
                "Last contact %(ago)s ago; still alive: %(alive)s; contact in the next 90 days: "
                "%(contact)s, in the next %(h)d days: %(contact_h)s."
            )
            % values
        )
    if code == "never":
        return _("No contact recorded.")
    if code == "silence_over_cadence":
        return _("Silent for %(duration)s, more than twice this circle's %(cadence)s cadence.") % {
            "duration": duration(v["days"]),
            "cadence": cadence_label(v["cadence_days"]),
        }
    if code == "unlikely_contact":
        return _("Contact within %(days)d days is unlikely (%(p)s).") % {
            "days": v["days"],
            "p": percent(v["p"]),
        }
    if code == "initiative":
        return _(
            "Initiative over two years: you %(me)d, them %(them)d, together %(mutual)d (your "
            "share %(rho)s, 90%% interval %(low)s–%(high)s)."
        ) % {**v, "rho": percent(v["rho"]), "low": percent(v["low"]), "high": percent(v["high"])}
    if code == "i_always_initiate":
        return _("You nearly always make the first move.")
    if code == "they_always_initiate":
        return _("They nearly always make the first move: answer them.")
    if code == "ledger":
        return (
            _(
                "Favours: you gave %(given)d, received %(received)d (weighted balance "
                "%(balance)+.1f)."
            )
            % v
        )
    if code == "recognition":
        known = _("They know %(n)d of your offers.") % {"n": v["offers_known"]}
        return f"{LEVEL_PHRASES[int(v['level'])]} {known}"
    if code == "recognition_manual":
        return _("Set by hand (the evidence says level %(inferred)d).") % v
    raise ValueError(f"no sentence for reason {code!r}")


@dataclass(frozen=True)
class NetworkView:
    """A user's snapshot and measures, computed once for a command or a page."""

    snapshot: Snapshot
    measures: Measures
    observed: np.ndarray  # links seen in shared meetings: person ids a, b and a strength
    links: np.ndarray  # declared links, the same way

    def explain(self, person_id: int) -> dict[str, list[str]]:
        """Every measure of one person as sentences, by measure name."""
        i = self.measures.index(person_id)
        out = {}
        for name, rs in reasons(self.measures, i).items():
            out[name] = [_ask_sentence(rs)] if name == "ask" else [sentence(r) for r in rs]
        return out


def capacity_of(owner: AbstractBaseUser) -> int:
    """The user's capacity: their own setting, else the server's default."""
    own = Preferences.objects.filter(owner=owner).values_list("capacity", flat=True).first()
    return own or settings.ENTREGENT_CAPACITY


def network_view(owner: AbstractBaseUser, now: dt.datetime) -> NetworkView:
    """The stored (or freshly built) network arrays, measured at `now`.

    The half-life and MBG/NBD parameters are fitted at the start of `now`'s day (local time)
    and kept beside the arrays until the network changes, so every view of a day shares them
    and the result depends on `now` only, never on what ran before.
    """
    net = load_network(owner)
    local = timezone.localtime(now)
    day = local.date().isoformat()
    fits = fits_of(net, day)
    if fits is None:
        fits = fit(net.snapshot, local.replace(hour=0, minute=0, second=0, microsecond=0))
        store_fits(owner, net, day, *fits)
    m = measure(net.snapshot, now, capacity=capacity_of(owner), half_life=fits[0], params=fits[1])
    return NetworkView(net.snapshot, m, net.observed, net.links)
