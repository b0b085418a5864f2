"""The real-world samples are read in place from ../shared/realdata, never copied here."""

from __future__ import annotations

import pytest

from tests.conftest import REALDATA, realdata_dir


def test_it_finds_the_shared_samples() -> None:
    folder = realdata_dir()
    assert (folder / "SOURCES.md").exists()
    assert any((folder / "vcard").glob("*.vcf"))


def test_it_fails_instead_of_skipping_when_samples_are_required(monkeypatch) -> None:
    monkeypatch.setenv("ENTREGENT_REQUIRE_REALDATA", "1")
    with pytest.raises(pytest.fail.Exception, match="ENTREGENT_REQUIRE_REALDATA=1"):
        realdata_dir("no-such-folder")
    monkeypatch.delenv("ENTREGENT_REQUIRE_REALDATA")
    with pytest.raises(pytest.skip.Exception):
        realdata_dir("no-such-folder")
    assert REALDATA.name == "realdata"
