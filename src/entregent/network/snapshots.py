"""The user's network as engine arrays, kept in the database between requests and commands.

Building the arrays reads every interaction (a second or more at a million); they change only
when the network does. Every write that changes what the arrays hold raises the owner's
revision (signals for saves and membership changes, `bump` for bulk writers and deletes), and
the stored arrays are reused only while they were built at the current revision.

Reading the revision *before* the data makes a race harmless: a write landing in between makes
the stored arrays look older than they are, so they are rebuilt once more, never served stale.
"""

from __future__ import annotations

import dataclasses
import io
import secrets

import numpy as np
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import F
from django.db.models.signals import m2m_changed, post_save

from entregent.engine.drift import MBGParams
from entregent.engine.snapshot import Snapshot
from entregent.engine.strength import HalfLifeFit
from entregent.network.models import (
    Exchange,
    Interaction,
    Intro,
    Link,
    Offer,
    OfferTold,
    Person,
    Recognition,
    SnapshotCache,
)
from entregent.network.queries import Network, build_network

FORMAT = 3  # bump when the stored layout changes: older blobs are then rebuilt

# The tables `build_network` reads; a save in any of them changes the arrays.
WATCHED = (Person, Interaction, Exchange, Intro, Recognition, OfferTold, Offer, Link)


def bump(owner_id: int) -> None:
    """Mark the owner's stored arrays out of date (one UPDATE). With no row yet, one is made at
    revision 1, so a first reader racing this write cannot store what it read as current."""
    rows = SnapshotCache.objects.filter(owner_id=owner_id)
    if rows.update(revision=F("revision") + 1):
        return
    _row, created = SnapshotCache.objects.get_or_create(owner_id=owner_id, defaults={"revision": 1})
    if not created:
        rows.update(revision=F("revision") + 1)


def _encode(net: Network) -> bytes:
    arrays = {f"s_{k}": v for k, v in vars(net.snapshot).items()}
    buffer = io.BytesIO()
    np.savez(buffer, format=np.array(FORMAT), observed=net.observed, links=net.links, **arrays)
    return buffer.getvalue()


def _decode(data: bytes) -> Network | None:
    try:
        with np.load(io.BytesIO(bytes(data)), allow_pickle=False) as z:
            if int(z["format"]) != FORMAT:
                return None
            fields = {k[2:]: z[k] for k in z.files if k.startswith("s_")}
            return Network(Snapshot(**fields), z["observed"], z["links"])
    except (ValueError, KeyError, TypeError, OSError):
        return None  # an unreadable blob is rebuilt, never trusted


# The last arrays each process decoded, by owner: (stored blob's token, network). A page then
# reads one small row (the revision, the token and the day's fits) instead of the whole blob,
# and the engine's per-snapshot memo (engine.snapshot.memo) lives on between its requests.
_DECODED: dict[int, tuple[str, Network]] = {}
KEEP_DECODED = 4  # owners kept decoded per process


def load_network(owner: AbstractBaseUser) -> Network:
    """The owner's network arrays: the stored ones when current, else rebuilt and stored."""
    head = (
        SnapshotCache.objects.filter(owner=owner)
        .values_list("revision", "built_revision", "token", "fits")
        .first()
    )
    kept = _DECODED.get(owner.pk)
    if head is not None and kept is not None and head[0] == head[1] and head[2] == kept[0]:
        return dataclasses.replace(kept[1], fits=head[3] or {})
    row, _created = SnapshotCache.objects.get_or_create(owner=owner)
    if row.data is not None and row.built_revision == row.revision:
        net = _decode(row.data)
        if net is not None:
            net.revision, net.fits = row.revision, row.fits or {}
            _keep(owner.pk, row.token, net)
            return net
    revision = row.revision
    net = build_network(owner)
    # Stored only if no write came in meanwhile; otherwise the next reader rebuilds.
    token = secrets.token_hex(16)
    stored = SnapshotCache.objects.filter(pk=row.pk, revision=revision).update(
        built_revision=revision, data=_encode(net), fits={}, token=token
    )
    if stored:
        net.revision = revision
        _keep(owner.pk, token, net)
    return net


def _keep(owner_id: int, token: str, net: Network) -> None:
    """Remember the decoded arrays of a stored blob for this process's next request."""
    if not token:
        return  # stored before blobs were marked: decoded each time until rebuilt
    # Shared by the requests that follow: read-only, so none can change it for the next.
    for values in (*vars(net.snapshot).values(), net.observed, net.links):
        if isinstance(values, np.ndarray):
            values.flags.writeable = False
    if owner_id not in _DECODED and len(_DECODED) >= KEEP_DECODED:
        _DECODED.pop(next(iter(_DECODED)), None)
    _DECODED[owner_id] = (token, net)


def fits_of(net: Network, day: str) -> tuple[HalfLifeFit, MBGParams] | None:
    """The half-life and MBG/NBD fits made on these arrays on this day, if any."""
    saved = net.fits.get(day)
    if not saved:
        return None
    h = saved["half_life"]
    return (
        HalfLifeFit(
            float(h["half_life"]),
            bool(h["fitted"]),
            {float(k): float(v) for k, v in h["scores"].items()},
            str(h["reason"]),
        ),
        MBGParams(**saved["params"]),
    )


def store_fits(
    owner: AbstractBaseUser, net: Network, day: str, fit: HalfLifeFit, params: MBGParams
) -> None:
    """Keep the day's fits beside the arrays they were made on (dropped with them on a write):
    both fits cost more than every other measure together, and move little within a day."""
    if net.revision < 0:
        return
    value = {
        day: {
            "half_life": {
                "half_life": fit.half_life,
                "fitted": fit.fitted,
                "scores": {str(k): v for k, v in fit.scores.items()},
                "reason": fit.reason,
            },
            "params": dataclasses.asdict(params),
        }
    }
    SnapshotCache.objects.filter(owner=owner, revision=net.revision).update(fits=value)


def _on_save(sender: type, instance: object, **kwargs: object) -> None:
    owner_id = getattr(instance, "owner_id", None)
    if owner_id is not None:
        bump(owner_id)


def _on_participants(sender: type, instance: object, action: str, **kwargs: object) -> None:
    if action in ("post_add", "post_remove", "post_clear"):
        _on_save(sender, instance)


def connect() -> None:
    """Watch the tables the arrays come from (called once, from the app's ready())."""
    for model in WATCHED:
        post_save.connect(_on_save, sender=model, dispatch_uid=f"snapshot-save-{model.__name__}")
    # Deletes call `bump` themselves (services, the admin): a post_delete receiver would make
    # Django load every deleted row to send it, a million interactions included.
    m2m_changed.connect(
        _on_participants,
        sender=Interaction.participants.through,
        dispatch_uid="snapshot-participants",
    )
