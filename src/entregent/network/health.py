"""Network health: contacts against the real network, circles against Dunbar's sizes, load
against capacity, reciprocity and recognition coverage, open loops — now and at each of the
last twelve month ends, recomputed from the history as it stood then."""

from __future__ import annotations

import datetime as dt
from dataclasses import asdict, dataclass, field
from typing import Any

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from entregent.engine import circles
from entregent.engine.measures import Measures, measure
from entregent.network.explain import NetworkView, capacity_of, network_view
from entregent.network.models import Person, Task
from entregent.network.snapshots import load_network

INNER = 2  # circle index of the 50
LOOP_KINDS = (Task.Kind.THANK, Task.Kind.REPORT_OUTCOME)


@dataclass
class Point:
    """The network's health at one moment."""

    at: str  # ISO date
    contacts: int
    real: int
    active: int
    capacity: int
    circles: list[int]  # people within the 5, 15, 50 and 150 (cumulative)
    two_way: int  # active ties where they also take the initiative
    one_way: int  # active ties where one side nearly always starts
    owing: int  # ties where I received clearly more than I gave
    inner: int  # people in the inner 50
    inner_know_offer: int  # of them, those who know at least one of my offers
    open_loops: int
    overdue_loops: int

    def as_dict(self) -> dict[str, Any]:
        return asdict(self)


@dataclass
class Health:
    """Now, the trend at month ends (oldest first), and what deserves attention, in words."""

    now: Point
    trend: list[Point]
    notes: list[str] = field(default_factory=list)


def month_ends(now: dt.datetime, months: int = 12) -> list[dt.datetime]:
    """The last `months` month ends before `now` (end of day, local time), oldest first."""
    local = timezone.localtime(now)
    first_of_month = local.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    out = []
    for _k in range(months):
        end = first_of_month - dt.timedelta(microseconds=1)
        out.append(end)
        first_of_month = end.replace(day=1, hour=0, minute=0, second=0, microsecond=0)
    return out[::-1]


def _point(m: Measures, at: dt.datetime, contacts: int, loops: list[tuple]) -> Point:
    """One point from the measures at `at`, the contacts added by then, and loops open then."""
    active_ties = m.circle < circles.ACTIVE_CIRCLES
    cumulative = np.cumsum(np.bincount(m.circle, minlength=circles.OUTSIDE + 1))
    inner = m.circle <= INNER
    day = timezone.localdate(at)
    stamp = at.timestamp()
    open_loops = [
        due
        for start, done, due in loops
        if start.timestamp() <= stamp and (done is None or done.timestamp() > stamp)
    ]
    return Point(
        at=day.isoformat(),
        contacts=contacts,
        real=int(m.real.sum()),
        active=m.load.active,
        capacity=m.load.capacity,
        circles=[int(v) for v in cumulative[: circles.ACTIVE_CIRCLES]],
        two_way=int((active_ties & m.two_way).sum()),
        one_way=int((active_ties & m.initiative.imbalanced).sum()),
        owing=int((m.ledger.balance <= -2.0).sum()),
        inner=int(inner.sum()),
        inner_know_offer=int((inner & (m.recognition.offers_known > 0)).sum()),
        open_loops=len(open_loops),
        overdue_loops=sum(1 for due in open_loops if due is not None and due < day),
    )


def _history(owner: AbstractBaseUser) -> tuple[np.ndarray, list]:
    """When each contact was added (seconds), and the gratitude loops (opened, closed, due)."""
    created = np.array(
        [
            c.timestamp()
            for c in Person.objects.filter(owner=owner, is_me=False).values_list(
                "created_at", flat=True
            )
        ],
        dtype=np.float64,
    )
    return created, _loops(owner)


def _loops(owner: AbstractBaseUser, *, open_only: bool = False) -> list[tuple]:
    """The gratitude loops (opened, closed, due), all or only those still open."""
    tasks = Task.objects.filter(owner=owner, kind__in=LOOP_KINDS)
    if open_only:
        tasks = tasks.filter(done_at=None)
    return list(tasks.values_list("created_at", "done_at", "due"))


def health(owner: AbstractBaseUser, now: dt.datetime, *, months: int = 12) -> Health:
    """Health now and at the last `months` month ends (each measured from the history then)."""
    snap = load_network(owner).snapshot
    capacity = capacity_of(owner)
    created, loops = _history(owner)
    trend = [
        _point(
            measure(snap, at, capacity=capacity), at, int((created <= at.timestamp()).sum()), loops
        )
        for at in month_ends(now, months)
    ]
    contacts = int((created <= now.timestamp()).sum())
    current = _point(measure(snap, now, capacity=capacity), now, contacts, loops)
    return Health(current, trend, _notes(current))


def now_point(owner: AbstractBaseUser, now: dt.datetime, view: NetworkView | None = None) -> Point:
    """Health at `now` only (the strip of the home page), from the day's shared measures."""
    view = view or network_view(owner, now)
    contacts = Person.objects.filter(owner=owner, is_me=False, created_at__lte=now).count()
    return _point(view.measures, now, contacts, _loops(owner, open_only=True))


def _notes(p: Point) -> list[str]:
    """What deserves attention, most pressing first."""
    notes = []
    if p.overdue_loops:
        notes.append(
            ngettext(
                "%(n)d gratitude loop is overdue: close it first.",
                "%(n)d gratitude loops are overdue: close them first.",
                p.overdue_loops,
            )
            % {"n": p.overdue_loops}
        )
    if p.active > p.capacity:
        notes.append(
            _(
                "You keep %(active)d active relationships for a capacity of %(capacity)d: "
                "choose whom to let go rather than let them fade."
            )
            % {"active": p.active, "capacity": p.capacity}
        )
    if p.inner and p.inner_know_offer < p.inner / 2:
        notes.append(
            _("Only %(n)d of your %(inner)d closest know what you offer: tell them.")
            % {"n": p.inner_know_offer, "inner": p.inner}
        )
    if p.one_way:
        notes.append(
            ngettext(
                "%(n)d active relationship runs one way: restore the balance.",
                "%(n)d active relationships run one way: restore the balance.",
                p.one_way,
            )
            % {"n": p.one_way}
        )
    if p.contacts and p.real < p.contacts / 10:
        notes.append(
            _(
                "Only %(real)d of your %(contacts)d contacts are a real network: alive, "
                "two-way, and they know you."
            )
            % {"real": p.real, "contacts": p.contacts}
        )
    return notes


@dataclass
class CircleRow:
    """One Dunbar circle: how many people it holds and what keeping them up costs."""

    circle: int  # index: 0 = the 5, …, 4 = the 500
    cut: int  # 5, 15, 50, 150 or 500
    people: int
    dunbar_size: int  # the layer's own size (the 15 holds 10 beyond the 5)
    cadence_days: float | None  # None for the 500, which has no maintenance cadence
    contacts_per_week: float  # what its cadence asks of the user (0 for the 500)


@dataclass
class Overview:
    """The circles, the load against capacity and the real network: what `entregent network`
    prints and the Network screen shows, computed once for both."""

    at: dt.datetime
    half_life_days: float
    half_life_reason: str
    circles: list[CircleRow]
    outside_circles: int
    active: int
    capacity: int
    contacts_per_week: float
    minutes_per_week: int
    let_go: list[tuple[int, str]]  # (person id, name) to move outward on purpose, weakest first
    contacts: int
    alive: int
    two_way: int
    recognised: int
    real: int
    drifting: int

    @property
    def over_capacity(self) -> int:
        return max(0, self.active - self.capacity)

    def as_dict(self) -> dict[str, Any]:
        """The machine-readable form (`entregent network --json`)."""
        return {
            "at": self.at.isoformat(),
            "half_life_days": self.half_life_days,
            "half_life_reason": self.half_life_reason,
            "circles": [
                {
                    "circle": row.cut,
                    "people": row.people,
                    "dunbar_size": row.dunbar_size,
                    "cadence_days": row.cadence_days,
                    "contacts_per_week": row.contacts_per_week,
                }
                for row in self.circles
            ],
            "outside_circles": self.outside_circles,
            "active": self.active,
            "capacity": self.capacity,
            "contacts_per_week": self.contacts_per_week,
            "minutes_per_week": self.minutes_per_week,
            "let_go": [name for _pk, name in self.let_go],
            "contacts": self.contacts,
            "alive": self.alive,
            "two_way": self.two_way,
            "recognised": self.recognised,
            "real": self.real,
            "drifting": self.drifting,
        }


def overview(
    owner: AbstractBaseUser, now: dt.datetime, view: NetworkView | None = None
) -> Overview:
    """Circles with their cadence and weekly load, the active network against capacity (and
    whom to let go), and how many contacts are a real network; one query for the names."""
    view = view or network_view(owner, now)
    m = view.measures
    load = m.load
    previous = 0
    rows = []
    for k, cut in enumerate(circles.CUTS):
        members = m.circle == k
        per_week = float((7.0 / m.cadence[members]).sum()) if k < circles.ACTIVE_CIRCLES else 0.0
        rows.append(
            CircleRow(
                circle=k,
                cut=cut,
                people=int(members.sum()),
                dunbar_size=cut - previous,
                cadence_days=None
                if not np.isfinite(circles.CADENCE_DAYS[k])
                else circles.CADENCE_DAYS[k],
                contacts_per_week=round(per_week, 1),
            )
        )
        previous = cut
    let_go_ids = [int(p) for p in m.ids[load.let_go]]
    names = dict(
        Person.objects.filter(owner=owner, pk__in=let_go_ids).values_list("pk", "full_name")
    )
    return Overview(
        at=now,
        half_life_days=m.half_life.half_life,
        half_life_reason=m.half_life.reason,
        circles=rows,
        outside_circles=int((m.circle == circles.OUTSIDE).sum()),
        active=load.active,
        capacity=load.capacity,
        contacts_per_week=round(load.contacts_per_week, 1),
        minutes_per_week=round(load.minutes_per_week),
        let_go=[(pk, names[pk]) for pk in let_go_ids],
        contacts=int(m.ids.size),
        alive=int(m.alive.sum()),
        two_way=int(m.two_way.sum()),
        recognised=int(m.recognised.sum()),
        real=int(m.real.sum()),
        drifting=int(m.drifting.sum()),
    )
