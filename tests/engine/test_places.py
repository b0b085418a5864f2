"""Places named in needs and offers: which towns, areas and countries, and which lie apart."""

from __future__ import annotations

import numpy as np
import pytest

from entregent.engine import matching, places


def regions(text: str) -> list[tuple[str, str]]:
    """(country, region) of each place a text names."""
    return [(p.country, p.region) for p in places.found(text) or ()]


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("Cherche un kiné sur Lyon", [("FR", "84")]),
        ("Equine vet in the Oise", [("FR", "32")]),  # a department
        ("Loue un gîte dans le Var", [("FR", "93")]),  # a department named with its article
        ("Cours de voile à la Rochelle", [("FR", "75")]),  # a name that starts with "La"
        ("Kiné à Aix-en-Provence", [("FR", "93")]),  # the whole compound, not "Aix"
        ("Un ami à St-Malo", [("FR", "53")]),  # "St" is "Saint"
        ("Her brother is a roofer in Brittany", [("FR", "53")]),  # an English name
        ("Distributor in Germany", [("DE", "")]),
        ("S'installe à Londres", [("GB", "")]),  # a French name of a foreign city
        ("Appartement rue de Paris à Lyon", [("FR", "84")]),  # a street is not a town
        ("Boutiques vides près de la place Sainte-Anne", []),
        ("Loue un studio à la Croix-Rousse", []),  # "Croix" is a town, "Croix-Rousse" is not
        ("Nice flat, quiet street", []),  # a town that is also a word
        ("Habite à Tours", [("FR", "24")]),  # …is a town after a place word
        ("looking for a plumber in lyon", []),  # no capital: not taken for a name
        ("Kiné au Havre", [("FR", "28")]),  # "au" for "à Le Havre"
        ("Maison aux Sables-d'Olonne", [("FR", "52")]),
        ("Ami à Clermont", [("FR", "84")]),  # Clermont-Ferrand, not Clermont in the Oise
        ("Vacances à Bruges", [("BE", "")]),  # the Belgian city, not the Gironde village
        ("Lyon's best bakery", [("FR", "84")]),
        ("Paris-based designer", [("FR", "11")]),
        ("Paris sportifs en salle", [("FR", "11")]),  # a big city stays one, whatever the word
        ("Lyon : cherche un kiné", [("FR", "84")]),  # a big city may start a sentence
        ("gîte en pays basque", [("FR", "75")]),  # a name of several words, in any case
        ("Gîte dans l'Aube", [("FR", "44")]),
        ("il se lève dans l'aube", []),  # …but not a department's name in lower case
        ("Moves to the US", [("US", "")]),
        ("Suisse normande", [("FR", "28")]),  # in Normandy, not in Switzerland
        ("gare de Lyon", []),  # a station in Paris
    ],
)
def test_it_finds_the_places_a_text_names(text: str, expected: list[tuple[str, str]]) -> None:
    assert regions(text) == expected


@pytest.mark.parametrize(
    "text",
    [
        "Au chômage depuis mars, comptable",  # Au, Switzerland
        "As a nurse I work nights",  # As, Belgium
        "Maçon, cherche des chantiers",  # Mâcon
        "Vitre cassée à remplacer",  # Vitré, at the start of a sentence
        "Mère de deux enfants, cherche un mi-temps",  # Mere, Belgium
        "Pest control for restaurants",  # Pest, Hungary
        "Nancy cherche un kiné",  # a first name…
        "Albert needs a lawyer",
        "Sofia is a vet",
        "Florence cherche une nounou",
        "MERE AU FOYER, CHERCHE UN MI-TEMPS",  # every word has a capital
        "Bénévole à la Croix-Rouge",  # a quarter of Marseille
        "Rue du Faubourg Saint-Antoine",
    ],
)
def test_ordinary_words_and_first_names_are_not_places(text: str) -> None:
    assert places.found(text) == ()


def test_every_name_of_the_bundled_list_is_found() -> None:
    index = places._index()
    data = places._data()
    names = [n for area in data["areas"] for n in area["names"]]
    names += list(data["regions"].values())
    names += [n for country in data["countries"] for n in country["names"]]
    names += [n for city in data["cities"] for n in city["names"]]
    assert len(names) > 500
    for name in names:
        assert index[places._key(name)].place in places.found(f"Un ami à {name}, depuis un an")


def test_a_text_that_works_remotely_is_anywhere() -> None:
    assert places.found("Psychologue à Lyon, consulte aussi en visio") is None
    assert places.found("Podcast producer in Paris, edits episodes remotely") is None
    needs = ["Cherche un psy hispanophone à Marseille"]
    assert not places.apart(needs, ["Psychologue à Lyon, consulte aussi en visio"]).any()


@pytest.mark.parametrize(
    ("need", "offer", "apart"),
    [
        ("Kiné sur Lyon", "Kiné du sport à Marseille", True),
        ("Kiné sur Lyon", "Kiné à Villeurbanne", False),  # next door
        ("Avocat à Paris", "Avocate à Versailles", False),  # 17 km
        ("Kiné à Genève", "Kiné à Annemasse", False),  # 8 km, across a border
        ("Kiné à Lille", "Kiné à Mouscron", False),
        ("Vet in Boston", "Vet in San Francisco", True),  # two cities of one country
        ("Kiné à Lyon", "Kiné dans le Rhône", False),  # a department counts as its region…
        ("Kiné à Grenoble", "Kiné dans le Rhône", False),  # …whose towns are all near it
        ("Véto équin près de Chantilly", "Equine vet in the Oise", False),  # a town in its area
        ("Véto équin en Normandie", "Equine vet near Caen", False),
        ("Véto équin en Normandie", "Vétérinaire équin à Toulouse", True),
        ("Moniteur de voile en Bretagne", "Loue des bateaux en Provence", True),  # two areas
        ("Distributeur en Allemagne", "Distributeur implanté en Belgique", True),
        ("Needs a flat in Berlin", "Relocation agent in Germany", False),  # a city in its country
        ("Kiné sur Lyon", "Kiné du sport, suit des footballeurs", False),  # no place: no cut
        ("Cherche un kiné", "Kiné du sport à Marseille", False),
    ],
)
def test_it_tells_places_apart(need: str, offer: str, apart: bool) -> None:
    assert places.apart([need], [offer])[0, 0] == apart


def test_the_index_agrees_with_the_pairwise_rule() -> None:
    texts = [
        "Kiné sur Lyon",
        "Avocat à Paris et à Lille",
        "Équipe à Bordeaux",
        "Loue un gîte dans le Var",
        "Distributeur en Allemagne",
        "Cours à Berlin",
        "En Bretagne ou à Nantes",
        "Sans lieu",
        "Psy en visio depuis Lyon",
        "Kiné à Genève",
        "Cours à Annemasse",
        "Vet in Boston",
        "Vet in San Francisco",
        "Gîte dans le Rhône",
    ]
    got = places.Located(texts).apart(texts)
    for i, a in enumerate(texts):
        for j, b in enumerate(texts):
            mine, theirs = places.found(a), places.found(b)
            expected = bool(mine and theirs) and not any(
                places.near(x, y) for x in mine for y in theirs
            )
            assert got[i, j] == expected, (a, b)


def test_places_apart_cut_the_score_never_raise_it() -> None:
    scores = np.array([[0.5, 0.5], [0.4, 0.0]])
    apart = np.array([[True, False], [False, True]])
    cut = matching.away(scores, apart)
    assert cut[0, 0] == pytest.approx(0.5 * (1 - matching.PLACE_MISMATCH))
    assert cut[0, 1] == 0.5 and cut[1, 0] == 0.4 and cut[1, 1] == 0.0
    assert matching.away(scores, None) is scores


def test_the_fallback_prefers_the_offer_in_the_same_town() -> None:
    need = "Cherche un plombier à Nantes"
    offers = ["Plombier à Marseille, intervient vite", "Plombier à Nantes, intervient vite"]
    scores = matching.keyword_scores([need], offers).matrix[0]
    assert scores[1] > scores[0]
