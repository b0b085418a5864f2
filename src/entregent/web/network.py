"""The Network screen: circles as a concentric picture and who knows whom."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
