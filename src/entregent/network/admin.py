"""The admin: a complete editor for every table, scoped to the signed-in user's own rows.

Every queryset, every choice list and every autocomplete shows only the user's rows, so one
person's network never leaks into another's. Bulk actions go through `services.py`.
"""

from __future__ import annotations

from typing import Any

from django import forms
from django.contrib import admin, messages
from django.db.models import Count, Max, QuerySet
from django.http import HttpRequest
from django.urls import reverse
from django.utils import timezone
from django.utils.html import format_html
from django.utils.translation import gettext_lazy as _

from entregent.network import services, snapshots
from entregent.network.errors import EntregentError
from entregent.network.models import (
    ContactPoint,
    Dismissal,
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
    Status,
    Tag,
    Task,
)
from entregent.network.normalize import normalize


class OwnedForm(forms.ModelForm):
    """A model form that knows its owner, so per-owner unique constraints are validated."""

    owner: Any = None  # set per request by OwnedAdminMixin

    def _post_clean(self) -> None:
        if self.owner is not None and self.instance.owner_id is None:
            self.instance.owner = self.owner
        super()._post_clean()

    def _get_validation_exclusions(self) -> set[str]:
        exclude = super()._get_validation_exclusions()
        exclude.discard("owner")
        exclude.discard("name_key")
        return exclude


class ContactPointForm(OwnedForm):
    """Normalises emails, phones and addresses as the services do."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        kind, value = data.get("kind"), data.get("value")
        if kind and value:
            try:
                data["value"] = normalize(kind, value)
            except ValueError as exc:
                self.add_error("value", str(exc))
        return data


class LinkForm(OwnedForm):
    """Stores the undirected pair in its canonical order, whatever order the user chose."""

    def clean(self) -> dict[str, Any]:
        data = super().clean()
        a, b = data.get("a"), data.get("b")
        if a and b:
            if a.pk == b.pk:
                raise forms.ValidationError(_("A person cannot be linked to themselves."))
            if a.pk > b.pk:
                data["a"], data["b"] = b, a
        return data


def _scope(request: HttpRequest, db_field: Any, kwargs: dict[str, Any]) -> None:
    """Limit a relation's choices to the user's own rows."""
    model = db_field.remote_field.model
    if any(f.name == "owner" for f in model._meta.get_fields()):
        kwargs["queryset"] = model._default_manager.filter(owner=request.user)


class OwnedAdminMixin:
    """Owner scoping shared by model admins and inlines."""

    form = OwnedForm

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).filter(owner=request.user)  # type: ignore[misc]

    def formfield_for_foreignkey(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        _scope(request, db_field, kwargs)
        return super().formfield_for_foreignkey(db_field, request, **kwargs)  # type: ignore[misc]

    def formfield_for_manytomany(self, db_field: Any, request: HttpRequest, **kwargs: Any) -> Any:
        _scope(request, db_field, kwargs)
        return super().formfield_for_manytomany(db_field, request, **kwargs)  # type: ignore[misc]

    def has_module_permission(self, request: HttpRequest) -> bool:
        return request.user.is_active and request.user.is_staff

    def has_view_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return self.has_module_permission(request)

    has_add_permission = has_view_permission  # type: ignore[assignment]
    has_change_permission = has_view_permission
    has_delete_permission = has_view_permission


class OwnedInline(OwnedAdminMixin, admin.TabularInline):
    """An inline whose rows get the parent's owner."""

    extra = 0

    def get_formset(self, request: HttpRequest, obj: Any = None, **kwargs: Any) -> Any:
        formset = super().get_formset(request, obj, **kwargs)
        formset.form = type(formset.form.__name__, (formset.form,), {"owner": request.user})
        return formset


class OwnedAdmin(OwnedAdminMixin, admin.ModelAdmin):
    """A model admin that fills in the owner and keeps every list to the user's rows."""

    exclude = ("owner",)
    list_per_page = 50

    def get_form(
        self, request: HttpRequest, obj: Any = None, change: bool = False, **kwargs: Any
    ) -> Any:
        form = super().get_form(request, obj, change=change, **kwargs)
        return type(form.__name__, (form,), {"owner": request.user})

    def save_model(self, request: HttpRequest, obj: Any, form: Any, change: bool) -> None:
        if obj.owner_id is None:
            obj.owner = request.user
        super().save_model(request, obj, form, change)

    def save_formset(self, request: HttpRequest, form: Any, formset: Any, change: bool) -> None:
        for inline_obj in formset.save(commit=False):
            if hasattr(inline_obj, "owner_id") and inline_obj.owner_id is None:
                inline_obj.owner = request.user
            inline_obj.save()
        for deleted in formset.deleted_objects:
            deleted.delete()
        formset.save_m2m()
        snapshots.bump(request.user.pk)

    def delete_model(self, request: HttpRequest, obj: Any) -> None:
        super().delete_model(request, obj)
        snapshots.bump(request.user.pk)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        super().delete_queryset(request, queryset)
        snapshots.bump(request.user.pk)


def _run_service(
    modeladmin: admin.ModelAdmin, request: HttpRequest, queryset: QuerySet, service: Any, done: str
) -> None:
    """Apply a service to each selected row and report how many succeeded."""
    count = 0
    for obj in queryset:
        try:
            service(obj)
        except EntregentError as exc:
            modeladmin.message_user(request, f"{obj}: {exc}", messages.ERROR)
        else:
            count += 1
    modeladmin.message_user(request, done % {"count": count}, messages.SUCCESS)


class ContactPointInline(OwnedInline):
    model = ContactPoint
    form = ContactPointForm
    fields = ("kind", "value", "label")


class NeedInline(OwnedInline):
    model = Need
    fields = ("text", "tags", "status")


class OfferInline(OwnedInline):
    model = Offer
    fields = ("text", "tags", "status")


class RecognitionInline(OwnedInline, admin.StackedInline):  # type: ignore[misc]
    model = Recognition
    fields = ("level_override", "evidence", "perception")
    max_num = 1


@admin.register(Person)
class PersonAdmin(OwnedAdmin):
    list_display = (
        "full_name",
        "organization",
        "title",
        "tag_list",
        "last_contact",
        "interaction_link",
        "is_me",
    )
    list_filter = (
        "is_me",
        ("tags", admin.RelatedOnlyFieldListFilter),
        ("organization", admin.RelatedOnlyFieldListFilter),
        "language",
        "closeness",
    )
    search_fields = (
        "name_key",
        "full_name",
        "title",
        "contact_points__value",
        "organization__name",
    )
    list_select_related = ("organization",)
    autocomplete_fields = ("organization",)
    filter_horizontal = ("tags",)
    inlines = (ContactPointInline, NeedInline, OfferInline, RecognitionInline)
    readonly_fields = ("is_me",)  # exactly one "me" per account, set by `entregent init`
    fields = (
        "full_name",
        "is_me",
        "organization",
        "title",
        "language",
        "closeness",
        "tags",
        "notes",
    )
    actions = ("delete_people",)

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return (
            super()
            .get_queryset(request)
            .prefetch_related("tags")
            .annotate(
                _last=Max("interactions__occurred_at"), _count=Count("interactions", distinct=True)
            )
            .order_by("full_name", "pk")  # Meta.ordering is dropped from GROUP BY queries
        )

    def has_delete_permission(self, request: HttpRequest, obj: Any = None) -> bool:
        return super().has_delete_permission(request, obj) and not (obj and obj.is_me)

    def delete_model(self, request: HttpRequest, obj: Person) -> None:
        services.delete_person(obj)

    def delete_queryset(self, request: HttpRequest, queryset: QuerySet) -> None:
        for person in queryset.filter(is_me=False):
            services.delete_person(person)

    def get_actions(self, request: HttpRequest) -> dict[str, Any]:
        actions = super().get_actions(request)
        actions.pop("delete_selected", None)  # deleting goes through the service instead
        return actions

    @admin.display(description=_("tags"))
    def tag_list(self, obj: Person) -> str:
        return ", ".join(t.name for t in obj.tags.all())

    @admin.display(description=_("last contact"), ordering="_last")
    def last_contact(self, obj: Person) -> Any:
        return obj._last

    @admin.display(description=_("interactions"), ordering="_count")
    def interaction_link(self, obj: Person) -> str:
        url = reverse("admin:network_interaction_changelist") + f"?participants__id__exact={obj.pk}"
        return format_html('<a href="{}">{}</a>', url, obj._count)

    @admin.action(description=_("Delete the selected people (not yourself)"))
    def delete_people(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_service(
            self, request, queryset, services.delete_person, _("%(count)d people deleted.")
        )


@admin.register(Organization)
class OrganizationAdmin(OwnedAdmin):
    list_display = ("name", "domain", "people_count")
    search_fields = ("name", "name_key", "domain")
    fields = ("name", "domain", "notes")

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).annotate(_people=Count("people")).order_by("name")

    @admin.display(description=_("people"), ordering="_people")
    def people_count(self, obj: Organization) -> int:
        return obj._people


@admin.register(Tag)
class TagAdmin(OwnedAdmin):
    list_display = ("name",)
    search_fields = ("name",)


@admin.register(ContactPoint)
class ContactPointAdmin(OwnedAdmin):
    form = ContactPointForm
    list_display = ("value", "kind", "label", "person")
    list_filter = ("kind",)
    search_fields = ("value", "person__full_name")
    list_select_related = ("person",)
    autocomplete_fields = ("person",)


@admin.register(Link)
class LinkAdmin(OwnedAdmin):
    form = LinkForm
    list_display = ("a", "b", "kind", "context", "strength", "since")
    list_filter = ("kind", "strength", "source")
    search_fields = ("a__full_name", "b__full_name", "context")
    list_select_related = ("a", "b")
    autocomplete_fields = ("a", "b")


@admin.register(Interaction)
class InteractionAdmin(OwnedAdmin):
    list_display = ("occurred_at", "kind", "direction", "people", "summary", "source")
    list_filter = ("kind", "direction", "source")
    date_hierarchy = "occurred_at"
    search_fields = ("participants__full_name", "summary", "external_id")
    autocomplete_fields = ("participants",)
    fields = (
        "occurred_at",
        "kind",
        "direction",
        "participants",
        "summary",
        "source",
        "external_id",
    )

    def get_queryset(self, request: HttpRequest) -> QuerySet:
        return super().get_queryset(request).prefetch_related("participants")

    def get_changeform_initial_data(self, request: HttpRequest) -> dict[str, Any]:
        return {"occurred_at": timezone.now(), **super().get_changeform_initial_data(request)}

    @admin.display(description=_("participants"))
    def people(self, obj: Interaction) -> str:
        return ", ".join(p.full_name for p in obj.participants.all())


class NeedOfferAdmin(OwnedAdmin):
    list_display = ("text", "person", "status", "created_at")
    list_filter = ("status", "person__is_me")
    search_fields = ("text", "person__full_name")
    list_select_related = ("person",)
    autocomplete_fields = ("person",)
    fields = ("person", "text", "tags", "status", "closed_at")


@admin.register(Need)
class NeedAdmin(NeedOfferAdmin):
    actions = ("mark_met", "withdraw")

    @admin.action(description=_("Mark the selected needs as met"))
    def mark_met(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_service(
            self,
            request,
            queryset,
            lambda n: services.close_need(n, Status.MET),
            _("%(count)d needs marked met."),
        )

    @admin.action(description=_("Withdraw the selected needs"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_service(
            self,
            request,
            queryset,
            lambda n: services.close_need(n, Status.WITHDRAWN),
            _("%(count)d needs withdrawn."),
        )


@admin.register(Offer)
class OfferAdmin(NeedOfferAdmin):
    actions = ("withdraw",)

    @admin.action(description=_("Withdraw the selected offers"))
    def withdraw(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_service(
            self,
            request,
            queryset,
            lambda o: services.close_offer(o, Status.WITHDRAWN),
            _("%(count)d offers withdrawn."),
        )


@admin.register(Exchange)
class ExchangeAdmin(OwnedAdmin):
    list_display = (
        "occurred_at",
        "giver",
        "receiver",
        "rung",
        "status",
        "thanked_at",
        "outcome_reported_at",
    )
    list_filter = ("rung", "status", "giver__is_me", "receiver__is_me")
    date_hierarchy = "occurred_at"
    search_fields = ("giver__full_name", "receiver__full_name", "note")
    list_select_related = ("giver", "receiver")
    autocomplete_fields = ("giver", "receiver", "need", "offer", "intro")
    actions = ("mark_thanked", "mark_outcome_reported")

    def save_model(self, request: HttpRequest, obj: Exchange, form: Any, change: bool) -> None:
        super().save_model(request, obj, form, change)
        services.open_thank_loop(obj)  # a favour received opens its gratitude loop here too

    @admin.action(description=_("Mark the selected favours as thanked"))
    def mark_thanked(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_service(
            self, request, queryset, services.mark_thanked, _("%(count)d favours marked thanked.")
        )

    @admin.action(description=_("Mark the outcome of the selected favours as reported"))
    def mark_outcome_reported(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_service(
            self,
            request,
            queryset,
            services.mark_outcome_reported,
            _("%(count)d outcomes marked reported."),
        )


@admin.register(Intro)
class IntroAdmin(OwnedAdmin):
    list_display = ("requester", "intermediary", "target", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("intermediary__full_name", "target__full_name", "outcome")
    list_select_related = ("requester", "intermediary", "target")
    autocomplete_fields = ("requester", "intermediary", "target", "goal")


@admin.register(Recognition)
class RecognitionAdmin(OwnedAdmin):
    list_display = ("person", "level_override", "perception")
    list_filter = ("level_override",)
    search_fields = ("person__full_name", "perception", "evidence")
    list_select_related = ("person",)
    autocomplete_fields = ("person",)


@admin.register(OfferTold)
class OfferToldAdmin(OwnedAdmin):
    list_display = ("person", "offer", "told_at", "channel")
    search_fields = ("person__full_name", "offer__text")
    list_select_related = ("person", "offer")
    autocomplete_fields = ("person", "offer")


@admin.register(Dismissal)
class DismissalAdmin(OwnedAdmin):
    list_display = ("need", "offer", "created_at")
    search_fields = ("need__text", "offer__text", "need__person__full_name")
    list_select_related = ("need", "offer")
    autocomplete_fields = ("need", "offer")


@admin.register(Goal)
class GoalAdmin(OwnedAdmin):
    list_display = ("__str__", "why", "status", "created_at")
    list_filter = ("status",)
    search_fields = ("target_person__full_name", "target_organization__name", "why")
    autocomplete_fields = ("target_person", "target_organization")


@admin.register(Task)
class TaskAdmin(OwnedAdmin):
    list_display = ("title", "kind", "due", "person", "done_at")
    list_filter = ("kind", ("done_at", admin.EmptyFieldListFilter))
    search_fields = ("title", "person__full_name")
    list_select_related = ("person",)
    autocomplete_fields = ("person", "intro", "exchange")
    actions = ("mark_done",)

    @admin.action(description=_("Mark the selected tasks as done"))
    def mark_done(self, request: HttpRequest, queryset: QuerySet) -> None:
        _run_service(self, request, queryset, services.complete_task, _("%(count)d tasks done."))
