"""Reading numbers from query strings and forms without ever failing on odd input."""

from __future__ import annotations

from django.http import HttpRequest
from django.utils.http import url_has_allowed_host_and_scheme

ID_DIGITS = 12  # no id of ours is longer; longer "numbers" overflow database integers


def is_number(raw: str, digits: int = ID_DIGITS) -> bool:
    """True for a plain ASCII whole number short enough to use as an id or a count.

    str.isdigit alone accepts "²" (which int() refuses) and a thousand digits (which the
    database refuses): both would end as an error page.
    """
    return raw.isascii() and raw.isdigit() and len(raw) <= digits


def safe_next(request: HttpRequest) -> str:
    """The `next` address of a form or link when it stays on this site, else ""."""
    target = request.POST.get("next") or request.GET.get("next") or ""
    if target and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return ""
