"""Word lists for the demo network: names, organisations, needs and offers in French and English."""

from __future__ import annotations

FRENCH_FIRST = [
    "Camille", "Julien", "Sophie", "Thomas", "Élodie", "Nicolas", "Aurélie", "Mathieu", "Céline",
    "Antoine", "Hélène", "Sébastien", "Amélie", "François", "Laure", "Guillaume", "Margaux",
    "Benoît", "Chloé", "Olivier", "Inès", "Rémi", "Zoé", "Loïc", "Anaïs", "Jérôme", "Maëlle",
    "Pierre", "Léa", "Gaëlle", "Hugo", "Clémence", "Étienne", "Manon", "Raphaël", "Noémie",
]
FRENCH_LAST = [
    "Martin", "Bernard", "Dubois", "Durand", "Lefèvre", "Moreau", "Laurent", "Simon", "Michel",
    "Garnier", "Faure", "Rousseau", "Blanc", "Guérin", "Muller", "Henry", "Roussel", "Nicolas",
    "Perrin", "Morin", "Mathieu", "Clément", "Gauthier", "Dumont", "Lopez", "Fontaine",
    "Chevalier", "Robin", "Masson", "Sanchez", "Le Gall", "Kerjean", "Le Goff", "Tanguy",
]
ENGLISH_FIRST = [
    "James", "Emily", "Oliver", "Charlotte", "Harry", "Amelia", "George", "Grace", "Daniel",
    "Hannah", "Samuel", "Lucy", "Michael", "Olivia", "William", "Sarah", "Jack", "Isabel",
]
ENGLISH_LAST = [
    "Smith", "Jones", "Taylor", "Brown", "Wilson", "Evans", "Thomas", "Johnson", "Roberts",
    "Walker", "Wright", "Robinson", "Thompson", "White", "Hughes", "Edwards", "Green", "Hall",
]

# (name, web domain, field)
ORGANIZATIONS = [
    ("Groupe Armor Distribution", "armor-distribution.fr", "retail"),
    ("Banque Lambda", "banque-lambda.fr", "banking"),
    ("Assurances Iroise", "iroise-assurances.fr", "insurance"),
    ("Nantes Logistique", "nantes-logistique.fr", "logistics"),
    ("Atelier Kerlann", "kerlann.fr", "design"),
    ("Brightwave Software", "brightwave.io", "software"),
    ("Maison Vautrin", "maison-vautrin.fr", "food"),
    ("Cabinet Roussel Avocats", "roussel-avocats.fr", "law"),
    ("Hexa Conseil", "hexa-conseil.fr", "consulting"),
    ("Northbridge Capital", "northbridge.co.uk", "finance"),
    ("Clinique du Parc", "cliniqueduparc.fr", "health"),
    ("Ouest Énergies", "ouest-energies.fr", "energy"),
    ("Pixel & Plume", "pixeletplume.fr", "media"),
    ("Transports Le Goff", "transports-legoff.fr", "logistics"),
    ("Lumen Analytics", "lumen-analytics.com", "software"),
    ("Crédit Maritime de l'Odet", "credit-odet.fr", "banking"),
    ("Université de Rennes", "univ-rennes.fr", "education"),
    ("Startup Kerbot", "kerbot.ai", "software"),
    ("Harbour & Finch", "harbourfinch.co.uk", "consulting"),
    ("Mairie de Lorient", "lorient.fr", "public"),
]

NEEDS_FR = [
    "Cherche un expert-comptable qui connaît bien les indépendants",
    "Recherche un développeur freelance pour refaire notre site web",
    "Besoin de conseils pour préparer une levée de fonds",
    "Cherche un local commercial à Rennes, autour de 80 m²",
    "Voudrait rencontrer des DRH de grandes entreprises bretonnes",
    "Cherche un bon traiteur pour un séminaire de 40 personnes",
    "Aimerait se former à la négociation commerciale",
    "Recherche une école bilingue pour ses enfants à Nantes",
    "Cherche un avocat en droit social",
    "A besoin d'un photographe pour le lancement d'un produit",
    "Cherche des clients dans la grande distribution",
    "Voudrait un retour sur son pitch avant un salon",
]
NEEDS_EN = [
    "Looking for a CTO for an early-stage fintech",
    "Needs an introduction to buyers in French retail",
    "Looking for a translator for technical documentation",
    "Wants advice on relocating the family to Brittany",
    "Looking for a sales trainer for a team of ten",
    "Needs a reliable removals company for an office move",
    "Searching for speakers for a conference on data in healthcare",
    "Looking for a mentor in B2B sales",
]
OFFERS_FR = [
    "Je connais une ingénieure senior prête à devenir CTO",
    "Peut présenter des acheteurs de la grande distribution",
    "Connaît un excellent expert-comptable pour indépendants",
    "Peut prêter une salle de réunion à Nantes",
    "Connaît tous les traiteurs de la région rennaise",
    "Peut relire un business plan et une présentation investisseurs",
    "Donne des cours de négociation",
    "Connaît une avocate en droit du travail très réactive",
]
OFFERS_EN = [
    "Can introduce you to angel investors in London",
    "Knows a great freelance web developer",
    "Happy to review a sales pitch",
    "Runs a photography studio and does product launches",
    "Can help with English translations of technical documents",
    "Knows the HR directors of several large companies in western France",
]

# The user's own offers: "which problem am I the solution to, and for whom?"
MY_OFFERS = [
    "I know a great holiday rental deal in Brittany, a friend's house near Quiberon",
    "Formation à la prospection et à la négociation pour les équipes commerciales",
    "Je peux relire un pitch commercial et le rendre percutant",
    "I can introduce you to good freelance developers",
]

INTERACTION_NOTES = {
    "meeting": ["Déjeuner", "Café", "Rendez-vous au bureau", "Lunch", "Coffee catch-up",
                "Point projet"],
    "call": ["Appel rapide", "Call about the project", "Point téléphonique", "Catch-up call"],
    "email": ["Échange de mails", "Email thread", "Envoi d'une proposition", "Follow-up email"],
    "message": ["SMS", "WhatsApp", "Message", "Quick message"],
    "social": ["Commentaire LinkedIn", "LinkedIn message", "Félicitations pour le poste"],
    "other": ["Carte de vœux", "Card"],
}

PERCEPTIONS = [
    "C'est la personne à appeler pour structurer une équipe commerciale.",
    "Claire knows everyone in Breton retail.",
    "Très bonne formatrice, directe et concrète.",
    "A reliable consultant; helped us win two large accounts.",
]
