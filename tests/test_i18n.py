"""French is complete: every message translated, and the compiled catalogue matches the source."""

from __future__ import annotations

import ast
import gettext
from pathlib import Path

from django.utils import translation

import entregent

LOCALE = Path(entregent.__file__).parent / "locale" / "fr" / "LC_MESSAGES"


def _read_po(path: Path) -> dict[str, str]:
    """msgid → msgstr of a .po file, flagging fuzzy entries with a "#fuzzy " prefix; a message
    with a context is keyed "context\x04msgid", as gettext's compiled catalogue keys it."""
    entries: dict[str, str] = {}
    msgid = msgstr = plural = context = None
    current = None
    fuzzy = False

    def flush() -> None:
        if msgid is not None and msgid != "":
            translated = msgstr if plural is None or plural else ""  # every plural form filled
            key = f"{context}\x04{msgid}" if context else msgid
            entries[key] = ("#fuzzy " if fuzzy else "") + (translated or "")

    for line in [*path.read_text(encoding="utf-8").splitlines(), ""]:
        if line.startswith("#,") and "fuzzy" in line:
            fuzzy = True
        elif line.startswith("msgctxt "):
            context = ast.literal_eval(line[8:])
        elif line.startswith("msgid "):
            flush()
            msgid, msgstr, plural, current = ast.literal_eval(line[6:]), None, None, "id"
        elif line.startswith("msgid_plural "):
            current = "plural"  # the plural form's text is not a key of its own
        elif line.startswith(("msgstr ", "msgstr[0] ")):
            msgstr, current = ast.literal_eval(line.split(" ", 1)[1]), "str"
        elif line.startswith("msgstr["):
            plural, current = ast.literal_eval(line.split(" ", 1)[1]), "plural str"
        elif line.startswith('"'):
            if current == "id":
                msgid += ast.literal_eval(line)
            elif current == "str":
                msgstr += ast.literal_eval(line)
            elif current == "plural str":
                plural += ast.literal_eval(line)
        elif not line.strip():
            flush()
            msgid = msgstr = plural = current = context = None
            fuzzy = False
    return entries


def test_it_translates_every_message_into_french() -> None:
    entries = _read_po(LOCALE / "django.po")
    assert len(entries) > 100
    untranslated = [k for k, v in entries.items() if not v or v.startswith("#fuzzy")]
    assert not untranslated, f"untranslated or fuzzy: {untranslated[:10]}"


def test_it_ships_a_compiled_catalogue_that_matches_the_source() -> None:
    with (LOCALE / "django.mo").open("rb") as handle:
        compiled = gettext.GNUTranslations(handle)._catalog  # type: ignore[attr-defined]
    source = _read_po(LOCALE / "django.po")
    stale = [k for k, v in source.items() if compiled.get(k, compiled.get((k, 0))) != v]
    assert not stale, f"run `make messages`: {stale[:5]}"


def test_it_speaks_french_when_asked() -> None:
    with translation.override("fr"):
        assert translation.gettext("Give a name.") == "Indiquez un nom."
    with translation.override("en"):
        assert translation.gettext("Give a name.") == "Give a name."


_MARKERS = {"_", "gettext", "gettext_lazy", "gettext_noop", "N_", "ngettext"}


def _source_messages() -> set[str]:
    """Every literal passed to a gettext function in the package's Python sources."""
    found: set[str] = set()
    for path in Path(entregent.__file__).parent.rglob("*.py"):
        for node in ast.walk(ast.parse(path.read_text(encoding="utf-8"))):
            if (
                isinstance(node, ast.Call)
                and isinstance(node.func, ast.Name)
                and node.func.id in _MARKERS
                and node.args
                and isinstance(node.args[0], ast.Constant)
                and isinstance(node.args[0].value, str)
            ):
                found.add(node.args[0].value)
    return found


def test_it_has_every_source_message_in_the_catalogue() -> None:
    missing = sorted(_source_messages() - set(_read_po(LOCALE / "django.po")))
    assert not missing, f"run `make messages` and translate: {missing[:10]}"
