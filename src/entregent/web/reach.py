"""The Reach screen: chains toward a target, the asks to make, introductions in motion."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
