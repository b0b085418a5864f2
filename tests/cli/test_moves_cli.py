"""`today`, `move`, `health`, `feed`, `digest` and `prefs` through Typer's runner."""

from __future__ import annotations

import datetime as dt
import json

import icalendar
import pytest
from django.core import mail
from typer.testing import CliRunner

from entregent.cli.commands import app
from entregent.network.models import Interaction, Move, Preferences

runner = CliRunner()


@pytest.fixture
def demo_cli(owner, monkeypatch):
    from entregent.demo import build_demo

    build_demo(owner, people=150, seed=7, today=dt.date(2026, 11, 29))
    monkeypatch.setenv("ENTREGENT_USER", "owner")
    return lambda *args: runner.invoke(app, list(args))


def test_it_prints_the_days_moves(demo_cli) -> None:
    result = demo_cli("today", "--at", "2026-11-29")
    assert result.exit_code == 0, result.output
    assert "Your moves for 2026-11-29" in result.output
    assert "Yves Martin" in result.output and "Say: Bonjour Yves" in result.output
    assert "entregent move done KEY" in result.output
    data = json.loads(demo_cli("today", "--at", "2026-11-29", "--minutes", "45", "--json").output)
    assert data["budget"] == 45 and data["minutes"] <= 45 and len(data["moves"]) >= 4
    assert {"key", "kind", "title", "person", "minutes", "why", "say"} <= set(data["moves"][0])


def test_it_marks_moves_done_snoozed_dismissed(demo_cli, owner) -> None:
    data = json.loads(demo_cli("today", "--at", "2026-11-29", "--minutes", "60", "--json").output)
    keys = [m["key"] for m in data["moves"]]
    rescue = next(k for k in keys if k.startswith(("rescue:", "answer:")))
    result = demo_cli("move", "done", rescue, "--note", "Called back")
    assert result.exit_code == 0, result.output
    assert Interaction.objects.filter(owner=owner, summary="Called back").exists()
    assert demo_cli("move", "snooze", keys[0], "--days", "2").exit_code == 0
    assert "Dismissed until" in demo_cli("move", "dismiss", keys[1]).output
    assert set(Move.objects.filter(owner=owner).values_list("state", flat=True)) == {
        "done",
        "snoozed",
        "dismissed",
    }
    bad = demo_cli("move", "done", "whatever")
    assert bad.exit_code == 2 and "not a move key" in bad.output


def test_it_shows_network_health(demo_cli) -> None:
    result = demo_cli("health", "--at", "2026-11-29")
    assert result.exit_code == 0, result.output
    assert "Network health on 2026-11-29" in result.output and "within the 150" in result.output
    data = json.loads(demo_cli("health", "--at", "2026-11-29", "--json").output)
    assert len(data["trend"]) == 12 and data["now"]["contacts"] == 150


def test_it_writes_and_publishes_the_feed(demo_cli, owner, tmp_path) -> None:
    path = tmp_path / "moves.ics"
    result = demo_cli("feed", "-o", str(path), "--at", "2026-11-29")
    assert result.exit_code == 0, result.output
    assert icalendar.Calendar.from_ical(path.read_bytes()).walk("VEVENT")
    url = demo_cli("feed", "--url").output.splitlines()[0]
    token = Preferences.objects.get(owner=owner).feed_token
    assert url.endswith(f"/feed/{token}.ics")
    assert demo_cli("feed", "--url").output.splitlines()[0] == url  # stable until renewed
    assert demo_cli("feed", "--new").output.splitlines()[0] != url
    assert demo_cli("feed", "--revoke").exit_code == 0
    assert Preferences.objects.get(owner=owner).feed_token is None
    bad = demo_cli("feed", "-o", str(tmp_path / "missing" / "x.ics"))
    assert bad.exit_code == 2 and "Cannot write" in bad.output


def test_it_prints_or_emails_the_digest(demo_cli, settings) -> None:
    result = demo_cli("digest", "--at", "2026-11-29")
    assert result.exit_code == 0 and result.output.startswith("Your moves for 2026-11-29")
    settings.EMAIL_HOST = "smtp.example.org"
    sent = demo_cli("digest", "--email", "--to", "c@example.org")
    assert sent.exit_code == 0, sent.output
    assert "Digest sent to c@example.org" in sent.output and len(mail.outbox) == 1
    assert "already" in demo_cli("digest", "--email", "--to", "c@example.org").output
    assert len(mail.outbox) == 1


def test_it_sets_minutes_and_capacity(demo_cli) -> None:
    assert "Minutes a day: 20" in demo_cli("prefs").output
    data = json.loads(demo_cli("prefs", "--minutes", "35", "--capacity", "90", "--json").output)
    assert data == {"daily_minutes": 35, "capacity": 90}
    day = json.loads(demo_cli("today", "--at", "2026-11-29", "--json").output)
    assert day["budget"] == 35
    assert json.loads(demo_cli("prefs", "--minutes", "0", "--json").output)["daily_minutes"] == 20
    assert demo_cli("prefs", "--minutes", "999").exit_code == 2
