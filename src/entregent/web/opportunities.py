"""The Opportunities screen: what I can give, to whom, and introductions to broker."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
