"""The Settings screen: my offers and contact points, preferences, feed, downloads."""

from __future__ import annotations

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
