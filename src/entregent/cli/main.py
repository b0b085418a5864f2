"""Entry point of the `entregent` command: set Django up, pick the language, run the commands."""

from __future__ import annotations

import os


def cli_language() -> str:
    """The CLI speaks French when ENTREGENT_LANGUAGE or the locale (LC_ALL, LANG…) says so."""
    explicit = os.environ.get("ENTREGENT_LANGUAGE", "").strip().lower()
    if explicit:
        return "fr" if explicit.startswith("fr") else "en"
    for name in ("LC_ALL", "LC_MESSAGES", "LANG"):
        value = os.environ.get(name, "")
        if value:
            return "fr" if value.lower().startswith("fr") else "en"
    return "en"


def run() -> None:
    """Console script: configure Django, then hand over to Typer."""
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entregent.settings")
    import sys

    import django
    from django.core.exceptions import ImproperlyConfigured

    try:
        django.setup()
    except ImproperlyConfigured as exc:
        print(f"entregent: configuration error: {exc}", file=sys.stderr)
        raise SystemExit(2) from None
    except Exception as exc:  # a broken environment must not end in a traceback either
        print(f"entregent: cannot start ({type(exc).__name__}: {exc})", file=sys.stderr)
        raise SystemExit(1) from None
    from django.utils import translation

    translation.activate(cli_language())
    from entregent.cli.commands import app

    app(prog_name="entregent")


if __name__ == "__main__":  # python -m entregent.cli.main, as the tests run it
    run()
