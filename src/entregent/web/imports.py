"""The Import screen: upload, dry-run report, confirm, and merge suggestions."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
