"""The demo network: a consultant's three years of relationships, deterministic for a seed.

It holds the founding story of METHOD.md: Xavier Lambert (Mr X), a decisive prospect at Banque
Lambda; Yves Martin (Mr Y), a former client who works regularly with X and is looking for a
holiday rental in Brittany; and the user's offer of a holiday rental deal that answers Y's need.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Callable
from dataclasses import dataclass, field

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils.translation import gettext_noop as N_

from entregent import demo_data as words
from entregent.demo_builder import (
    HISTORY_DAYS,
    PARIS,
    ROLES,
    WORK_ROLES,
    Builder,
    Role,
    role_sizes,
)
from entregent.engine.text import fold
from entregent.network import snapshots
from entregent.network.models import (
    ContactPoint,
    Exchange,
    Goal,
    Interaction,
    Intro,
    Link,
    Need,
    Offer,
    OfferTold,
    Organization,
    Person,
    Recognition,
    Tag,
    Task,
)

Progress = Callable[[str, int, int], None]
BATCH = 5000

ME_NAME = "Claire Dubois"
X_NAME = "Xavier Lambert"
Y_NAME = "Yves Martin"


@dataclass
class DemoSummary:
    """What was created, for the CLI to report."""

    people: int = 0
    interactions: int = 0
    links: int = 0
    needs: int = 0
    offers: int = 0
    favours: int = 0
    counts: dict[str, int] = field(default_factory=dict)


# The demo account, printed by `serve` and the login page; the demo runs on the user's own machine.
DEMO_USERNAME = "demo"
DEMO_PASSWORD = "demo"


def build_demo(
    owner: AbstractBaseUser,
    *,
    people: int = 150,
    seed: int = 7,
    today: dt.date | None = None,
    progress: Progress | None = None,
) -> DemoSummary:
    """Create the demo network for `owner` in one transaction (the owner must have no data)."""
    today = today or dt.datetime.now(PARIS).date()
    with transaction.atomic():
        summary = _build(Builder(owner, max(people, 10), seed, today), progress)
        snapshots.bump(owner.pk)  # bulk inserts send no signals
        return summary


def _bulk(model: type, rows: list, stage: str, progress: Progress | None) -> list:
    """Insert rows in batches, reporting progress; returns the rows with their primary keys."""
    for i in range(0, len(rows), BATCH):
        model.objects.bulk_create(rows[i : i + BATCH], batch_size=BATCH)
        if progress:
            progress(stage, min(i + BATCH, len(rows)), len(rows))
    if progress and not rows:
        progress(stage, 0, 0)
    return rows


def _build(b: Builder, progress: Progress | None) -> DemoSummary:
    rng, owner = b.rng, b.owner
    orgs = _bulk(Organization, b.organizations(), N_("organisations"), progress)
    org_by_name = {o.name: o for o in orgs}
    domain_of = {o.pk: o.domain for o in orgs}

    me = Person(
        owner=owner,
        full_name=ME_NAME,
        name_key=fold(ME_NAME),
        is_me=True,
        language="fr",
        title="Consultante en développement commercial",
        created_at=b.start,
    )
    x = Person(
        owner=owner,
        full_name=X_NAME,
        name_key=fold(X_NAME),
        language="fr",
        title="Directeur général",
        organization=org_by_name["Banque Lambda"],
        created_at=b.start,
    )
    y = Person(
        owner=owner,
        full_name=Y_NAME,
        name_key=fold(Y_NAME),
        language="fr",
        title="Directeur commercial",
        organization=org_by_name["Groupe Armor Distribution"],
        closeness=4,
        created_at=b.start,
    )
    roles_of: dict[int, Role] = {}
    persons = [me, x, y]
    role_list: list[Role | None] = [None, ROLES[5], ROLES[4]]
    work_orgs = orgs[:]
    for role, count in role_sizes(b.n - 2):
        for _i in range(count):
            full_name, lang = b.name()
            org = rng.choice(work_orgs) if (role.tag in WORK_ROLES or rng.random() < 0.5) else None
            persons.append(
                Person(
                    owner=owner,
                    full_name=full_name,
                    name_key=fold(full_name),
                    language=lang,
                    organization=org,
                    title=rng.choice(
                        [
                            "",
                            "Directeur",
                            "Responsable achats",
                            "Head of Sales",
                            "CEO",
                            "Chef de projet",
                            "Consultant",
                            "Engineer",
                        ]
                    )
                    if org
                    else "",
                    closeness=rng.choice([5, 5, 4])
                    if role.tag in ("family", "close friend")
                    else None,
                    created_at=b.start,
                )
            )
            role_list.append(role)
    _bulk(Person, persons, N_("people"), progress)
    for person, role in zip(persons, role_list, strict=True):
        if role is not None:
            roles_of[person.pk] = role

    # Contact points and tags.
    points, tag_rows = [], []
    Through = Person.tags.through
    for person in persons[1:]:
        role = roles_of[person.pk]
        domain = domain_of.get(person.organization_id) or rng.choice(
            ["gmail.com", "orange.fr", "free.fr", "outlook.com", "laposte.net"]
        )
        if role.tag != "acquaintance" or rng.random() < 0.6:
            points.append(
                ContactPoint(
                    owner=owner,
                    person=person,
                    kind="email",
                    value=b.email_for(person.full_name, domain),
                    created_at=b.start,
                )
            )
        if role.tag not in ("acquaintance", "prospect") or rng.random() < 0.1:
            points.append(
                ContactPoint(
                    owner=owner, person=person, kind="phone", value=b.mobile(), created_at=b.start
                )
            )
        tag_rows.append((person, b.tag(role.tag)))
        if (
            person.organization_id
            and domain_of[person.organization_id].endswith(".fr")
            and rng.random() < 0.3
        ):
            tag_rows.append((person, b.tag(rng.choice(["bretagne", "nantes", "rennes"]))))
    points.append(
        ContactPoint(
            owner=owner,
            person=me,
            kind="email",
            value="claire.dubois@conseil-dubois.fr",
            created_at=b.start,
        )
    )
    _bulk(ContactPoint, points, N_("contact points"), progress)
    _bulk(Tag, list(b.tags.values()), N_("tags"), progress)
    _bulk(
        Through, [Through(person_id=p.pk, tag_id=t.pk) for p, t in tag_rows], N_("tags"), progress
    )

    # Interactions: a rhythm per relationship, the founding story's own history for X and Y.
    interactions: list[Interaction] = []
    participants: list[tuple[Interaction, Person]] = []
    story = {y.pk: b.now - dt.timedelta(days=19)}
    for person in persons[1:]:
        role = roles_of[person.pk]
        p_me = rng.uniform(*role.me_initiates)
        kinds, weights = zip(*role.kinds, strict=True)
        dates = b.rhythm(role)
        if person.pk == x.pk:
            # One LinkedIn exchange two years ago: X is a cold tie, reachable through Y.
            dates = [b.moment(b.now - dt.timedelta(days=700), True)]
        if person.pk in story:
            # Y is a live tie: about monthly for three years, last seen three weeks ago.
            last, dates = story[person.pk], []
            while last > b.start:
                dates.append(b.moment(last, True))
                last -= dt.timedelta(days=rng.uniform(25, 45))
            dates.reverse()
        for when in dates:
            roll = rng.random()
            direction = "mutual" if roll < 0.2 else ("me" if rng.random() < p_me else "them")
            kind = rng.choices(kinds, weights)[0]
            if kind == "meeting":
                direction = "mutual" if roll < 0.5 else direction
            note = rng.choice(words.INTERACTION_NOTES[kind])
            interaction = Interaction(
                owner=owner,
                occurred_at=when,
                kind=kind,
                direction=direction,
                summary=note,
                source="demo",
                created_at=when,
            )
            interactions.append(interaction)
            participants.append((interaction, person))
    # A few group meetings: colleagues of one organisation around one table.
    by_org: dict[int, list[Person]] = {}
    for person in persons[3:]:
        if person.organization_id and roles_of[person.pk].tag in WORK_ROLES:
            by_org.setdefault(person.organization_id, []).append(person)
    for org_people in by_org.values():
        if len(org_people) >= 3:
            for _i in range(rng.randint(1, 4)):
                when = b.moment(b.now - dt.timedelta(days=rng.uniform(10, HISTORY_DAYS)), True)
                group = rng.sample(org_people, min(len(org_people), rng.randint(2, 4)))
                interaction = Interaction(
                    owner=owner,
                    occurred_at=when,
                    kind="meeting",
                    direction="mutual",
                    summary="Réunion d'équipe",
                    source="demo",
                    created_at=when,
                )
                interactions.append(interaction)
                participants.extend((interaction, p) for p in group)
    _bulk(Interaction, interactions, N_("interactions"), progress)
    PT = Interaction.participants.through
    _bulk(
        PT,
        [PT(interaction_id=i.pk, person_id=p.pk) for i, p in participants],
        N_("participants"),
        progress,
    )

    # Who knows whom.
    links: dict[tuple[int, int], Link] = {}

    def link(a: Person, c: Person, kind: str, context: str, strength: int) -> None:
        low, high = sorted((a.pk, c.pk))
        if low != high and (low, high) not in links:
            links[(low, high)] = Link(
                owner=owner,
                a_id=low,
                b_id=high,
                kind=kind,
                context=context,
                strength=strength,
                source="demo",
                created_at=b.start,
            )

    link(y, x, "partner", "travaille régulièrement avec", 4)
    for org_people in by_org.values():
        for i, a in enumerate(org_people[:12]):
            for c in org_people[i + 1 : 12]:
                link(a, c, "colleague", "même entreprise", rng.choice([2, 3, 4]))
    inner = [p for p in persons[1:] if roles_of[p.pk].tag in ("family", "close friend")]
    for i, a in enumerate(inner):
        for c in inner[i + 1 :]:
            if roles_of[a.pk] == roles_of[c.pk] or rng.random() < 0.3:
                link(
                    a,
                    c,
                    "family" if roles_of[a.pk].tag == "family" else "friend",
                    "",
                    rng.choice([3, 4, 5]),
                )
    others = persons[3:]
    for a in others:
        for _i in range(rng.choice([0, 0, 1, 1, 2, 3])):
            link(a, rng.choice(others), "knows", "", rng.choice([1, 2, 2, 3]))
    # Y knows a few more people at Banque Lambda, so chains to the bank have alternatives.
    for person in by_org.get(org_by_name["Banque Lambda"].pk, [])[:3]:
        link(y, person, "knows", "anciens collègues", 3)
    _bulk(Link, list(links.values()), N_("links"), progress)

    # Needs and offers, in French and English.
    needs, offers = [], []

    def ago(days: float) -> dt.datetime:
        return b.now - dt.timedelta(days=days)

    needs.append(
        Need(
            owner=owner,
            person=y,
            created_at=ago(11),
            tags=["vacances", "bretagne"],
            text="Cherche une location pour les vacances d'été en Bretagne, "
            "pour une famille de cinq",
        )
    )
    my_offers = [
        Offer(owner=owner, person=me, text=text, created_at=ago(400 - 60 * i))
        for i, text in enumerate(words.MY_OFFERS)
    ]
    offers.extend(my_offers)
    active = [p for p in persons[3:] if roles_of[p.pk].tag != "acquaintance"] or persons[3:]
    for person in rng.sample(active, min(len(active), max(6, len(active) // 4))):
        pool = words.NEEDS_FR if person.language == "fr" else words.NEEDS_EN
        needs.append(
            Need(
                owner=owner,
                person=person,
                text=rng.choice(pool),
                created_at=ago(rng.uniform(3, 200)),
            )
        )
    for person in rng.sample(active, min(len(active), max(6, len(active) // 5))):
        pool = words.OFFERS_FR if person.language == "fr" else words.OFFERS_EN
        offers.append(
            Offer(
                owner=owner,
                person=person,
                text=rng.choice(pool),
                created_at=ago(rng.uniform(10, 500)),
            )
        )
    _bulk(Need, needs, N_("needs"), progress)
    _bulk(Offer, offers, N_("offers"), progress)

    # The favour ledger, introductions, the gratitude loops they open, and what people know of me.
    favours = [
        Exchange(
            owner=owner,
            giver=y,
            receiver=me,
            rung="recommendation",
            occurred_at=ago(820),
            thanked_at=ago(818),
            outcome_reported_at=ago(790),
            note="M'a recommandée auprès de la direction d'Armor",
            created_at=ago(820),
        )
    ]
    tasks, intros = [], []
    for person in rng.sample(active, min(len(active), 14)):
        if person.pk == y.pk:
            continue
        received = rng.random() < 0.5
        when = ago(rng.uniform(5, 700))
        rung = rng.choice(
            ["information", "information", "advice", "advice", "introduction", "recommendation"]
        )
        thanked = None if (received and when > ago(40) and rng.random() < 0.7) else when
        favours.append(
            Exchange(
                owner=owner,
                giver=person if received else me,
                receiver=me if received else person,
                rung=rung,
                occurred_at=when,
                thanked_at=thanked if received else None,
                note="",
                created_at=when,
            )
        )
    target_pool = [p for p in active if p.pk not in (x.pk, y.pk)]
    if len(target_pool) >= 3:
        via, target = rng.sample(target_pool, 2)
        intros.append(
            Intro(
                owner=owner,
                requester=me,
                intermediary=via,
                target=target,
                status="made",
                asked_at=ago(16),
                made_at=ago(9),
                created_at=ago(20),
            )
        )
    _bulk(Intro, intros, N_("introductions"), progress)
    for intro in intros:
        favours.append(
            Exchange(
                owner=owner,
                giver=intro.intermediary,
                receiver=me,
                rung="introduction",
                occurred_at=intro.made_at,
                intro=intro,
                created_at=intro.made_at,
            )
        )
    _bulk(Exchange, favours, N_("favours"), progress)
    for favour in favours:
        if favour.receiver_id == me.pk and favour.thanked_at is None:
            tasks.append(
                Task(
                    owner=owner,
                    kind="thank",
                    person_id=favour.giver_id,
                    exchange=favour,
                    intro=favour.intro,
                    due=(favour.occurred_at + dt.timedelta(days=2)).date(),
                    title=f"Remercier {favour.giver.full_name}",
                    created_at=favour.occurred_at,
                )
            )
    _bulk(Task, tasks, N_("tasks"), progress)

    recognitions = [
        Recognition(
            owner=owner,
            person=y,
            level_override=None,
            created_at=ago(800),
            evidence="M'a recommandée à la direction d'Armor",
            perception=words.PERCEPTIONS[0],
        )
    ]
    for person in rng.sample(active, min(len(active), 6)):
        if person.pk != y.pk:
            recognitions.append(
                Recognition(
                    owner=owner,
                    person=person,
                    created_at=ago(300),
                    perception=rng.choice(words.PERCEPTIONS[1:]),
                )
            )
    _bulk(Recognition, recognitions, N_("recognition"), progress)
    told = [
        OfferTold(
            owner=owner,
            person=y,
            offer=my_offers[1],
            told_at=ago(400),
            channel="meeting",
            created_at=ago(400),
        )
    ]
    for person in rng.sample(active, min(len(active), 12)):
        if person.pk != y.pk:
            when = ago(rng.uniform(20, 600))
            told.append(
                OfferTold(
                    owner=owner,
                    person=person,
                    offer=rng.choice(my_offers[1:]),
                    told_at=when,
                    channel=rng.choice(["meeting", "email"]),
                    created_at=when,
                )
            )
    _bulk(OfferTold, told, N_("offers told"), progress)
    Goal.objects.create(
        owner=owner,
        target_person=x,
        created_at=ago(30),
        why="Banque Lambda est le prospect décisif pour mon offre de formation commerciale.",
    )

    return DemoSummary(
        people=len(persons),
        interactions=len(interactions),
        links=len(links),
        needs=len(needs),
        offers=len(offers),
        favours=len(favours),
        counts={
            "participants": len(participants),
            "tasks": len(tasks),
            "tags": len(b.tags),
            "organisations": len(orgs),
        },
    )
