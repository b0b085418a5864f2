"""The tables of a user's network (see DESIGN.md, "Data model").

Models stay thin: fields, choices, constraints and the folded search keys derived in save().
Every write goes through `services.py`, so normalisation and invariants live there, once.
"""

from __future__ import annotations

from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import models
from django.db.models import F, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import pgettext_lazy

from entregent.engine.text import fold


class Owned(models.Model):
    """Every row belongs to one user; nothing is shared implicitly."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    # A default rather than auto_now_add, so imports and the demo can keep a record's real age.
    created_at = models.DateTimeField(_("created"), default=timezone.now, editable=False)
    updated_at = models.DateTimeField(_("updated"), auto_now=True)

    class Meta:
        abstract = True


class Tag(Owned):
    """A free label on people ("client", "family", "Lyon")."""

    name = models.CharField(_("name"), max_length=80)

    class Meta:
        verbose_name = _("tag")
        verbose_name_plural = _("tags")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name"], name="tag_unique_per_owner"),
        ]

    def __str__(self) -> str:
        return self.name


class Organization(Owned):
    """A company, institution or association people belong to."""

    name = models.CharField(_("name"), max_length=200)
    name_key = models.CharField(_("search key"), max_length=200, editable=False, db_index=True)
    domain = models.CharField(_("web domain"), max_length=200, blank=True)
    notes = models.TextField(_("notes"), blank=True)

    class Meta:
        verbose_name = _("organisation")
        verbose_name_plural = _("organisations")
        ordering = ["name"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "name_key"], name="org_unique_per_owner"),
        ]

    def __str__(self) -> str:
        return self.name

    def save(self, *args, **kwargs) -> None:
        self.name_key = fold(self.name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Forms validate the unique folded key before saving, so derive it here too.
        self.name_key = fold(self.name)


class Language(models.TextChoices):
    UNKNOWN = "", _("unknown")
    FRENCH = "fr", _("French")
    ENGLISH = "en", _("English")


class Person(Owned):
    """Someone in the network; exactly one row per owner is the user (`is_me`)."""

    full_name = models.CharField(_("full name"), max_length=200)
    name_key = models.CharField(_("search key"), max_length=200, editable=False, db_index=True)
    is_me = models.BooleanField(_("this is me"), default=False)
    organization = models.ForeignKey(
        Organization,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="people",
        verbose_name=_("organisation"),
    )
    title = models.CharField(_("job title"), max_length=200, blank=True)
    language = models.CharField(
        _("language"),
        max_length=2,
        choices=Language.choices,
        blank=True,
        default="",
    )
    closeness = models.PositiveSmallIntegerField(
        _("declared closeness (1-5)"),
        null=True,
        blank=True,
        help_text=_("How close you feel, whatever the contact history says."),
    )
    notes = models.TextField(_("notes"), blank=True)
    tags = models.ManyToManyField(Tag, blank=True, related_name="people", verbose_name=_("tags"))
    photo = models.BinaryField(_("photo"), null=True, blank=True, editable=False)
    photo_type = models.CharField(_("photo type"), max_length=40, blank=True, editable=False)
    released_at = models.DateTimeField(
        _("let go"),
        null=True,
        blank=True,
        help_text=_("Moved to the outer circle on purpose: no longer counted in your load."),
    )

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        ordering = ["full_name"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner"],
                condition=Q(is_me=True),
                name="one_me_per_owner",
            ),
            models.CheckConstraint(
                condition=Q(closeness__isnull=True) | Q(closeness__gte=1, closeness__lte=5),
                name="person_closeness_1_5",
            ),
        ]

    def __str__(self) -> str:
        return self.full_name

    def save(self, *args, **kwargs) -> None:
        self.name_key = fold(self.full_name)
        super().save(*args, **kwargs)

    def clean(self) -> None:
        # Forms validate the unique folded key before saving, so derive it here too.
        self.name_key = fold(self.full_name)


class ContactPoint(Owned):
    """An email, phone, web address or handle; normalised so imports can match on it."""

    class Kind(models.TextChoices):
        EMAIL = "email", _("email")
        PHONE = "phone", _("phone")
        URL = "url", _("web address")
        HANDLE = "handle", _("handle")

    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="contact_points",
        verbose_name=_("person"),
    )
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    value = models.CharField(_("value"), max_length=320)
    label = models.CharField(_("label"), max_length=60, blank=True)

    class Meta:
        verbose_name = _("contact point")
        verbose_name_plural = _("contact points")
        ordering = ["kind", "value"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "kind", "value"],
                name="contact_point_unique_per_owner",
            ),
        ]

    def __str__(self) -> str:
        return self.value


class Link(Owned):
    """Who knows whom: an undirected tie between two contacts, stored with a.id < b.id."""

    class Kind(models.TextChoices):
        KNOWS = "knows", _("knows")
        COLLEAGUE = "colleague", _("colleague")
        CLIENT = "client", _("client")
        FAMILY = "family", _("family")
        FRIEND = "friend", _("friend")
        PARTNER = "partner", _("business partner")

    a = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person A")
    )
    b = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("person B")
    )
    kind = models.CharField(_("kind"), max_length=12, choices=Kind.choices, default=Kind.KNOWS)
    context = models.CharField(_("context"), max_length=200, blank=True)
    strength = models.PositiveSmallIntegerField(_("declared strength (1-5)"), default=3)
    source = models.CharField(_("source"), max_length=40, blank=True, default="manual")
    since = models.DateField(_("since"), null=True, blank=True)

    class Meta:
        verbose_name = _("link")
        verbose_name_plural = _("links")
        constraints = [
            models.UniqueConstraint(fields=["owner", "a", "b"], name="link_unique_pair"),
            models.CheckConstraint(condition=Q(a__lt=models.F("b")), name="link_ordered_pair"),
            models.CheckConstraint(
                condition=Q(strength__gte=1, strength__lte=5),
                name="link_strength_1_5",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.a} — {self.b}"

    def clean(self) -> None:
        # The same rules as services.link_people, for forms that edit links directly.
        if self.a_id and self.a_id == self.b_id:
            raise ValidationError(_("A person cannot be linked to themselves."))
        if (self.a_id and self.a.is_me) or (self.b_id and self.b.is_me):
            raise ValidationError(
                _("Your own ties are measured from interactions; link two other people.")
            )


class Interaction(Owned):
    """A dated contact between the user and one or more people, with who took the initiative."""

    class Kind(models.TextChoices):
        MEETING = "meeting", _("meeting")
        CALL = "call", _("call")
        EMAIL = "email", _("email")
        MESSAGE = "message", _("message")
        SOCIAL = "social", _("social")
        OTHER = "other", _("other")

    class Direction(models.TextChoices):
        ME = "me", _("I initiated")
        THEM = "them", _("they initiated")
        MUTUAL = "mutual", _("mutual")

    occurred_at = models.DateTimeField(_("when"), db_index=True)
    kind = models.CharField(_("kind"), max_length=10, choices=Kind.choices)
    direction = models.CharField(
        _("who initiated"),
        max_length=6,
        choices=Direction.choices,
        default=Direction.MUTUAL,
    )
    # The user takes part in every interaction; participants are the other people.
    participants = models.ManyToManyField(
        Person,
        related_name="interactions",
        verbose_name=_("participants"),
    )
    summary = models.TextField(_("summary"), blank=True)
    source = models.CharField(_("source"), max_length=40, default="manual")
    external_id = models.CharField(_("external id"), max_length=255, blank=True)

    class Meta:
        verbose_name = _("interaction")
        verbose_name_plural = _("interactions")
        ordering = ["-occurred_at"]
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source", "external_id"],
                condition=~Q(external_id=""),
                name="interaction_unique_external_id",
            ),
        ]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.occurred_at:%Y-%m-%d}"


class Status(models.TextChoices):
    OPEN = "open", _("open")
    MET = "met", _("met")
    WITHDRAWN = "withdrawn", _("withdrawn")


class NeedOrOffer(Owned):
    """Shared shape of needs and offers: a person, a sentence, a few tags, a status."""

    text = models.TextField(_("text"))
    tags = models.JSONField(_("tags"), default=list, blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=Status.choices, default=Status.OPEN, db_index=True
    )
    closed_at = models.DateTimeField(_("closed"), null=True, blank=True)
    # The text's embedding and its concept profile (float32 bytes each, engine/matching),
    # computed once; the keys say from which text and model (and thesaurus, for the profile),
    # so an edited text, a new model or a new thesaurus is worked out again.
    vector = models.BinaryField(_("vector"), null=True, blank=True, editable=False)
    vector_key = models.CharField(_("vector key"), max_length=40, blank=True, editable=False)
    profile = models.BinaryField(_("concept profile"), null=True, blank=True, editable=False)
    profile_key = models.CharField(
        _("concept profile key"), max_length=40, blank=True, editable=False
    )

    class Meta:
        abstract = True
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return self.text if len(self.text) <= 60 else self.text[:59] + "…"


class Need(NeedOrOffer):
    """A problem or wish of someone: what they are looking for."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="needs", verbose_name=_("person")
    )

    class Meta(NeedOrOffer.Meta):
        verbose_name = _("need")
        verbose_name_plural = _("needs")


class Offer(NeedOrOffer):
    """What someone can give: a skill, a resource, a tip, an introduction."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="offers", verbose_name=_("person")
    )

    class Meta(NeedOrOffer.Meta):
        verbose_name = _("offer")
        verbose_name_plural = _("offers")


class Rung(models.TextChoices):
    """The ask ladder, from the lightest ask to the heaviest (METHOD.md, unknown 2)."""

    INFORMATION = "information", _("information")
    ADVICE = "advice", _("advice")
    INTRODUCTION = "introduction", _("introduction")
    RECOMMENDATION = "recommendation", _("recommendation")
    BUSINESS = "business", _("business")


RUNG_ORDER = [rung.value for rung in Rung]


class Intro(Owned):
    """An introduction: the requester asks the intermediary to connect them with the target."""

    class State(models.TextChoices):
        # In context: "met" is a need met elsewhere, and French agrees with "la mise en relation".
        PLANNED = "planned", pgettext_lazy("introduction", "planned")
        ASKED = "asked", pgettext_lazy("introduction", "asked")
        MADE = "made", pgettext_lazy("introduction", "made")
        MET = "met", pgettext_lazy("introduction", "met")
        OUTCOME_REPORTED = "outcome_reported", pgettext_lazy("introduction", "outcome reported")
        THANKED = "thanked", pgettext_lazy("introduction", "thanked")
        DECLINED = "declined", pgettext_lazy("introduction", "declined")

    requester = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="+", verbose_name=_("requester")
    )
    intermediary = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="intros_brokered",
        verbose_name=_("intermediary"),
    )
    target = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="intros_received", verbose_name=_("target")
    )
    status = models.CharField(
        _("status"), max_length=20, choices=State.choices, default=State.PLANNED, db_index=True
    )
    goal = models.ForeignKey(
        "Goal",
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="intros",
        verbose_name=_("goal"),
    )
    outcome = models.TextField(_("outcome"), blank=True)
    asked_at = models.DateTimeField(_("asked"), null=True, blank=True)
    made_at = models.DateTimeField(_("made"), null=True, blank=True)
    met_at = models.DateTimeField(_("met"), null=True, blank=True)
    outcome_reported_at = models.DateTimeField(_("outcome reported"), null=True, blank=True)
    thanked_at = models.DateTimeField(_("thanked"), null=True, blank=True)
    declined_at = models.DateTimeField(_("declined"), null=True, blank=True)

    class Meta:
        verbose_name = _("introduction")
        verbose_name_plural = _("introductions")
        ordering = ["-created_at"]

    def __str__(self) -> str:
        return f"{self.requester} → {self.intermediary} → {self.target}"

    def clean(self) -> None:
        ids = [self.requester_id, self.intermediary_id, self.target_id]
        if all(ids) and len(set(ids)) != 3:
            raise ValidationError(_("An introduction needs three different people."))


class Exchange(Owned):
    """The favour ledger: one favour asked, given or declined between two people."""

    class State(models.TextChoices):
        ASKED = "asked", _("asked")
        GIVEN = "given", _("given")
        DECLINED = "declined", _("declined")

    giver = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="favours_given", verbose_name=_("giver")
    )
    receiver = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        related_name="favours_received",
        verbose_name=_("receiver"),
    )
    rung = models.CharField(_("rung"), max_length=16, choices=Rung.choices)
    status = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.GIVEN
    )
    occurred_at = models.DateTimeField(_("when"), db_index=True)
    note = models.TextField(_("note"), blank=True)
    thanked_at = models.DateTimeField(_("thanked"), null=True, blank=True)
    outcome_reported_at = models.DateTimeField(_("outcome reported"), null=True, blank=True)
    need = models.ForeignKey(
        Need,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exchanges",
        verbose_name=_("need"),
    )
    offer = models.ForeignKey(
        Offer,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exchanges",
        verbose_name=_("offer"),
    )
    intro = models.ForeignKey(
        Intro,
        on_delete=models.SET_NULL,
        null=True,
        blank=True,
        related_name="exchanges",
        verbose_name=_("introduction"),
    )

    class Meta:
        verbose_name = _("favour")
        verbose_name_plural = _("favours")
        ordering = ["-occurred_at"]
        constraints = [
            models.CheckConstraint(
                condition=~Q(giver=models.F("receiver")), name="exchange_two_people"
            ),
        ]

    def __str__(self) -> str:
        return f"{self.giver} → {self.receiver}: {self.get_rung_display()}"

    def clean(self) -> None:
        if self.giver_id and self.giver_id == self.receiver_id:
            raise ValidationError(_("A favour needs two different people."))


class Recognition(Owned):
    """What one person knows of the user: "do they know me, and how do they see me?"."""

    class Level(models.IntegerChoices):
        NONE = 0, _("no sign they know me")
        REPLY = 1, _("they reply")
        INITIATE = 2, _("they initiate")
        RECOMMEND = 3, _("they recommend or introduce me")

    person = models.OneToOneField(
        Person, on_delete=models.CASCADE, related_name="recognition", verbose_name=_("person")
    )
    level_override = models.PositiveSmallIntegerField(
        _("level (manual)"),
        choices=Level.choices,
        null=True,
        blank=True,
        help_text=_("Leave empty to let entregent infer it from interactions and favours."),
    )
    evidence = models.TextField(_("evidence"), blank=True)
    perception = models.TextField(
        _("how they see me"),
        blank=True,
        help_text=_("In their words, where known."),
    )

    class Meta:
        verbose_name = _("recognition")
        verbose_name_plural = _("recognition")

    def __str__(self) -> str:
        return str(self.person)

    def clean(self) -> None:
        if self.person_id and self.person.is_me:
            raise ValidationError(_("Recognition is what others know of you; pick someone else."))


class OfferTold(Owned):
    """One telling of one of my offers to one person: which offers they know, since when."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="offers_told", verbose_name=_("person")
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="told", verbose_name=_("offer")
    )
    told_at = models.DateTimeField(_("told"))
    channel = models.CharField(_("channel"), max_length=40, blank=True)

    class Meta:
        verbose_name = _("offer told")
        verbose_name_plural = _("offers told")
        ordering = ["-told_at"]

    def __str__(self) -> str:
        return f"{self.person}: {self.offer}"

    def clean(self) -> None:
        if self.person_id and self.person.is_me:
            raise ValidationError(_("Tell someone other than yourself."))
        if self.offer_id and not self.offer.person.is_me:
            raise ValidationError(_("Only your own offers can be told."))


class Dismissal(Owned):
    """The user's word that an offer does not answer a need: the pair is never proposed again,
    so the next best offer, if any, takes its place."""

    need = models.ForeignKey(
        Need, on_delete=models.CASCADE, related_name="dismissals", verbose_name=_("need")
    )
    offer = models.ForeignKey(
        Offer, on_delete=models.CASCADE, related_name="dismissals", verbose_name=_("offer")
    )

    class Meta:
        verbose_name = _("dismissed match")
        verbose_name_plural = _("dismissed matches")
        ordering = ["-created_at"]
        constraints = [
            models.UniqueConstraint(fields=["need", "offer"], name="dismissal_unique_pair"),
        ]

    def __str__(self) -> str:
        return f"{self.need} ≠ {self.offer}"


class Goal(Owned):
    """Someone, or someone at an organisation, the user wants to reach, and why."""

    class State(models.TextChoices):
        ACTIVE = "active", _("active")
        REACHED = "reached", _("reached")
        ABANDONED = "abandoned", _("abandoned")

    target_person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("target person"),
    )
    target_organization = models.ForeignKey(
        Organization,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="goals",
        verbose_name=_("target organisation"),
    )
    why = models.TextField(_("why"), blank=True)
    status = models.CharField(
        _("status"), max_length=10, choices=State.choices, default=State.ACTIVE
    )

    class Meta:
        verbose_name = _("goal")
        verbose_name_plural = _("goals")
        ordering = ["-created_at"]
        constraints = [
            models.CheckConstraint(
                condition=Q(target_person__isnull=False) | Q(target_organization__isnull=False),
                name="goal_has_target",
            ),
        ]

    def __str__(self) -> str:
        return str(self.target_person or self.target_organization)


class Task(Owned):
    """Something to do by a date: thank someone, report an outcome, follow up."""

    class Kind(models.TextChoices):
        FOLLOW_UP = "follow_up", _("follow up")
        THANK = "thank", _("thank")
        REPORT_OUTCOME = "report_outcome", _("report the outcome")
        REACH_OUT = "reach_out", _("reach out")
        OTHER = "other", _("other")

    title = models.CharField(_("title"), max_length=200)
    kind = models.CharField(_("kind"), max_length=16, choices=Kind.choices, default=Kind.OTHER)
    due = models.DateField(_("due"), null=True, blank=True, db_index=True)
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("person"),
    )
    intro = models.ForeignKey(
        Intro,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("introduction"),
    )
    exchange = models.ForeignKey(
        Exchange,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="tasks",
        verbose_name=_("favour"),
    )
    done_at = models.DateTimeField(_("done"), null=True, blank=True)

    class Meta:
        verbose_name = _("task")
        verbose_name_plural = _("tasks")
        ordering = ["done_at", "due"]

    def __str__(self) -> str:
        return self.title


class PersonSource(Owned):
    """Where a person came from: one row per record of an imported file (its source and the
    id the file gives it), so a second import of the same file finds them again."""

    person = models.ForeignKey(
        Person, on_delete=models.CASCADE, related_name="sources", verbose_name=_("person")
    )
    source = models.CharField(_("source"), max_length=40)
    external_id = models.CharField(_("external id"), max_length=255)
    # Digests of the versions of this record already imported, space-separated: importing one
    # of them again changes nothing, even when two files carry the same id.
    seen = models.TextField(_("versions seen"), blank=True, default="")

    class Meta:
        verbose_name = _("person source")
        verbose_name_plural = _("person sources")
        constraints = [
            models.UniqueConstraint(
                fields=["owner", "source", "external_id"], name="person_source_unique"
            )
        ]

    def __str__(self) -> str:
        return f"{self.source}:{self.external_id}"


class MergeSuggestion(Owned):
    """Two people who may be the same, found on import or by `duplicates`; never merged
    without the user's word."""

    class State(models.TextChoices):
        OPEN = "open", _("open")
        MERGED = "merged", _("merged")
        APART = "apart", _("kept apart")

    a = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name="A")
    b = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="+", verbose_name="B")
    score = models.FloatField(_("score"))
    reason = models.CharField(_("reason"), max_length=200, blank=True)
    state = models.CharField(_("state"), max_length=10, choices=State.choices, default=State.OPEN)

    class Meta:
        verbose_name = _("merge suggestion")
        verbose_name_plural = _("merge suggestions")
        ordering = ["-score", "pk"]
        constraints = [
            models.UniqueConstraint(fields=["owner", "a", "b"], name="one_suggestion_per_pair"),
            models.CheckConstraint(condition=Q(a__lt=F("b")), name="suggestion_a_lt_b"),
        ]

    def __str__(self) -> str:
        return f"{self.a} ≟ {self.b}"


class Preferences(models.Model):
    """A user's own settings: the minutes a day they give their network, their capacity, the
    secret of their calendar feed (revocable), and their language."""

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    daily_minutes = models.PositiveSmallIntegerField(
        _("minutes a day"),
        null=True,
        blank=True,
        help_text=_("The time you give your network each day; empty for the server's default."),
    )
    capacity = models.PositiveIntegerField(
        _("capacity"),
        null=True,
        blank=True,
        help_text=_("How many active relationships you can keep up; empty for the default."),
    )
    feed_token = models.CharField(
        _("calendar feed token"), max_length=64, unique=True, null=True, blank=True
    )
    # The last language chosen on the screens: the calendar feed and the emailed digest, read
    # with no browser to ask, speak it too.
    language = models.CharField(
        _("language"), max_length=8, choices=Language.choices, blank=True, default=""
    )

    class Meta:
        verbose_name = _("preferences")
        verbose_name_plural = _("preferences")

    def __str__(self) -> str:
        return str(_("Preferences"))


class Move(Owned):
    """What the user decided about one proposed move: done, snoozed or dismissed, and until
    when the same move stays out of the day's list."""

    class State(models.TextChoices):
        DONE = "done", _("done")
        SNOOZED = "snoozed", _("snoozed")
        DISMISSED = "dismissed", _("dismissed")

    key = models.CharField(_("key"), max_length=120)
    kind = models.CharField(_("kind"), max_length=16)
    person = models.ForeignKey(
        Person,
        on_delete=models.CASCADE,
        null=True,
        blank=True,
        related_name="moves",
        verbose_name=_("person"),
    )
    state = models.CharField(_("state"), max_length=10, choices=State.choices)
    decided_at = models.DateTimeField(_("decided"))
    until = models.DateField(_("out of the list until"))

    class Meta:
        verbose_name = _("move")
        verbose_name_plural = _("moves")
        ordering = ["-decided_at"]
        constraints = [models.UniqueConstraint(fields=["owner", "key"], name="one_move_per_key")]

    def __str__(self) -> str:
        return f"{self.key} ({self.get_state_display()})"


class Digest(models.Model):
    """One digest per user and day: the row is claimed before sending, so two runs at once
    (cron and a hand-run) send it once."""

    owner = models.ForeignKey(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    day = models.DateField(_("day"))
    sent_at = models.DateTimeField(_("sent"), null=True, blank=True)
    recipient = models.CharField(_("recipient"), max_length=254, blank=True)

    class Meta:
        verbose_name = _("digest")
        verbose_name_plural = _("digests")
        constraints = [models.UniqueConstraint(fields=["owner", "day"], name="one_digest_per_day")]

    def __str__(self) -> str:
        return f"{self.day}"


class SnapshotCache(models.Model):
    """The user's network as engine arrays, kept between requests.

    `revision` goes up with every write to the user's network (signals, and the bulk writers
    explicitly); the arrays are reused only while `built_revision` equals it.
    """

    owner = models.OneToOneField(
        settings.AUTH_USER_MODEL,
        on_delete=models.CASCADE,
        related_name="+",
        verbose_name=_("owner"),
    )
    revision = models.BigIntegerField(_("revision"), default=0)
    built_revision = models.BigIntegerField(_("built at revision"), null=True, blank=True)
    data = models.BinaryField(_("arrays"), null=True, blank=True)
    fits = models.JSONField(_("fitted parameters"), default=dict, blank=True)
    # A random mark of each stored blob: a process that decoded it may reuse it while it holds
    # (ids and revisions can repeat after a delete; this mark does not).
    token = models.CharField(_("mark"), max_length=32, blank=True, default="")

    class Meta:
        verbose_name = _("snapshot cache")
        verbose_name_plural = _("snapshot caches")

    def __str__(self) -> str:
        return f"r{self.revision}"
