"""Word lists for the Dutch analysis: compound parts, stop words and their exceptions, domain synonyms."""

from __future__ import annotations

# Known word parts for compound splitting (folded, lower case). Only words a person might type on their own;
# short function words are left out on purpose so that splitting stays conservative.
COMPOUND_PARTS: frozenset[str] = frozenset(
    """
    eherkenning herkenning middel middelen token generator betrouwbaarheid niveau gebruiker gebruikers
    naam wachtwoord wacht woord inlog inloggen gegevens leverancier leveranciers aanbieder beheerder
    beheerders beheer overheid dienst diensten instantie instanties instelling instellingen school scholen
    bestuur besturen administratie kantoor medewerker medewerkers persoon personen personeel pincode
    code belasting onderwijs inspectie upgrade aanvraag aanvragen kosten prijs tarief jaar bedrag
    portaal account toegang informatie kanaal kanalen helpdesk mail adres machtiging machtigingen
    controle veiligheid maatregel maatregelen procedure overzicht termijn datum moment uitwisseling
    sms pin ezine zine wet digitale vooraankondiging brief leerling leerlingen financieel salaris
    """.split()
)

# The snowball project's Dutch and English stop-word lists (as the search library ships them), minus KEEP_WORDS.
SNOWBALL_STOP_NL: frozenset[str] = frozenset(
    """
    aan al alles als altijd andere ben bij daar dan dat de der deze die dit doch doen door dus een eens en er ge
    geen geweest haar had heb hebben heeft hem het hier hij hoe hun iemand iets ik in is ja je kan kon kunnen
    maar me meer men met mij mijn moet na naar niet niets nog nu of om omdat onder ons ook op over reeds te
    tegen toch toen tot u uit uw van veel voor want waren was wat werd wezen wie wil worden wordt zal ze zelf
    zich zij zijn zo zonder zou
    """.split()
)
SNOWBALL_STOP_EN: frozenset[str] = frozenset(
    """
    a about above after again against all am an and any are as at be because been before being below between
    both but by can did do does doing don down during each few for from further had has have having he her here
    hers herself him himself his how i if in into is it its itself just me more most my myself no nor not now of
    off on once only or other our ours ourselves out over own s same she should so some such t than that the
    their theirs them themselves then there these they this those through to too under until up very was we were
    what when where which while who whom why will with you your yours yourself yourselves
    """.split()
)

# Question words and small words that carry meaning in this domain ("nog geen", "al", "wanneer") and must
# survive the generic stop-word lists.
KEEP_WORDS: frozenset[str] = frozenset(
    "al geen nog wanneer waarom wie hoeveel welke when why who already not no".split()
)

# Synonym groups: (terms to emit, phrases that trigger them). Phrases are matched on stems, so listing the
# base form covers most inflections; irregular plurals are listed explicitly.
SYNONYM_GROUPS: tuple[tuple[tuple[str, ...], tuple[str, ...]], ...] = (
    (
        ("niveau3",),
        (
            "eh3",
            "eh 3",
            "eherkenning 3",
            "eherkenning niveau 3",
            "betrouwbaarheidsniveau 3",
            "niveau 3",
            "level 3",
            "loa 3",
            "loa3",
            "niveau drie",
            "level three",
        ),
    ),
    (("eherkenning",), ("eh3", "eh", "eh2", "eh1", "eh4", "eh2+", "eherkenningsmiddel")),
    (
        ("niveau2plus", "lager"),
        ("2+", "niveau 2+", "eh2+", "eh 2+", "level 2+", "niveau 2 plus", "niveau tweeplus", "niveau2+"),
    ),
    (("niveau2", "lager"), ("niveau 2", "eh2", "eh 2", "level 2", "niveau twee")),
    (("niveau1", "lager"), ("niveau 1", "eh1", "eh 1", "level 1", "niveau een")),
    (("lager", "niveau"), ("lower level", "lagere niveau", "lager niveau")),
    (("niveau",), ("level", "levels", "betrouwbaarheidsniveau", "loa")),
    (
        ("kosten",),
        (
            "kosten",
            "kost",
            "prijs",
            "prijzen",
            "tarief",
            "tarieven",
            "bedrag",
            "bedragen",
            "betalen",
            "betaalt",
            "betaald",
            "factuur",
            "facturen",
            "cost",
            "costs",
            "price",
            "prices",
            "pricing",
            "fee",
            "fees",
            "pay",
            "paid",
            "payment",
            "geld",
            "abonnement",
            "vergoeding",
            # how people ask about money without saying "kosten"
            "rekening",
            "rekeningen",
            "rekenen",
            "afrekenen",
            "afgerekend",
            "uitgave",
            "uitgaven",
            "duur",
            "dure",
            "goedkoop",
            "goedkoper",
            "goedkoopste",
            "voordelig",
            "voordeliger",
            "voordeligste",
            "financieel",
            "financiele",
            "financien",
            "begroting",
            "budget",
            "btw",
            "offerte",
            "licentie",
            "licenties",
            "korting",
            "declareren",
            "betaling",
            "investering",
            # informal verbs for paying and spending ("wat moeten we ervoor aftikken?")
            "aftikken",
            "dokken",
            "neertellen",
            "ophoesten",
            "uitgeven",
            "spenderen",
            "expensive",
            "cheap",
        ),
    ),
    (
        ("leverancier",),
        (
            "leverancier",
            "leveranciers",
            "aanbieder",
            "aanbieders",
            "provider",
            "providers",
            "supplier",
            "suppliers",
            "vendor",
            "vendors",
            "makelaar",
            "erkende leverancier",
            "leveren",
            "levert",
            "verstrekken",
            "verstrekt",
            "verstrekker",
            "inkopen",
            "markt",
            "partij",
            "partijen",
        ),
    ),
    (("kiezen",), ("kiezen", "keuze", "kies", "choose", "choice", "select", "selecteren", "vergelijken")),
    (
        ("termijn",),
        (
            "termijn",
            "termijnen",
            "deadline",
            "deadlines",
            "datum",
            "date",
            "dates",
            "uiterlijk",
            "ingangsdatum",
            "vanaf wanneer",
            "per wanneer",
            "voor wanneer",
            "when",
            "tijdpad",
            "planning",
            "op tijd",
            "tijdig",
            "uiterste",
            "overgangsperiode",
        ),
    ),
    (("verplicht",), ("verplicht", "verplichting", "mandatory", "required", "obligatory", "compulsory")),
    (
        ("upgrade",),
        ("upgrade", "upgraden", "opwaarderen", "ophogen", "verhogen", "omzetten", "ophoging", "upgrades",
         "op te hogen", "opschalen", "hoger niveau", "hogere niveau", "tandje hoger", "omhoog"),
    ),
    (("tokengenerator",), ("token", "tokens", "tokengenerator", "generator", "digipass")),
    (
        ("inloggen",),
        (
            "inloggen",
            "inlog",
            "log",
            "logt",
            "logde",
            "login",
            "logon",
            "log in",
            "sign in",
            "signin",
            "aanmelden",
        ),
    ),
    (("toegang",), ("toegang", "access", "rechten", "rights")),
    (
        ("medewerker",),
        ("medewerker", "employee", "employees", "staff", "colleague", "colleagues", "collega", "collegas",
         "mensen", "personeel", "personeelsleden", "werknemers", "leerkracht", "leerkrachten", "docent", "docenten"),
    ),
    (
        ("vervangen",),
        ("vervangen", "vervanging", "replace", "replaced", "replacement", "vervalt", "verdwijnt"),
    ),
    (("wachtwoord",), ("wachtwoord", "password", "passwords")),
    (("gebruikersnaam",), ("gebruikersnaam", "username", "user name")),
    (("waarom",), ("why", "reden", "redenen", "reason")),
    (("wie",), ("who",)),
    (("al",), ("already", "reeds")),
    (("geen",), ("no", "not yet", "nog niet")),
    (("belastingdienst",), ("tax authority", "tax authorities", "tax office", "belastingen")),
    (("bestuur",), ("board", "school board", "schoolbestuur", "bestuurder")),
    (
        ("contact",),
        (
            "contact",
            "helpdesk",
            "bellen",
            "telefoon",
            "telefoonnummer",
            "mailen",
            "emailadres",
            "mailadres",
            "phone",
            "call",
            "vragen stellen",
        ),
    ),
    (("informatie",), ("information", "info", "informatie")),
    (("english",), ("engels", "engelstalig", "english", "in english")),
    (
        ("aanschaffen",),
        ("aanschaf", "aanschaffen", "kopen", "bestellen", "purchase", "buy", "afnemen", "order"),
    ),
    (("aanvragen",), ("aanvraag", "aanvragen", "apply", "application", "request")),
    (
        ("bevoegd",),
        (
            "bevoegd",
            "bevoegdheid",
            "bevoegdheden",
            "geautoriseerd",
            "gemachtigd",
            "machtiging",
            "autorisatie",
            "authorised",
            "authorized",
            "authorisation",
            "authorization",
        ),
    ),
    (("wet",), ("law", "legislation", "wetgeving", "wettelijk")),
    (("veilig",), ("veiligheid", "secure", "security", "safe", "beveiliging")),
)

# Version of the analysis; part of the index fingerprint so that a changed analyzer forces a rebuild.
ANALYZER_VERSION = "nl-3"
