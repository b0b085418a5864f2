"""The calendar feed (parsed back with icalendar), network health with its trend, and the
digest that is sent once a day however many runs race for it."""

from __future__ import annotations

import datetime as dt
import os
import subprocess
import sys

import icalendar
import pytest
from django.core import mail
from django.test import Client
from django.utils import timezone

from entregent.demo import build_demo
from entregent.network import digest, feed, health, moves, services
from entregent.network.errors import InvalidInput
from entregent.network.models import Digest

NOW = timezone.make_aware(dt.datetime(2026, 11, 29, 9, 0))


@pytest.fixture
def demo(owner):
    build_demo(owner, people=150, seed=7, today=dt.date(2026, 11, 29))
    return owner


def test_it_writes_the_moves_and_tasks_as_a_calendar(demo) -> None:
    cal = icalendar.Calendar.from_ical(feed.calendar(demo, NOW))
    events = list(cal.walk("VEVENT"))
    day = moves.today(demo, NOW)
    assert len(events) >= len(day.moves) >= 1
    for event in events:
        assert event["UID"] and event["DTSTAMP"] and event["SUMMARY"] and event["DESCRIPTION"]
    first = events[0]
    assert first["SUMMARY"].startswith(day.moves[0].title)
    assert day.moves[0].key in first["DESCRIPTION"]
    start, end = first.decoded("DTSTART"), first.decoded("DTEND")
    assert (end - start) == dt.timedelta(minutes=day.moves[0].minutes)
    assert timezone.localtime(start).hour == 9
    tasks = [e for e in events if str(e["UID"]).startswith("task-")]
    assert tasks and all(isinstance(e.decoded("DTSTART"), dt.date) for e in tasks)
    again = icalendar.Calendar.from_ical(feed.calendar(demo, NOW))
    assert [str(e["UID"]) for e in again.walk("VEVENT")] == [str(e["UID"]) for e in events]


def test_it_serves_the_feed_to_its_token_only(demo, outsider) -> None:
    client = Client()
    token = services.new_feed_token(demo)
    response = client.get(f"/feed/{token}.ics")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert icalendar.Calendar.from_ical(response.content).walk("VEVENT")
    assert client.get("/feed/not-a-token.ics").status_code == 404
    renewed = services.new_feed_token(demo)
    assert client.get(f"/feed/{token}.ics").status_code == 404  # the old address is dead
    services.revoke_feed_token(demo)
    assert client.get(f"/feed/{renewed}.ics").status_code == 404
    assert feed.feed_url("abc").endswith("/feed/abc.ics")


def test_it_measures_health_now_and_at_each_month_end(demo) -> None:
    report = health.health(demo, NOW)
    assert [p.at for p in report.trend][:2] == ["2025-11-30", "2025-12-31"]
    assert report.trend[-1].at == "2026-10-31" and len(report.trend) == 12
    now = report.now
    assert now.contacts == 150 and 0 < now.real <= now.contacts
    assert now.circles[0] <= 5 and now.circles[1] <= 15 and now.circles[2] <= 50
    assert now.inner_know_offer <= now.inner <= 50
    assert now.open_loops >= now.overdue_loops >= 1
    assert any("gratitude loop" in note for note in report.notes)


def test_it_recomputes_the_past_from_the_history_then(owner, me) -> None:
    anne = services.add_person(owner, "Anne")
    for days in range(0, 300, 7):
        services.log_interaction(
            owner, [anne], kind="call", direction="them", occurred_at=NOW - dt.timedelta(days=days)
        )
    services.tell_offer(anne, services.add_offer(me, "Audit"), when=NOW - dt.timedelta(days=20))
    trend = health.health(owner, NOW).trend
    assert trend[0].active == 0 and trend[-1].active == 1  # no contact yet a year ago
    assert trend[-2].inner_know_offer == 0 and health.health(owner, NOW).now.inner_know_offer == 1


def test_it_prints_the_digest(demo) -> None:
    text = digest.text(moves.today(demo, NOW), NOW)
    assert text.startswith("Your moves for 2026-11-29")
    assert "entregent move done" in text


def test_it_emails_the_digest_once_a_day(demo, settings) -> None:
    settings.EMAIL_HOST = "smtp.example.org"
    sent, _body = digest.send(demo, NOW, to="claire@example.org")
    assert sent and len(mail.outbox) == 1
    assert mail.outbox[0].to == ["claire@example.org"]
    assert "2026-11-29" in mail.outbox[0].subject
    again, said = digest.send(demo, NOW, to="claire@example.org")
    assert not again and "already" in said and len(mail.outbox) == 1
    assert digest.send(demo, NOW + dt.timedelta(days=1), to="claire@example.org")[0]


def test_it_sends_one_digest_when_two_runs_race(tmp_path) -> None:
    """Two processes on one SQLite file, as cron and a hand-run would be."""
    env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
    env.update(
        ENTREGENT_DATA_DIR=str(tmp_path / "data"),
        ENTREGENT_EMAIL_FILE_PATH=str(tmp_path / "mail"),
        ENTREGENT_LANGUAGE="en",
    )
    cli = [sys.executable, "-m", "entregent.cli.main"]
    demo = subprocess.run([*cli, "demo", "--people", "20"], env=env, capture_output=True)
    assert demo.returncode == 0, demo.stderr
    runs = [
        subprocess.Popen(
            [*cli, "digest", "--email", "--to", "c@example.org"],
            env=env,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
        )
        for _ in range(2)
    ]
    outputs = [run.communicate(timeout=120)[0] for run in runs]
    assert all(run.returncode == 0 for run in runs)
    assert sorted("already sent" in out for out in outputs) == [False, True]
    assert any("Digest sent to c@example.org" in out for out in outputs)
    assert len(list((tmp_path / "mail").iterdir())) == 1


def test_it_releases_the_day_when_sending_fails(demo, settings, monkeypatch) -> None:
    settings.EMAIL_HOST = "smtp.example.org"

    def broken(*args, **kwargs):
        raise OSError("connection refused")

    monkeypatch.setattr(digest, "send_mail", broken)
    with pytest.raises(Exception, match="connection refused"):
        digest.send(demo, NOW, to="c@example.org")
    assert not Digest.objects.filter(owner=demo).exists()


def test_it_needs_an_address_and_a_server(owner, me, settings) -> None:
    with pytest.raises(InvalidInput, match="No address"):
        digest.send(owner, NOW)
    services.add_contact_point(me, "email", "Claire@Example.org")
    assert digest.recipient_of(owner) == "claire@example.org"
    settings.EMAIL_BACKEND = "django.core.mail.backends.smtp.EmailBackend"
    settings.EMAIL_HOST = ""
    with pytest.raises(InvalidInput, match="ENTREGENT_EMAIL_HOST"):
        digest.send(owner, NOW, to="c@example.org")


def test_the_feed_and_the_digest_speak_the_language_chosen_on_the_screens(demo, settings) -> None:
    web = Client()
    web.force_login(demo)
    token = services.new_feed_token(demo)
    english = Client().get(f"/feed/{token}.ics").content.decode()
    assert "entregent: the day's moves" in english
    web.post("/i18n/setlang/", {"language": "fr", "next": "/"})
    assert services.language_of(demo) == "fr"
    french = Client().get(f"/feed/{token}.ics").content.decode()  # a calendar app: no cookie
    assert "X-WR-CALNAME:entregent : les gestes du jour" in french.replace("\r\n ", "")
    settings.EMAIL_HOST = "smtp.example.org"
    digest.send(demo, NOW, to="claire@example.org")
    assert mail.outbox[0].subject == "Vos gestes du 2026-11-29"
    Client().post("/i18n/setlang/", {"language": "en", "next": "/"})  # anonymous: not stored
    assert services.language_of(demo) == "fr"
