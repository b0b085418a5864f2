"""The demo network's generator: roles, human rhythms and a seeded source of names and dates.

`demo.py` turns what this produces into rows; keeping generation apart keeps both readable.
"""

from __future__ import annotations

import datetime as dt
import random
import zoneinfo
from dataclasses import dataclass

from django.contrib.auth.models import AbstractBaseUser

from entregent import demo_data as words
from entregent.engine.text import fold
from entregent.network.models import Organization, Tag

PARIS = zoneinfo.ZoneInfo("Europe/Paris")
HISTORY_DAYS = 3 * 365


@dataclass(frozen=True)
class Role:
    """A kind of relationship and its human rhythm."""

    tag: str
    gap_days: tuple[float, float]  # range of the mean gap between contacts
    kinds: tuple[tuple[str, float], ...]  # interaction kinds with weights
    me_initiates: tuple[float, float]  # range of the share of contacts the user initiates
    working_hours: bool
    cap: int  # at most this many people in the role, whatever the network size
    share: float  # share of the people beyond the fixed roles


ROLES = [
    Role("family", (5, 10), (("meeting", 4), ("call", 3), ("message", 5)), (0.4, 0.6), False, 4, 0),
    Role(
        "close friend",
        (9, 20),
        (("meeting", 4), ("call", 2), ("message", 4)),
        (0.3, 0.7),
        False,
        9,
        0,
    ),
    Role(
        "colleague",
        (7, 25),
        (("meeting", 5), ("email", 5), ("call", 2)),
        (0.3, 0.7),
        True,
        40,
        0.10,
    ),
    Role(
        "client", (18, 50), (("meeting", 3), ("email", 5), ("call", 3)), (0.4, 0.8), True, 40, 0.08
    ),
    Role(
        "former client",
        (25, 60),
        (("meeting", 2), ("email", 4), ("call", 2)),
        (0.3, 0.7),
        True,
        60,
        0.10,
    ),
    Role(
        "prospect",
        (40, 120),
        (("email", 4), ("meeting", 1), ("call", 1), ("social", 2)),
        (0.75, 0.95),
        True,
        50,
        0.07,
    ),
    Role(
        "friend",
        (35, 120),
        (("meeting", 3), ("message", 4), ("call", 1), ("social", 1)),
        (0.3, 0.7),
        False,
        60,
        0.12,
    ),
    Role(
        "acquaintance",
        (300, 700),
        (("social", 5), ("email", 2), ("meeting", 1)),
        (0.2, 0.8),
        False,
        10**9,
        0.53,
    ),
]
WORK_ROLES = {"colleague", "client", "former client", "prospect"}


def role_sizes(people: int) -> list[tuple[Role, int]]:
    """How many contacts each role gets for a network of `people` (the user excluded)."""
    fixed = [r for r in ROLES if r.share == 0]
    remaining = max(people - sum(r.cap for r in fixed), 0)
    sizes = []
    left = people
    for role in ROLES:
        n = role.cap if role.share == 0 else min(role.cap, round(remaining * role.share))
        n = min(n, left)
        sizes.append((role, n))
        left -= n
    # Whatever rounding left over goes to acquaintances, the outermost circle.
    role, n = sizes[-1]
    sizes[-1] = (role, n + left)
    return sizes


class Builder:
    """Generates the rows in memory with one seeded random source, then bulk-inserts them."""

    def __init__(self, owner: AbstractBaseUser, people: int, seed: int, today: dt.date) -> None:
        self.owner = owner
        self.n = people
        self.rng = random.Random(seed)
        self.today = today
        # History stops at midnight before `today`, so no contact lies in the user's future.
        self.now = dt.datetime.combine(today, dt.time(0, 0), tzinfo=PARIS)
        self.start = self.now - dt.timedelta(days=HISTORY_DAYS)
        self.emails: set[str] = set()
        self.phones: set[str] = set()
        self.tags: dict[str, Tag] = {}

    # Rows ------------------------------------------------------------------------------------

    def organizations(self) -> list[Organization]:
        orgs = [
            Organization(
                owner=self.owner, name=n, name_key=fold(n), domain=d, created_at=self.start
            )
            for n, d, _field in words.ORGANIZATIONS
        ]
        extra = max(0, self.n // 25 - len(orgs))
        for i in range(extra):
            name = (
                f"{self.rng.choice(['Société', 'Groupe', 'Studio', 'Atelier', 'Cabinet'])} "
                f"{self.rng.choice(words.FRENCH_LAST)} {i + 1}"
            )
            orgs.append(
                Organization(
                    owner=self.owner,
                    name=name,
                    name_key=fold(name),
                    domain=f"{fold(name).replace(' ', '-')}.fr",
                    created_at=self.start,
                )
            )
        return orgs

    def name(self) -> tuple[str, str]:
        if self.rng.random() < 0.8:
            first, last, lang = (
                self.rng.choice(words.FRENCH_FIRST),
                self.rng.choice(words.FRENCH_LAST),
                "fr",
            )
        else:
            first, last, lang = (
                self.rng.choice(words.ENGLISH_FIRST),
                self.rng.choice(words.ENGLISH_LAST),
                "en",
            )
        return f"{first} {last}", lang

    def email_for(self, full_name: str, domain: str) -> str:
        local = fold(full_name).replace(" ", ".").replace("'", "")
        candidate = f"{local}@{domain}"
        n = 2
        while candidate in self.emails:
            candidate = f"{local}{n}@{domain}"
            n += 1
        self.emails.add(candidate)
        return candidate

    def mobile(self) -> str:
        """A French mobile number in E.164, never given twice."""
        number = f"+336{self.rng.randrange(10**8):08d}"
        while number in self.phones:
            number = f"+337{self.rng.randrange(10**8):08d}"
        self.phones.add(number)
        return number

    def tag(self, name: str) -> Tag:
        if name not in self.tags:
            self.tags[name] = Tag(owner=self.owner, name=name, created_at=self.start)
        return self.tags[name]

    def moment(self, day: dt.datetime, work: bool) -> dt.datetime:
        """Place a contact on a human day and hour: office hours for work, evenings otherwise."""
        if work:
            while day.weekday() >= 5:
                day += dt.timedelta(days=1)
            hour = self.rng.choice([9, 10, 11, 12, 14, 15, 16, 17])
        else:
            hour = self.rng.choice(
                [12, 13, 18, 19, 20, 21] if day.weekday() < 5 else [10, 11, 12, 15, 16, 17]
            )
        moment = day.replace(
            hour=hour, minute=self.rng.choice([0, 15, 30, 45]), second=0, microsecond=0
        )
        while moment >= self.now:
            moment -= dt.timedelta(days=1)
        return moment

    def rhythm(self, role: Role) -> list[dt.datetime]:
        """Contact dates for one relationship: a renewal process with bursts and maybe a drift."""
        mean_gap = self.rng.uniform(*role.gap_days)
        begin = self.start + dt.timedelta(days=self.rng.uniform(0, 240 if role.share == 0 else 700))
        drift_at = None
        if (
            role.tag in ("close friend", "friend", "colleague", "former client")
            and self.rng.random() < 0.25
        ):
            drift_at = self.now - dt.timedelta(days=self.rng.uniform(150, 600))
        dates = []
        t = begin
        while True:
            gap = mean_gap * (5.0 if drift_at and t > drift_at else 1.0)
            if role.tag == "former client" and t > self.now - dt.timedelta(days=500):
                gap *= 3  # the contract ended: contacts thinned out
            t += dt.timedelta(days=self.rng.expovariate(1.0 / gap))
            if t >= self.now:
                break
            dates.append(t)
            if self.rng.random() < 0.06:  # a burst: a project, a deal, an event
                for _i in range(self.rng.randint(2, 5)):
                    t += dt.timedelta(days=self.rng.uniform(0.5, 3))
                    if t < self.now:
                        dates.append(t)
        return [self.moment(d, role.tag in WORK_ROLES) for d in dates]
