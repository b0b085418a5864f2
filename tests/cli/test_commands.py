"""Every CLI command through Typer's runner: what it prints, writes, and refuses (exit 2)."""

from __future__ import annotations

import datetime as dt
import json
import re
from pathlib import Path

import pytest
from django.contrib.auth import get_user_model
from typer.testing import CliRunner

from entregent.cli.commands import app
from entregent.network import services
from entregent.network.models import (
    Exchange,
    Interaction,
    Link,
    Need,
    Offer,
    OfferTold,
    Person,
    Task,
)

runner = CliRunner()
README = Path(__file__).resolve().parents[2] / "README.md"


@pytest.fixture
def cli(owner, me, monkeypatch):
    """Run a command as the owner; returns the result."""
    monkeypatch.setenv("ENTREGENT_USER", "owner")

    def invoke(*args: str):
        return runner.invoke(app, list(args))

    return invoke


@pytest.fixture
def yves(owner):
    return services.add_person(owner, "Yves Martin", organization="Armor", emails=["yves@armor.fr"])


def test_it_adds_a_person(cli, owner) -> None:
    result = cli(
        "add",
        "Zoé Le Goff",
        "--org",
        "Kerlann",
        "--title",
        "CEO",
        "--email",
        "zoe@kerlann.fr",
        "--email",
        "zoe@perso.fr",
        "--phone",
        "06 12 34 56 78",
        "--tag",
        "client",
        "--lang",
        "fr",
    )
    assert result.exit_code == 0, result.output
    assert "Added Zoé Le Goff" in result.output
    zoe = Person.objects.get(owner=owner, full_name="Zoé Le Goff")
    assert zoe.contact_points.count() == 3 and zoe.language == "fr"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["add", ""], "name cannot be empty"),
        (["add", "Zoé", "--email", "nope"], "not an email"),
        (["add", "Zoé", "--phone", "12"], "not a phone"),
        (["add", "Zoé", "--lang", "de"], "Unknown language"),
    ],
)
def test_it_refuses_bad_people(cli, owner, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2 and message in result.output
    assert isinstance(result.exception, SystemExit)  # a clean exit, not an escaped exception
    assert not Person.objects.filter(owner=owner, is_me=False).exists()


def test_it_logs_an_interaction(cli, yves) -> None:
    services.add_person(yves.owner, "Zoé Le Goff")
    result = cli(
        "log",
        "yves",
        "zoe",
        "--kind",
        "meeting",
        "--by",
        "them",
        "--on",
        "2026-03-14",
        "--note",
        "Lunch",
    )
    assert result.exit_code == 0, result.output
    interaction = Interaction.objects.get()
    assert interaction.direction == "them" and interaction.participants.count() == 2
    assert f"{interaction.occurred_at:%Y-%m-%d}" == "2026-03-14"


@pytest.mark.parametrize(
    ("args", "message"),
    [
        (["log", "yves", "--kind", "fax"], "Unknown kind"),
        (["log", "yves", "--kind", "call", "--by", "nobody"], "Unknown initiative"),
        (["log", "yves", "--kind", "call", "--on", "14 mars"], "not a date"),
        (["log", "yves", "--kind", "call", "--on", "2999-01-01"], "in the future"),
        (["log", "yves", "--kind", "call", "--on", "0001-01-01 00:00"], "too far in the past"),
        (["log", "yves", "--kind", "call", "--on", "99999999d"], "not a date"),
        (["log", "yves", "nobody", "--kind", "call"], "Nobody called “nobody”"),
    ],
)
def test_it_refuses_bad_interactions(cli, yves, args: list[str], message: str) -> None:
    result = cli(*args)
    assert result.exit_code == 2, result.output
    assert message in result.output
    assert not Interaction.objects.exists()


def test_it_lists_candidates_for_an_ambiguous_name(cli, owner) -> None:
    services.add_person(owner, "Jean Martin", organization="Armor")
    services.add_person(owner, "Jean Martin", organization="Iroise")
    result = cli("log", "jean", "--kind", "call")
    assert result.exit_code == 2
    assert "matches several people" in result.output
    assert "Armor" in result.output and "Iroise" in result.output
    assert len(re.findall(r"#\d+\s+Jean Martin", result.output)) == 2


def test_it_records_who_knows_whom(cli, yves, owner) -> None:
    services.add_person(owner, "Xavier Lambert")
    result = cli("knows", "Yves", "Xavier", "--context", "works regularly with", "--strength", "4")
    assert result.exit_code == 0, result.output
    assert Link.objects.get().context == "works regularly with"
    assert cli("knows", "Yves", "Xavier", "--strength", "9").exit_code == 2
    assert cli("knows", "Yves", "Yves").exit_code == 2


def test_it_records_needs_and_offers(cli, yves, me) -> None:
    assert cli("need", "Yves", "Cherche", "une location").exit_code == 0
    assert Need.objects.get().text == "Cherche une location"
    assert cli("offer", "me", "I know a rental").exit_code == 0
    assert Offer.objects.get().person == me
    result = cli("need", "Yves", " ")
    assert result.exit_code == 2 and "cannot be empty" in result.output


def test_it_records_favours_both_ways(cli, yves) -> None:
    result = cli("gave", "Yves", "information", "--note", "Rental contact")
    assert result.exit_code == 0, result.output
    result = cli("received", "Yves", "introduction", "--on", "yesterday")
    assert result.exit_code == 0, result.output
    assert "Thank them by" in result.output
    assert Exchange.objects.count() == 2 and Task.objects.get().kind == "thank"
    result = cli("gave", "Yves", "job")
    assert result.exit_code == 2 and "Unknown rung" in result.output
    assert Exchange.objects.count() == 2


def test_it_records_an_offer_told(cli, yves, me) -> None:
    services.add_offer(me, "Je peux relire un pitch commercial")
    result = cli("told", "Yves", "pitch", "--channel", "lunch")
    assert result.exit_code == 0, result.output
    assert OfferTold.objects.get().person == yves
    assert cli("told", "Yves", "holiday").exit_code == 2


def test_it_shows_a_person(cli, yves, me) -> None:
    services.add_need(yves, "Cherche une location")
    services.log_interaction(yves.owner, [yves], kind="call", direction="them")
    result = cli("show", "yves@armor.fr")
    assert result.exit_code == 0, result.output
    assert "Yves Martin" in result.output and "Cherche une location" in result.output
    data = json.loads(cli("show", "Yves", "--json").output)
    assert data["name"] == "Yves Martin" and data["interaction_count"] == 1
    assert data["needs"][0]["text"] == "Cherche une location"


def test_it_lists_people(cli, yves, owner) -> None:
    services.add_person(owner, "Zoé Le Goff", tags=["client"])
    result = cli("people")
    assert result.exit_code == 0 and "Yves Martin" in result.output and "2 people" in result.output
    rows = json.loads(cli("people", "--tag", "client", "--json").output)
    assert [r["name"] for r in rows] == ["Zoé Le Goff"]
    rows = json.loads(cli("people", "--org", "armor", "--json").output)
    assert [r["organization"] for r in rows] == ["Armor"]


def test_it_initialises_an_account(db, monkeypatch) -> None:
    monkeypatch.delenv("ENTREGENT_USER", raising=False)
    result = runner.invoke(
        app,
        [
            "init",
            "--username",
            "claire",
            "--name",
            "Claire Dubois",
            "--password",
            "a-long-password",
        ],
    )
    assert result.exit_code == 0, result.output
    user = get_user_model().objects.get(username="claire")
    assert user.check_password("a-long-password") and user.is_staff
    assert Person.objects.get(owner=user, is_me=True).full_name == "Claire Dubois"
    again = runner.invoke(app, ["init", "--username", "claire"])
    assert again.exit_code == 0 and "already exists" in again.output
    short = runner.invoke(app, ["init", "--username", "other", "--password", "short"])
    assert short.exit_code == 2


def test_it_loads_the_demo_and_refuses_to_overwrite(db, monkeypatch) -> None:
    monkeypatch.delenv("ENTREGENT_USER", raising=False)
    result = runner.invoke(app, ["demo", "--people", "30", "--seed", "2"])
    assert result.exit_code == 0, result.output
    user = get_user_model().objects.get(username="demo")
    assert user.check_password("demo")
    count = Person.objects.filter(owner=user).count()
    refused = runner.invoke(app, ["demo"])
    assert refused.exit_code == 2 and "--reset" in refused.output
    kept = runner.invoke(app, ["demo", "--if-empty"])
    assert kept.exit_code == 0 and Person.objects.filter(owner=user).count() == count
    reset = runner.invoke(app, ["demo", "--people", "20", "--reset"])
    assert reset.exit_code == 0
    assert Person.objects.filter(owner=user).count() == 21


def test_it_asks_which_account_when_there_are_several(owner, teammate, monkeypatch) -> None:
    monkeypatch.delenv("ENTREGENT_USER", raising=False)
    result = runner.invoke(app, ["people"])
    assert result.exit_code == 2 and "ENTREGENT_USER" in result.output
    monkeypatch.setenv("ENTREGENT_USER", "ghost")
    assert runner.invoke(app, ["people"]).exit_code == 2


def test_it_reports_an_unexpected_error_in_one_line(cli, yves, monkeypatch) -> None:
    def boom(*args, **kwargs):
        raise RuntimeError("disk on fire")

    monkeypatch.setattr(services, "add_need", boom)
    result = cli("need", "Yves", "anything")
    assert result.exit_code == 1
    assert "unexpected error (RuntimeError: disk on fire)" in result.output
    assert isinstance(result.exception, SystemExit)


def test_it_documents_every_command_in_the_readme() -> None:
    readme = README.read_text(encoding="utf-8")
    names = [c.name or c.callback.__name__ for c in app.registered_commands]
    missing = [n for n in names if f"entregent {n}" not in readme]
    assert not missing, f"commands missing from README.md: {missing}"


def test_it_gives_every_command_help_and_an_example() -> None:
    for command in app.registered_commands:
        name = command.name or command.callback.__name__
        result = runner.invoke(app, [name, "--help"])
        assert result.exit_code == 0
        assert "Example:" in result.output and f"entregent {name}" in result.output, name


def test_it_prints_names_with_brackets_as_text(cli, owner) -> None:
    for name in ("Bob [/]", "Alice [red]x"):
        result = cli("add", name)
        assert result.exit_code == 0, result.output
        assert name in result.output
    assert "Alice [red]x" in cli("people").output
    shown = cli("show", "Bob")
    assert shown.exit_code == 0 and "Bob [/]" in shown.output


def test_it_writes_nothing_when_a_favour_date_is_bad(cli, yves, owner, me) -> None:
    me.delete()  # an account without its own person yet
    result = cli("gave", "Yves", "information", "--on", "nonsense")
    assert result.exit_code == 2
    assert not Person.objects.filter(owner=owner, is_me=True).exists()
    assert not Exchange.objects.exists()


def test_it_pins_the_demo_to_a_day(db, monkeypatch) -> None:
    monkeypatch.delenv("ENTREGENT_USER", raising=False)
    result = runner.invoke(app, ["demo", "--people", "20", "--today", "2026-01-15"])
    assert result.exit_code == 0, result.output
    last = Interaction.objects.order_by("-occurred_at").first().occurred_at
    assert last.date().isoformat() <= "2026-01-15"
    assert not get_user_model().objects.get(username="demo").is_superuser


@pytest.fixture
def demo_cli(owner, monkeypatch):
    from entregent.demo import build_demo

    build_demo(owner, people=150, seed=7, today=dt.date(2026, 11, 29))
    monkeypatch.setenv("ENTREGENT_USER", "owner")
    return lambda *args: runner.invoke(app, [*args, "--at", "2026-11-29"])


def test_it_summarises_the_network(demo_cli) -> None:
    result = demo_cli("network")
    assert result.exit_code == 0, result.output
    assert "the 5" in result.output and "weekly" in result.output
    assert "real relationships" in result.output
    data = json.loads(demo_cli("network", "--json").output)
    assert [c["circle"] for c in data["circles"]] == [5, 15, 50, 150, 500]
    assert sum(c["people"] for c in data["circles"]) + data["outside_circles"] == 150
    assert 0 < data["real"] < data["contacts"] == 150
    assert 0 < data["drifting"] < data["active"] / 3


def test_it_lists_drifting_ties_with_reasons(demo_cli, owner) -> None:
    rows = json.loads(demo_cli("drifting", "--json").output)
    assert rows and all(r["why"] for r in rows)
    names = {r["name"] for r in rows}
    assert "Yves Martin" not in names
    drifting_tags = set(
        Person.objects.filter(owner=owner, full_name__in=names).values_list("tags__name", flat=True)
    )
    assert drifting_tags & {"friend", "close friend", "former client", "colleague"}
    text = demo_cli("drifting").output
    assert rows[0]["name"] in text
    assert "Silent for" in text or "is unlikely" in text  # the reasons, not just the header


def test_it_shows_every_measure_of_mr_y(demo_cli) -> None:
    data = json.loads(demo_cli("show", "Yves Martin", "--json").output)
    measures = data["measures"]
    assert measures["p_alive"] > 0.9 and not measures["drifting"]
    assert measures["ask"] in ("advice", "introduction")
    assert set(measures["explanations"]) == {
        "strength",
        "circle",
        "drift",
        "reciprocity",
        "ledger",
        "recognition",
        "ask",
    }
    text = demo_cli("show", "Yves Martin").output
    assert "Measures" in text and "Ask for" in text


def test_it_lists_and_acts_on_opportunities(cli, owner, me) -> None:
    asker = services.add_person(owner, "Yves Martin", language="fr")
    need = services.add_need(asker, "Cherche une location pour les vacances en Bretagne")
    offer = services.add_offer(me, "I know a great holiday rental deal in Brittany")
    data = json.loads(cli("opportunities", "--json").output)
    assert data["method"] == "semantic"
    key = f"G{need.pk}-{offer.pk}"
    assert data["give"][0]["key"] == key and data["give"][0]["message"].startswith("Bonjour")
    assert ["location pour les vacances", "holiday rental"] in data["give"][0]["related_terms"]
    text = cli("opportunities").output
    assert key in text and "Yves Martin" in text
    assert "related terms: location pour les vacances ≈ holiday rental" in text
    result = cli("give", key, "--rung", "advice", "--note", "sent the contact")
    assert result.exit_code == 0, result.output
    assert Exchange.objects.get().rung == "advice"
    again = cli("give", key)
    assert again.exit_code == 2 and "already closed" in again.output
    assert cli("give", "nonsense").exit_code == 2


def test_it_dismisses_an_opportunity_from_the_cli(cli, owner, me) -> None:
    asker = services.add_person(owner, "Zoé")
    need = services.add_need(asker, "Cherche un expert-comptable pour sa SARL")
    best = services.add_offer(me, "Je connais un expert-comptable pour les SARL")
    second = services.add_offer(me, "Ma sœur est expert-comptable indépendante")
    assert "entregent dismiss KEY" in cli("opportunities").output
    result = cli("dismiss", f"G{need.pk}-{best.pk}")
    assert result.exit_code == 0 and "no longer be proposed" in result.output
    assert f"Proposed instead:\nG{need.pk}-{second.pk}" in result.output
    data = json.loads(cli("opportunities", "--json").output)
    assert [o["key"] for o in data["give"]] == [f"G{need.pk}-{second.pk}"]
    assert cli("dismiss", f"G{need.pk}-{best.pk}", "--undo").exit_code == 0
    again = cli("dismiss", f"G{need.pk}-{best.pk}", "--undo")
    assert again.exit_code == 2 and "not dismissed" in again.output
    assert cli("dismiss", "G999-999").exit_code != 0


def test_it_reaches_and_runs_an_introduction_from_the_cli(demo_cli, owner) -> None:
    data = json.loads(demo_cli("reach", "Xavier Lambert", "--json").output)
    assert data["chains"][0]["people"][0]["name"] == "Yves Martin"
    assert "Yves Martin" in demo_cli("reach", "Xavier Lambert").output

    def run(*args: str):
        return runner.invoke(app, list(args))

    started = run("intro", "start", "Xavier Lambert", "--via", "Yves Martin")
    assert started.exit_code == 0, started.output
    over = run("intro", "asked", "Xavier Lambert", "--rung", "business")
    assert over.exit_code == 0 and "Warning" in over.output and "better ask" in over.output
    assert run("intro", "made", "Xavier Lambert").exit_code == 0
    loops = json.loads(run("loops", "--json", "--at", "2026-12-31").output)
    thank = [row for row in loops if row["kind"] == "thank" and "Yves" in row["title"]]
    assert thank and thank[0]["overdue_days"] > 0
    assert "overdue" in run("loops", "--at", "2026-12-31").output
    assert run("intro", "met", "Xavier Lambert").exit_code == 0
    assert run("intro", "outcome", "Xavier Lambert", "A pilot is on").exit_code == 0
    assert run("intro", "thanked", "Xavier Lambert").exit_code == 0
    closed = run("intro", "thanked", "Xavier Lambert")
    assert closed.exit_code == 2
