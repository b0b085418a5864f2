"""Benchmark: importing a 100,000-message mbox and a 10,000-card vCard file into SQLite.

Usage: python bench/bench_import.py [--messages 100000] [--cards 10000] [--correspondents 3000]

Both files are generated in a temporary folder: the mailbox with realistic messages (chains of
Received headers, multipart bodies, one in ten with a base64 attachment, folded and RFC 2047
encoded headers, a `>From ` line in some bodies, a few thousand correspondents, the user sending
three messages in ten); the vCard file with cards of 3.0 and 4.0 shapes. Reported, in one run:

- the naive loop — `mailbox.mbox` iterating every message and reading its headers — as the
  baseline, and our parsing stage alone (`io.mail`) on the same file, with their ratio;
- the mailbox end to end (parse, resolve identities, write) into a fresh SQLite database;
- the vCard file end to end.
"""

from __future__ import annotations

import argparse
import base64
import os
import platform
import random
import sys
import tempfile
import time
from pathlib import Path

FIRST = ["Anne", "Yves", "Zoé", "Hugo", "Léa", "Marc", "Inès", "Paul", "Chloé", "Louis", "Emma"]
LAST = ["Martin", "Bernard", "Le Goff", "Quéré", "Dubois", "Moreau", "Lefèvre", "Roux", "Smith"]
DOMAINS = ["armor.fr", "kerlann.fr", "example.org", "lambda-bank.com", "mail.test"]
ME = "claire@dubois.fr"


SYLLABLES = [
    "ker", "lan", "bo", "ri", "mo", "du", "val", "an", "ge", "quen", "tal", "ro", "vi", "sa",
    "pel", "tri", "gou", "nec", "har", "fo", "lis", "mar", "zu", "det", "chau", "bri", "po",
]  # fmt: skip


def _people(n: int, rng: random.Random) -> list[tuple[str, str]]:
    """n people with distinct, plausible names (a real address book rarely holds two people of
    the same name at the same firm) and distinct addresses."""
    out, seen = [], set()
    while len(out) < n:
        first = rng.choice(FIRST)
        last = (
            rng.choice(LAST)
            if rng.random() < 0.1
            else "".join(rng.choice(SYLLABLES) for _ in range(rng.randint(3, 4))).capitalize()
        )
        if (first, last) in seen:
            continue
        seen.add((first, last))
        local = f"{first}.{last}".lower().replace(" ", "").encode("ascii", "ignore").decode()
        out.append((f"{first} {last}", f"{local}{len(out)}@{rng.choice(DOMAINS)}"))
    return out


def _header_name(name: str) -> str:
    """Display names with accents as RFC 2047 encoded words, as mail clients write them."""
    if name.isascii():
        return f'"{name}"'
    return "=?utf-8?b?" + base64.b64encode(name.encode()).decode() + "?="


def write_mbox(path: Path, messages: int, correspondents: int, seed: int = 5) -> None:
    rng = random.Random(seed)
    people = _people(correspondents, rng)
    attachment = base64.encodebytes(os.urandom(3000)).decode()
    with path.open("w", encoding="utf-8", newline="\n") as out:
        for k in range(messages):
            when = 1_700_000_000 + k * 260
            stamp = time.strftime("%a, %d %b %Y %H:%M:%S +0000", time.gmtime(when))
            envelope = time.strftime("%a %b %d %H:%M:%S %Y", time.gmtime(when))
            a, b = rng.choice(people), rng.choice(people)
            mine = rng.random() < 0.3
            sender = (f'"Claire Dubois" <{ME}>') if mine else f"{_header_name(a[0])} <{a[1]}>"
            to = f"{_header_name(b[0])} <{b[1]}>" if mine else f'"Claire Dubois" <{ME}>'
            cc = f",\n\t{_header_name(a[0])} <{a[1]}>" if mine and rng.random() < 0.2 else ""
            received = "".join(
                f"Received: from relay{j}.{rng.choice(DOMAINS)} (relay{j} [10.0.{j}.{k % 250}])\n"
                f"\tby mx.{rng.choice(DOMAINS)} with ESMTPS id {k:x}{j}\n\tfor <{ME}>; {stamp}\n"
                for j in range(rng.randint(2, 5))
            )
            body = (
                "--b1\nContent-Type: text/plain; charset=utf-8\n\n"
                f"Bonjour,\n\nVoici le point {k}.\n>From the minutes of last week.\n\n--b1\n"
                "Content-Type: text/html; charset=utf-8\n\n<p>Voici le point.</p>\n"
            )
            if k % 10 == 0:
                body += (
                    "--b1\nContent-Type: application/pdf; name=doc.pdf\n"
                    "Content-Transfer-Encoding: base64\n\n" + attachment
                )
            body += "--b1--\n"
            out.write(
                f"From {a[1]} {envelope}\n{received}From: {sender}\nTo: {to}{cc}\n"
                f"Subject: =?utf-8?q?Point_n=C2=B0_{k}?=\nDate: {stamp}\n"
                f"Message-ID: <{k}.{seed}@bench.entregent>\nMIME-Version: 1.0\n"
                'Content-Type: multipart/alternative; boundary="b1"\n\n'
                f"{body}\n"
            )


def write_vcards(path: Path, cards: int, seed: int = 6) -> None:
    rng = random.Random(seed)
    people = _people(cards, rng)
    lines = []
    for k, (name, email) in enumerate(people):
        first, _sep, last = name.partition(" ")
        version = "4.0" if k % 2 else "3.0"
        lines += [
            "BEGIN:VCARD",
            f"VERSION:{version}",
            f"UID:bench-{k}",
            f"FN:{name}",
            f"N:{last};{first};;;",
            f"EMAIL;TYPE=work:{email}",
            f"TEL;TYPE=cell:+33 6 {k % 100:02d} {k // 100 % 100:02d} 00 {k % 97:02d}",
            f"ORG:{rng.choice(['Armor', 'Kerlann', 'Banque Lambda', 'Pixel & Plume'])}",
            "TITLE:Directrice commerciale",
            "NOTE:Rencontrée au salon\\, à Nantes",
            "END:VCARD",
        ]
    path.write_text("\r\n".join(lines) + "\r\n", encoding="utf-8")


def _setup(data_dir: str) -> None:
    os.environ["ENTREGENT_DATA_DIR"] = data_dir
    os.environ.pop("DATABASE_URL", None)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "entregent.settings")
    import django

    django.setup()
    from django.core.management import call_command

    call_command("migrate", verbosity=0)


def main() -> None:
    parser = argparse.ArgumentParser(description=(__doc__ or "").splitlines()[0])
    parser.add_argument("--messages", type=int, default=100_000)
    parser.add_argument("--cards", type=int, default=10_000)
    parser.add_argument("--correspondents", type=int, default=3_000)
    args = parser.parse_args()
    print(
        f"# {platform.machine()}, {os.cpu_count()} cores, "
        f"Python {platform.python_version()}, SQLite"
    )
    with tempfile.TemporaryDirectory() as tmp:
        folder = Path(tmp)
        _setup(str(folder / "data"))
        from django.contrib.auth import get_user_model
        from django.utils import timezone

        from entregent.io import mail
        from entregent.io.importing import import_paths
        from entregent.network import services

        mbox, vcf = folder / "bench.mbox", folder / "bench.vcf"
        start = time.perf_counter()
        write_mbox(mbox, args.messages, args.correspondents)
        write_vcards(vcf, args.cards)
        size = mbox.stat().st_size / 1e6
        print(
            f"generated {args.messages:,} messages ({size:.0f} MB) and {args.cards:,} cards "
            f"in {time.perf_counter() - start:.1f} s",
            flush=True,
        )

        start = time.perf_counter()
        naive = mail.naive_header_loop(mbox)
        naive_s = time.perf_counter() - start
        start = time.perf_counter()
        parsed = mail.parse_mbox_file(mbox)
        parse_s = time.perf_counter() - start
        print(
            f"naive loop (mailbox.mbox + headers): {naive:,} messages in {naive_s:.2f} s = "
            f"{naive / naive_s:,.0f} messages/s",
            flush=True,
        )
        print(
            f"parsing stage (io.mail): {len(parsed.interactions):,} messages in {parse_s:.2f} s "
            f"= {len(parsed.interactions) / parse_s:,.0f} messages/s, ×{naive_s / parse_s:.1f} "
            "the naive loop (target ≥ ×3)",
            flush=True,
        )

        user = get_user_model().objects.create_user(username="bench", password="x")
        me = services.ensure_me(user, "Claire Dubois")
        services.add_contact_point(me, "email", ME)
        start = time.perf_counter()
        (report,) = import_paths(user, [mbox], now=timezone.now())
        mbox_s = time.perf_counter() - start
        c = report.counts()
        print(
            f"mbox end to end into SQLite: {c['interactions_created']:,} interactions, "
            f"{c['created']:,} people created, {c['skipped']} skipped, in {mbox_s:.2f} s = "
            f"{args.messages / mbox_s:,.0f} messages/s (target ≥ 20,000)",
            flush=True,
        )
        start = time.perf_counter()
        (again,) = import_paths(user, [mbox], now=timezone.now())
        again_s = time.perf_counter() - start
        print(
            f"the same mbox again: {again.counts()['interactions_existing']:,} already there, "
            f"{again.counts()['interactions_created']} new, in {again_s:.2f} s",
            flush=True,
        )

        cards_user = get_user_model().objects.create_user(username="cards", password="x")
        services.ensure_me(cards_user, "Claire Dubois")
        start = time.perf_counter()
        (cards,) = import_paths(cards_user, [vcf], now=timezone.now())
        cards_s = time.perf_counter() - start
        print(
            f"vCard end to end into SQLite: {cards.counts()['created']:,} people in "
            f"{cards_s:.2f} s = {args.cards / cards_s:,.0f} cards/s (target: 10,000 in ≤ 5 s)",
            flush=True,
        )
    sys.exit(0)


if __name__ == "__main__":
    main()
