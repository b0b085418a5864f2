"""The Network screen: circles as a concentric picture and who knows whom.

The circles, the load against capacity and the real network come from `health.overview`, the
same function as `entregent network`. The pictures are SVG laid out here, deterministically
(no physics, no JavaScript), and drawn by the templates, which escape every name.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field

import numpy as np
from django.contrib.auth.decorators import login_required
from django.contrib.auth.models import AbstractBaseUser
from django.db.models import Q
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, render
from django.urls import URLPattern, path
from django.utils import timezone
from django.utils.cache import patch_vary_headers
from django.utils.formats import number_format
from django.utils.translation import gettext as _

from entregent.engine import circles
from entregent.network import health, queries
from entregent.network.errors import EntregentError
from entregent.network.explain import NetworkView, cadence_label, circle_label, network_view
from entregent.network.models import Link, Person
from entregent.web.params import is_number

# The circles picture: SIZE × SIZE user units, the user at the centre, one band per circle.
SIZE = 600
CENTRE = SIZE / 2
CORE = 20.0  # radius of the user's own disc
RING_OUTER = (50.0, 100.0, 154.0, 216.0, 290.0)  # outer radius of the 5, 15, 50, 150, 500
DOT = (9.0, 7.0, 6.0, 5.0, 3.5)  # closer circles get bigger dots
CHAR_WIDTH = 10.0  # about one character of a ring label, in user units (for its gap)

# The who-knows-whom picture around one person.
EGO_MAX = 30  # people drawn around the centre, the strongest links first
EGO_RADIUS = 200.0  # of the ring they are drawn on
EGO_LABEL = 190.0  # room beyond the ring for a name (22 characters) along the radius


@dataclass
class Dot:
    """One person on the circles picture."""

    pk: int
    name: str
    circle: int
    label: str  # their circle, in words
    x: float
    y: float
    r: float
    drifting: bool


@dataclass
class Ring:
    """One circle's band: its outer radius, label and fill."""

    circle: int
    radius: float
    label: str
    label_y: float
    shade: bool


@dataclass
class Node:
    """One person on the who-knows-whom picture."""

    pk: int
    name: str
    x: float
    y: float
    role: str  # "centre", "me" or "person"
    drifting: bool = False
    circle: str = ""
    how: str = ""  # how they know the centre, in words
    anchor: str = "middle"  # the label's text-anchor
    lx: float = 0.0
    ly: float = 0.0
    rotate: float = 0.0  # the label's angle, in degrees


@dataclass
class Edge:
    """A line between two people who know each other."""

    x1: float
    y1: float
    x2: float
    y2: float
    kind: str  # "declared", "observed", "me" or "between"
    width: float


@dataclass
class Ego:
    """Who knows whom around one person: the picture and the list it stands for."""

    centre: Person
    nodes: list[Node] = field(default_factory=list)
    edges: list[Edge] = field(default_factory=list)
    hidden: int = 0  # people they know who are left out of the picture
    is_me: bool = False
    size: int = 0  # of the (square) picture, in user units

    @property
    def around(self) -> list[Node]:
        """The people drawn around the centre (neither the centre nor the user)."""
        return [n for n in self.nodes if n.role == "person"]

    @property
    def known(self) -> int:
        """How many people the centre knows, drawn or not."""
        return len(self.around) + self.hidden


def _tracks(n: int, inner: float, outer: float, dot: float, gap: float) -> list[float]:
    """Radii of the fewest concentric tracks of a band that hold `n` dots without overlap
    (`gap`: the length of arc kept free for the ring's label)."""
    width = outer - inner
    most = max(1, int(width // (2 * dot + 2)))
    radii = [(inner + outer) / 2]
    for t in range(1, most + 1):
        radii = [inner + width * (j + 0.5) / t for j in range(t)]
        if sum((2 * math.pi * r - gap) / (2 * dot + 3) for r in radii) >= n:
            break
    return radii


def _label_width(label: str) -> float:
    return CHAR_WIDTH * len(label) + 12.0


def circle_picture(view: NetworkView, names: dict[int, str]) -> tuple[list[Ring], list[Dot]]:
    """The rings of the 5 … 500 and one dot per person within them (never those outside).

    1. Each circle is a band between its cut and the previous one; its people are ordered
       by rank (strongest first, ties by id: the same network always gives the same picture).
    2. A band holds as many concentric tracks as its people need; rank j goes to track j mod t.
    3. On a track, dots are spread evenly clockwise from the top, leaving free the arc where
       the ring labels sit.
    """
    m = view.measures
    rings, dots = [], []
    labels = [circle_label(k) for k in range(len(circles.CUTS))]
    for k, outer in enumerate(RING_OUTER):
        inner = RING_OUTER[k - 1] if k else CORE + 4
        rings.append(Ring(k, outer, labels[k], CENTRE - outer, shade=k % 2 == 0))
        members = np.flatnonzero(m.circle == k)
        if not members.size:
            continue
        members = members[np.lexsort((m.ids[members], m.rank[members]))]
        label_arc = max(_label_width(labels[k]), _label_width(labels[k - 1]) if k else 0.0)
        radii = _tracks(members.size, inner, outer, DOT[k], label_arc)
        for t, radius in enumerate(radii):
            on_track = members[t :: len(radii)]
            gap = min(label_arc / radius, math.pi / 2)
            start = -math.pi / 2 + gap / 2
            step = (2 * math.pi - gap) / on_track.size
            for q, i in enumerate(on_track):
                angle = start + step * (q + 0.5)
                pk = int(m.ids[i])
                dots.append(
                    Dot(
                        pk=pk,
                        name=names.get(pk, ""),
                        circle=k,
                        label=labels[k],
                        x=round(CENTRE + radius * math.cos(angle), 1),
                        y=round(CENTRE + radius * math.sin(angle), 1),
                        r=DOT[k],
                        drifting=bool(m.drifting[i]),
                    )
                )
    return rings[::-1], dots  # outer rings first, so inner ones paint over them


def _known_by(view: NetworkView, pk: int) -> dict[int, tuple[int, str]]:
    """Everyone `pk` knows: person id → (link strength, "declared" or "observed"); a declared
    link wins over one seen in shared meetings."""
    out: dict[int, tuple[int, str]] = {}
    for pairs, kind in ((view.observed, "observed"), (view.links, "declared")):
        rows = pairs[(pairs[:, 0] == pk) | (pairs[:, 1] == pk)]
        for a, b, strength in rows.tolist():
            out[b if a == pk else a] = (int(strength), kind)
    out.pop(pk, None)
    return out


def _how(strength: int, kind: str, link: Link | None) -> str:
    """How two people know each other, in words."""
    if kind == "declared" and link is not None:
        label = str(link.get_kind_display())
        return f"{label} — {link.context}" if link.context else label
    if kind == "mine":
        return ""
    phrase = {
        2: _("seen together once"),
        3: _("seen together a few times"),
        4: _("seen together often"),
    }
    return phrase.get(strength, _("seen together"))


def ego_picture(
    owner: AbstractBaseUser, view: NetworkView, centre: Person, me: Person | None
) -> Ego:
    """Who knows whom around `centre`: the people they know around them, the links between
    those people, and the user marked (around the user: their strongest ties).

    Deterministic: the strongest links first, clockwise from the top; the user first of all.
    """
    m = view.measures
    position = {int(pid): k for k, pid in enumerate(m.ids)}
    ego = Ego(centre=centre, is_me=centre.is_me)
    if centre.is_me:
        order = np.lexsort((m.ids, -m.strength))
        order = order[m.strength[order] > 0]
        around = {int(m.ids[i]): (max(1, 5 - int(m.circle[i])), "mine") for i in order[:EGO_MAX]}
        ego.hidden = len(order) - len(around)
    else:
        around = _known_by(view, centre.pk)
        if me is not None:
            around.pop(me.pk, None)

    def my_strength(pk: int) -> float:
        return float(m.strength[position[pk]]) if pk in position else 0.0

    ranked = sorted(around, key=lambda pk: (-around[pk][0], -my_strength(pk), pk))
    shown = ranked[:EGO_MAX]
    ego.hidden += len(ranked) - len(shown)
    people = dict(Person.objects.filter(owner=owner, pk__in=shown).values_list("pk", "full_name"))
    links = {
        (lk.b_id if lk.a_id == centre.pk else lk.a_id): lk
        for lk in Link.objects.filter(owner=owner)
        .filter(Q(a=centre) | Q(b=centre))
        .filter(Q(a_id__in=shown) | Q(b_id__in=shown))
    }
    ego.size = round(2 * (EGO_RADIUS + EGO_LABEL))
    cx = cy = ego.size / 2
    ego.nodes.append(
        Node(
            centre.pk,
            centre.full_name,
            cx,
            cy,
            "me" if centre.is_me else "centre",
            drifting=centre.pk in position and bool(m.drifting[position[centre.pk]]),
            circle=circle_label(int(m.circle[position[centre.pk]]))
            if centre.pk in position
            else "",
            lx=cx,
            ly=cy + 30,
        )
    )
    ring: list[tuple[int, str, str]] = []  # (pk, name, role)
    if me is not None and not centre.is_me:
        ring.append((me.pk, me.full_name, "me"))
    ring += [(pk, people.get(pk, ""), "person") for pk in shown]
    at: dict[int, tuple[float, float]] = {centre.pk: (cx, cy)}
    for q, (pk, name, role) in enumerate(ring):
        angle = -math.pi / 2 + 2 * math.pi * q / len(ring)
        cos, sin = math.cos(angle), math.sin(angle)
        x, y = round(cx + EGO_RADIUS * cos, 1), round(cy + EGO_RADIUS * sin, 1)
        at[pk] = (x, y)
        # Labels run along the radius, away from the centre, so neighbours never overlap;
        # on the left half they are turned round to read left to right.
        lx = round(cx + (EGO_RADIUS + 14) * cos, 1)
        ly = round(cy + (EGO_RADIUS + 14) * sin, 1)
        degrees = math.degrees(angle)
        if role == "me":
            anchor, rotate, lx, ly = "middle", 0.0, x, round(y - 22, 1)
        elif cos >= -1e-9:
            anchor, rotate = "start", round(degrees, 1)
        else:
            anchor, rotate = "end", round(degrees + 180, 1)
        strength, kind = around.get(pk, (0, "me"))
        i = position.get(pk)
        ego.nodes.append(
            Node(
                pk,
                name,
                x,
                y,
                role,
                drifting=i is not None and bool(m.drifting[i]),
                circle=circle_label(int(m.circle[i])) if i is not None else "",
                how=_how(strength, kind, links.get(pk)) if role == "person" else "",
                anchor=anchor,
                lx=lx,
                ly=ly,
                rotate=rotate,
            )
        )
        width = 1.0 + 0.6 * strength
        edge_kind = "me" if role == "me" else ("declared" if kind == "mine" else kind)
        ego.edges.append(Edge(cx, cy, x, y, edge_kind, round(width if role != "me" else 2.0, 1)))
    # Links among the people around: who else knows whom, drawn light.
    ids = np.array(shown, dtype=np.int64)
    pairs = np.concatenate([view.links[:, :2], view.observed[:, :2]])
    among = pairs[np.isin(pairs[:, 0], ids) & np.isin(pairs[:, 1], ids)]
    for a, b in sorted({(int(a), int(b)) for a, b in among.tolist()}):
        (x1, y1), (x2, y2) = at[a], at[b]
        ego.edges.append(Edge(x1, y1, x2, y2, "between", 1.0))
    ego.edges.sort(key=lambda e: e.kind != "between")  # faint lines under the strong ones
    return ego


def _choices(owner: AbstractBaseUser, view: NetworkView, chosen: Person | None) -> list[Person]:
    """The people offered in the "around" list: the active circles by name, and the chosen."""
    m = view.measures
    active = [int(p) for p in m.ids[m.circle < circles.ACTIVE_CIRCLES]]
    if chosen is not None and not chosen.is_me:
        active.append(chosen.pk)
    return list(
        Person.objects.filter(owner=owner, pk__in=active, is_me=False)
        .select_related("organization")
        .only("full_name", "name_key", "organization__name")
        .order_by("name_key", "pk")
    )


def _centre(
    request: HttpRequest, view: NetworkView, me: Person | None
) -> tuple[Person | None, str]:
    """Whom the who-knows-whom picture is around: `?who=` (a name, as typed), `?around=<id>`
    (another user's id: 404), else the strongest contact, else the user; and any message."""
    who = request.GET.get("who", "").strip()
    if who:
        try:
            return queries.find_person(request.user, who), ""
        except EntregentError as exc:
            message = str(exc)
    else:
        message = ""
    around = request.GET.get("around", "").strip()
    if around:
        if not is_number(around):
            raise Http404
        return get_object_or_404(Person, owner=request.user, pk=int(around)), message
    m = view.measures
    if m.ids.size:
        strongest = int(m.ids[int(np.argmin(m.rank))])
        return Person.objects.filter(owner=request.user, pk=strongest).first(), message
    return me, message


@login_required
def network(request: HttpRequest) -> HttpResponse:
    """The circles picture and table, load against capacity, drifting ties, and who knows
    whom around a chosen person; an htmx request for the latter gets that part only.

    The number of queries does not grow with the network: the measures come from the stored
    arrays, the names of the people drawn from one query each picture.
    """
    now = timezone.now()
    view = network_view(request.user, now)
    me = Person.objects.filter(owner=request.user, is_me=True).first()
    centre, message = _centre(request, view, me)
    ego = ego_picture(request.user, view, centre, me) if centre is not None else None
    context = {
        "ego": ego,
        "message": message,
        "who": request.GET.get("who", "").strip(),
        "choices": _choices(request.user, view, centre),
        "me": me,
    }
    if request.htmx and request.htmx.target == "around":
        response = render(request, "web/_network_around.html", context)
        # The same address gives the whole page or this part: caches must keep both apart.
        patch_vary_headers(response, ["HX-Request"])
        return response
    m = view.measures
    drawn = [int(p) for p in m.ids[m.circle < circles.OUTSIDE]]
    names = dict(
        Person.objects.filter(owner=request.user, pk__in=drawn).values_list("pk", "full_name")
    )
    rings, dots = circle_picture(view, names)
    found = health.overview(request.user, now, view)
    over = found.over_capacity
    scale = max(found.active, found.capacity, 1)  # the load bar's full width
    context.update(
        {
            "overview": found,
            "rows": [
                {
                    "label": circle_label(row.circle),
                    "people": row.people,
                    "dunbar_size": row.dunbar_size,
                    "cadence": cadence_label(circles.CADENCE_DAYS[row.circle]),
                    "per_week": row.contacts_per_week
                    if row.circle < circles.ACTIVE_CIRCLES
                    else None,
                }
                for row in found.circles
            ],
            "outside_label": circle_label(circles.OUTSIDE),
            "rings": rings,
            "dots": dots,
            "size": SIZE,
            "centre": CENTRE,
            "core": CORE,
            "load_sentence": _(
                "Active network: %(active)d relationships for a capacity of %(capacity)d; "
                "keeping them up takes about %(contacts)s contacts (%(minutes)d minutes) a "
                "week."
            )
            % {
                "active": found.active,
                "capacity": found.capacity,
                "contacts": number_format(found.contacts_per_week, 1),
                "minutes": found.minutes_per_week,
            },
            "real_sentence": _(
                "Contacts are not a network: of %(contacts)d contacts, %(alive)d are alive, "
                "%(two_way)d two-way, %(recognised)d know you — %(real)d real relationships."
            )
            % found.as_dict(),
            "load_fill": round(100 * min(found.active, found.capacity) / scale, 1),
            "load_over": round(100 * over / scale, 1),
            "let_go": found.let_go[:20],
        }
    )
    return render(request, "web/network.html", context)


urlpatterns: list[URLPattern] = [path("network/", network, name="network")]
