"""The Person screen: one contact's card, measures explained, timeline and quick log."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect
from django.urls import URLPattern, path


@login_required
def person(request: HttpRequest, pk: int) -> HttpResponse:
    """Temporary: the admin's page for this person, until the Person screen lands."""
    return redirect("admin:network_person_change", pk)


urlpatterns: list[URLPattern] = [path("people/<int:pk>/", person, name="person")]
