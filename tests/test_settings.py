"""Settings read from the environment fail loudly on bad values."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from entregent import settings as conf


@pytest.mark.parametrize(("raw", "expected"), [("", True), ("True", True), ("False", False)])
def test_it_reads_strict_booleans(monkeypatch, raw: str, expected: bool) -> None:
    monkeypatch.setenv("X_FLAG", raw)
    assert conf.env_bool("X_FLAG", True) is expected


@pytest.mark.parametrize("raw", ["true", "1", "yes", "FALSE"])
def test_it_refuses_loose_booleans(monkeypatch, raw: str) -> None:
    monkeypatch.setenv("X_FLAG", raw)
    with pytest.raises(ImproperlyConfigured, match="X_FLAG must be True or False"):
        conf.env_bool("X_FLAG", False)


def test_it_reads_secrets_from_files(monkeypatch, tmp_path) -> None:
    secret = tmp_path / "key"
    secret.write_text("s3cret\n")
    monkeypatch.setenv("X_SECRET_FILE", str(secret))
    assert conf.env_str("X_SECRET") == "s3cret"
    monkeypatch.setenv("X_SECRET_FILE", str(tmp_path / "missing"))
    with pytest.raises(ImproperlyConfigured, match="cannot be read"):
        conf.env_str("X_SECRET")


def test_it_refuses_bad_numbers(monkeypatch) -> None:
    monkeypatch.setenv("X_NUM", "twelve")
    with pytest.raises(ImproperlyConfigured):
        conf.env_int("X_NUM", 1)
    monkeypatch.setenv("X_NUM", "12")
    assert conf.env_int("X_NUM", 1) == 12
