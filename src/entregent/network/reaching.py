"""Writes of the introduction lifecycle: planned → asked → made → met → outcome reported →
thanked (or declined), each step recording its favour and opening the next gratitude task.

Part of the services layer (atomic, verb-named), beside `services.py` and `giving.py`.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from entregent.network.errors import InvalidInput
from entregent.network.models import Exchange, Goal, Intro, Person, Rung, Task
from entregent.network.services import (
    _aware,
    add_goal,
    add_intro,
    ensure_me,
    mark_outcome_reported,
    mark_thanked,
    open_thank_loop,
    record_favour,
)

User = AbstractBaseUser
REPORT_WITHIN = dt.timedelta(days=7)  # tell the intermediary how it went within a week
STEPS = ("asked", "made", "met", "outcome", "thanked", "declined")
# Which states each step may follow (a step may be skipped forward, never backward).
_ORDER = ["planned", "asked", "made", "met", "outcome_reported", "thanked"]


@transaction.atomic
def start_intro(owner: User, target: Person, via: Person, *, why: str = "") -> Intro:
    """Plan reaching `target` through `via`: an introduction, and a goal if none is active."""
    me = ensure_me(owner)
    if target.is_me or via.is_me:
        raise InvalidInput(_("Name the person to reach and someone else to go through."))
    goal = Goal.objects.filter(owner=owner, target_person=target, status=Goal.State.ACTIVE).first()
    if goal is None:
        goal = add_goal(owner, person=target, why=why)
    return add_intro(owner, requester=me, intermediary=via, target=target, goal=goal)


def next_steps(intro: Intro) -> list[str]:
    """The steps an introduction may take now: the forward ones in order (a step may be
    skipped), then "declined"; none once it is closed."""
    if intro.status in ("thanked", "declined"):
        return []
    done = _ORDER.index(intro.status)
    forward = [
        step
        for step in STEPS[:-1]
        if _ORDER.index("outcome_reported" if step == "outcome" else step) > done
    ]
    return [*forward, "declined"]


def _favour(intro: Intro) -> Exchange | None:
    return intro.exchanges.filter(giver=intro.intermediary).order_by("pk").first()


@transaction.atomic
def advance_intro(
    intro: Intro,
    step: str,
    *,
    text: str = "",
    rung: str = Rung.ADVICE,
    when: dt.datetime | None = None,
) -> Intro:
    """Move an introduction one step on, with the favour and the task that step implies.

    asked: the favour is asked of the intermediary (on the ask's rung).
    made: the favour is given; a thank-you is due within two days.
    met: I met the target; telling the intermediary how it went is due within seven days.
    outcome: the outcome is recorded and reported; thanked: the thank-you is sent (the loop
    closes); declined: the favour was declined, open tasks are dropped.
    """
    if step not in STEPS:
        raise InvalidInput(
            _("Unknown step “%(step)s”; use one of: %(steps)s.")
            % {"step": step, "steps": ", ".join(STEPS)}
        )
    if intro.status in ("thanked", "declined"):
        raise InvalidInput(
            _("This introduction is closed (%(status)s).") % {"status": intro.get_status_display()}
        )
    moment = _aware(when)
    state = "outcome_reported" if step == "outcome" else step
    if state != "declined" and _ORDER.index(state) <= _ORDER.index(intro.status):
        raise InvalidInput(
            _("This introduction is already %(status)s.") % {"status": intro.get_status_display()}
        )
    favour = _favour(intro)
    me = intro.requester
    if favour is None and step in ("asked", "made", "met", "declined"):
        favour = record_favour(
            intro.owner,
            intro.intermediary,
            me,
            rung if step == "asked" else Rung.INTRODUCTION,
            status=Exchange.State.ASKED,
            occurred_at=moment,
            intro=intro,
        )
    if step == "asked":
        intro.asked_at = moment
    elif step in ("made", "met") and favour.status != Exchange.State.GIVEN:
        # What Y gave, whatever was asked, is the introduction itself.
        favour.status = Exchange.State.GIVEN
        favour.rung = Rung.INTRODUCTION
        favour.occurred_at = moment
        favour.save(update_fields=["status", "rung", "occurred_at", "updated_at"])
        open_thank_loop(favour)
        intro.made_at = intro.made_at or moment
    if step == "met":
        intro.met_at = moment
        Task.objects.create(
            owner_id=intro.owner_id,
            kind=Task.Kind.REPORT_OUTCOME,
            person=intro.intermediary,
            intro=intro,
            exchange=favour,
            due=timezone.localdate(moment + REPORT_WITHIN),
            title=_("Tell %(name)s how it went with %(target)s")
            % {"name": intro.intermediary.full_name, "target": intro.target.full_name},
        )
    elif step == "outcome":
        if not text.strip():
            raise InvalidInput(_("Say how it went, in a few words."))
        intro.outcome = text.strip()
        intro.outcome_reported_at = moment
        if favour is not None:
            mark_outcome_reported(favour, moment)
    elif step == "thanked":
        intro.thanked_at = moment
        if favour is not None:
            mark_thanked(favour, moment)
    elif step == "declined":
        intro.declined_at = moment
        favour.status = Exchange.State.DECLINED
        favour.save(update_fields=["status", "updated_at"])
        intro.tasks.filter(done_at=None).update(done_at=moment)
    intro.status = state
    intro.save()
    return intro
