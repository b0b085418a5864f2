"""The digest: the day's moves as plain text, printed or sent by email once a day.

Safe when two run at once (cron and a hand-run): each claims the (user, day) row before
sending, and only the one that created it sends.
"""

from __future__ import annotations

import datetime as dt

from django.contrib.auth.models import AbstractBaseUser
from django.core.mail import send_mail
from django.db import IntegrityError, transaction
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from entregent.network import moves
from entregent.network.errors import EntregentError, InvalidInput
from entregent.network.models import ContactPoint, Digest
from entregent.network.services import language_of


def text(day_moves: moves.Today, now: dt.datetime) -> str:
    """The day's moves as a plain-text message."""
    day = timezone.localdate(now)
    lines = [
        _("Your moves for %(day)s: %(n)d, %(minutes)d minutes of %(budget)d.")
        % {
            "day": day.isoformat(),
            "n": len(day_moves.moves),
            "minutes": day_moves.minutes,
            "budget": day_moves.budget,
        },
        "",
    ]
    if not day_moves.moves:
        lines.append(_("Nothing pressing today: your network is in good shape."))
    for k, move in enumerate(day_moves.moves, 1):
        lines.append(f"{k}. {moves.with_minutes(move)} [{moves.KIND_LABELS[move.kind]}]")
        lines += [f"   {why}" for why in move.why]
        if move.say:
            lines.append("   " + _("Say: %(message)s") % {"message": move.say})
        lines.append("   " + _("Done: entregent move done %(key)s") % {"key": move.key})
        lines.append("")
    if day_moves.notice:
        lines.append(day_moves.notice)
    return "\n".join(lines).rstrip() + "\n"


def recipient_of(owner: AbstractBaseUser) -> str:
    """Where the digest goes: the account's email, else the first email of the user's card."""
    if getattr(owner, "email", ""):
        return owner.email
    email = (
        ContactPoint.objects.filter(owner=owner, person__is_me=True, kind=ContactPoint.Kind.EMAIL)
        .order_by("pk")
        .values_list("value", flat=True)
        .first()
    )
    return email or ""


def send(
    owner: AbstractBaseUser, now: dt.datetime, *, to: str = "", minutes: int | None = None
) -> tuple[bool, str]:
    """Email today's digest unless it was already sent today; (sent, the text or why not)."""
    recipient = to.strip() or recipient_of(owner)
    if not recipient:
        raise InvalidInput(
            _("No address to send to: give --to, or add an email to your own card (“me”).")
        )
    from django.conf import settings

    if settings.EMAIL_BACKEND.endswith("smtp.EmailBackend") and not settings.EMAIL_HOST:
        raise InvalidInput(
            _("Email is not set up: set ENTREGENT_EMAIL_HOST (and the other ENTREGENT_EMAIL_*).")
        )
    day = timezone.localdate(now)
    with translation.override(language_of(owner)):  # read in a mailbox: the chosen language
        body = text(moves.today(owner, now, minutes), now)
        subject = _("Your moves for %(day)s") % {"day": day.isoformat()}
    try:
        with transaction.atomic():
            claim = Digest.objects.create(owner=owner, day=day, recipient=recipient)
    except IntegrityError:
        return False, _("Today's digest was already sent.")
    try:
        send_mail(
            subject,
            body,
            None,
            [recipient],
        )
    except Exception as exc:  # SMTP errors come in many types; the claim must be released
        claim.delete()
        raise EntregentError(
            _("The digest could not be sent to %(to)s: %(why)s") % {"to": recipient, "why": exc}
        ) from exc
    Digest.objects.filter(pk=claim.pk).update(sent_at=timezone.now())
    return True, body
