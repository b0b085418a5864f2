"""Shared fixtures: three personas (owner, teammate, outsider) and a fast password hasher."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model

REALDATA = Path(__file__).resolve().parents[2] / "shared" / "realdata"


@pytest.fixture(autouse=True, scope="session")
def _terms_cache_out_of_the_users_folder(tmp_path_factory: pytest.TempPathFactory) -> None:
    """`make test` points ENTREGENT_DATA_DIR at a test folder; a bare `pytest` does not, and
    must not write the thesaurus cache (73 MB) into the user's own data folder."""
    if not os.environ.get("ENTREGENT_DATA_DIR"):
        from entregent.engine import matching

        matching.TERMS_CACHE = tmp_path_factory.mktemp("cache")


@pytest.fixture(autouse=True)
def _fast_passwords(settings) -> None:
    settings.PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]


def _user(username: str):
    return get_user_model().objects.create_user(
        username=username, password="password", is_staff=True
    )


@pytest.fixture
def owner(db):
    """The user whose network a test works on."""
    return _user("owner")


@pytest.fixture
def teammate(db):
    """A second user of the same installation; shares nothing unless told to."""
    return _user("teammate")


@pytest.fixture
def outsider(db):
    """A user who must never see the owner's data."""
    return _user("outsider")


@pytest.fixture
def me(owner):
    from entregent.network import services

    return services.ensure_me(owner, "Claire Dubois")


def realdata_dir(*parts: str) -> Path:
    """A folder of ../shared/realdata: skipped when absent, failed when it is required."""
    path = REALDATA.joinpath(*parts)
    if not path.exists():
        message = f"real-world samples not found at {path} (../shared/realdata beside the repo)"
        if os.environ.get("ENTREGENT_REQUIRE_REALDATA") == "1":
            pytest.fail(message + "; ENTREGENT_REQUIRE_REALDATA=1 requires them")
        pytest.skip(message)
    return path
