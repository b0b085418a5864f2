"""Normalise contact points so the same address typed two ways is one address.

Emails are lower-cased (RFC 5321 lets the local part be case-sensitive, but no real provider
treats it so, and matching imports matters more). Phones become E.164 with `phonenumbers`.
"""

from __future__ import annotations

import re

import phonenumbers
from django.conf import settings
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.utils.translation import gettext as _

_URL_SCHEME = re.compile(r"^[a-z][a-z0-9+.-]*://", re.IGNORECASE)


def normalize_email(raw: str) -> str:
    """Return the address lower-cased and stripped, or raise ValueError when it is not one."""
    value = raw.strip().strip("<>").strip()
    if value.lower().startswith("mailto:"):
        value = value[7:]
    value = value.lower()
    try:
        validate_email(value)
    except ValidationError:
        raise ValueError(_("“%(value)s” is not an email address.") % {"value": raw}) from None
    return value


def normalize_phone(raw: str, region: str | None = None) -> str:
    """Return the number in E.164 (+33612345678), reading local numbers in the default region."""
    region = (region or settings.ENTREGENT_DEFAULT_REGION or "FR").upper()
    value = raw.strip()
    if value.lower().startswith("tel:"):
        value = value[4:]
    if value.startswith("00"):
        value = "+" + value[2:]
    try:
        number = phonenumbers.parse(value, region)
    except phonenumbers.NumberParseException:
        raise ValueError(_("“%(value)s” is not a phone number.") % {"value": raw}) from None
    if not phonenumbers.is_possible_number(number):
        raise ValueError(_("“%(value)s” is not a phone number.") % {"value": raw})
    return phonenumbers.format_number(number, phonenumbers.PhoneNumberFormat.E164)


def normalize_url(raw: str) -> str:
    """Return the address with a scheme and without a trailing slash."""
    value = raw.strip()
    if not value or " " in value:
        raise ValueError(_("“%(value)s” is not a web address.") % {"value": raw})
    if not _URL_SCHEME.match(value):
        value = "https://" + value
    scheme, rest = value.split("://", 1)
    host, _sep, path = rest.partition("/")
    if "." not in host and host != "localhost":
        raise ValueError(_("“%(value)s” is not a web address.") % {"value": raw})
    value = f"{scheme.lower()}://{host.lower()}" + (f"/{path}" if path else "")
    return value.rstrip("/")


def normalize_handle(raw: str) -> str:
    """Return the handle stripped; handles keep their case (some networks are case-sensitive)."""
    value = raw.strip()
    if not value:
        raise ValueError(_("A handle cannot be empty."))
    return value


def normalize(kind: str, raw: str) -> str:
    """Normalise a contact point of the given kind; raise ValueError with a readable message."""
    normalizers = {
        "email": normalize_email,
        "phone": normalize_phone,
        "url": normalize_url,
        "handle": normalize_handle,
    }
    try:
        return normalizers[kind](raw)
    except KeyError:
        raise ValueError(_("Unknown contact point kind “%(kind)s”.") % {"kind": kind}) from None


def guess_kind(raw: str) -> str:
    """Guess whether a bare string is an email, a phone, a web address or a handle."""
    value = raw.strip()
    if "@" in value.strip("@") and " " not in value and not value.startswith("@"):
        return "email"
    if re.fullmatch(r"[+()\d][\d\s().-]{5,}", value):
        return "phone"
    if _URL_SCHEME.match(value) or re.match(r"^(www\.)?[\w-]+\.[a-z]{2,}(/|$)", value, re.I):
        return "url"
    return "handle"
