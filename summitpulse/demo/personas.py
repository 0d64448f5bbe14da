"""The demo's cast: a few hundred seeded participants with mixed, ambiguous evidence.

Each persona carries its ground truth (in the room or not, stakeholder group)
and the behaviours that leave evidence — or none — in what it posts.
"""

from __future__ import annotations

import random
import zlib
from dataclasses import dataclass, field, replace

from ..normalise.folding import fold
from ..settings.config import Config

FIRST = [
    "Ana",
    "Ben",
    "Chloé",
    "Dev",
    "Emma",
    "Farah",
    "Gabriel",
    "Hana",
    "Ian",
    "Jade",
    "Kofi",
    "Lea",
    "Marc",
    "Nadia",
    "Omar",
    "Priya",
    "Quinn",
    "Rosa",
    "Sam",
    "Tara",
    "Uma",
    "Victor",
    "Wei",
    "Yara",
    "Zoe",
    "Aisha",
    "Bruno",
    "Camille",
    "Diego",
    "Elif",
    "Felix",
    "Grace",
    "Hugo",
    "Ines",
    "Jonas",
    "Kiran",
    "Lucia",
    "Mateo",
    "Noor",
    "Oscar",
    "Paul",
    "Rania",
    "Sofia",
    "Théo",
    "Valérie",
    "Yusuf",
]
LAST = [
    "Chen",
    "Singh",
    "Tremblay",
    "Roy",
    "Gagnon",
    "Martin",
    "Nguyen",
    "Patel",
    "Smith",
    "Brown",
    "Kim",
    "Lee",
    "Wilson",
    "Côté",
    "Bouchard",
    "Haddad",
    "Okafor",
    "Silva",
    "Kowalski",
    "Murphy",
    "Ahmed",
    "Dubois",
    "Lam",
    "Fraser",
    "Osei",
    "Rossi",
    "Schmidt",
    "Novak",
    "Park",
    "Ali",
    "Morin",
    "Young",
]

STAKEHOLDERS = {  # group: (weight, English bios, French bios)
    "clinician": (
        25,
        [
            "Emergency physician. #FOAMed fan.",
            "Internist and clinician teacher",
            "Paediatrician, Toronto. Views my own.",
            "Family doctor | rural medicine",
            "Consultant anaesthetist and simulation lead",
        ],
        ["Médecin urgentiste", "Médecin de famille, enseignant clinique"],
    ),
    "trainee": (
        20,
        [
            "PGY-2 internal medicine resident",
            "Medical student, class of 2016",
            "Surgical resident. Coffee-powered.",
            "Chief resident, emergency medicine",
        ],
        ["Résidente en médecine interne", "Étudiant en médecine"],
    ),
    "nurse_allied": (
        12,
        [
            "Registered nurse, ICU",
            "Nurse educator",
            "Pharmacist | interprofessional education",
            "Physiotherapist and clinical instructor",
            "Paramedic and educator",
        ],
        ["Infirmière clinicienne"],
    ),
    "educator": (
        18,
        [
            "Medical education researcher",
            "Professor of medical education",
            "PhD, health professions education",
            "Assistant dean, postgraduate medical education",
            "Curriculum designer and learning scientist",
        ],
        ["Chercheuse en pédagogie médicale", "Professeur, éducation médicale"],
    ),
    "patient": (
        8,
        [
            "Patient advocate. Living with MS.",
            "Caregiver to my dad; patient partner",
            "Patient voice in medical education",
        ],
        ["Patiente partenaire"],
    ),
    "organisation": (
        7,
        [
            "Official account of a medical journal",
            "Residency programme news",
            "Royal College updates",
            "Health professions education journal",
        ],
        ["Compte officiel, revue médicale"],
    ),
    "other": (
        10,
        ["Tech, music and coffee", "Journalist covering health", "Views my own", "Librarian and open-access nerd"],
        ["Passionné de technologie"],
    ),
}

# Fictional organisations, one account each, named in turn (their bios above say what kind they are).
ORGANISATIONS = {
    "en": [
        "Northern Journal of Medical Education",
        "Lakeshore Residency Programme",
        "Clinical Teaching Review",
        "College of Family Practice Updates",
        "Simulation Education Network",
        "Residents' Association of Ontario",
        "MedEd Weekly",
        "Frontline Teaching Journal",
        "Society for Health Professions Education",
        "Patient Partners in Education",
        "Health Sciences Library",
        "Emergency Medicine Education Collective",
        "Global Surgery Education Society",
        "Nursing Education Today",
        "Teaching Hospital Network",
        "Open Access Medical Education",
        "Medical Learners' Forum",
        "Association of Clinical Educators",
        "Journal of Residency Wellness",
        "Rural Medicine Training Network",
        "Paediatric Education Group",
    ],
    "fr": ["Revue de pédagogie médicale", "Collège des médecins résidents", "Réseau d'enseignement clinique"],
}

NEAR = [
    ("Toronto, Ontario", 43.6532, -79.3832),
    ("Mississauga, ON", 43.589, -79.6441),
    ("Hamilton, Ontario", 43.2557, -79.8711),
    ("Toronto", 43.6532, -79.3832),
    ("Downtown Toronto", 43.6548, -79.3883),
]
FAR = [
    ("Sydney, Australia", -33.8688, 151.2093),
    ("London, UK", 51.5072, -0.1276),
    ("Calgary, Alberta", 51.0447, -114.0719),
    ("Dublin, Ireland", 53.3498, -6.2603),
    ("Vancouver, BC", 49.2827, -123.1207),
    ("Melbourne", -37.8136, 144.9631),
    ("Singapore", 1.3521, 103.8198),
    ("Boston, MA", 42.3601, -71.0589),
    ("Halifax, Nova Scotia", 44.6488, -63.5752),
    ("Auckland, New Zealand", -36.8485, 174.7633),
    ("Montréal, QC", 45.5019, -73.5674),
    ("Cape Town", -33.9249, 18.4241),
]
NIGHT_ZONES = {"Sydney, Australia", "Melbourne", "Singapore", "Auckland, New Zealand"}
MASTODON_HOMES = ["mastodon.social", "med-mastodon.com", "scholar.social", "mstdn.ca", "mastodon.online"]


@dataclass
class Persona:
    idx: int
    network: str
    handle: str
    name: str
    bio: str
    location: str
    followers: int
    in_room: bool
    stakeholder: str
    lang: str = "en"
    activity: float = 1.0
    checkin: bool = False
    in_room_tag: bool = False
    remote_tag: bool = False
    remote_phrases: bool = False
    geotags: bool = False
    photos: bool = False
    night_owl: bool = False
    repost_only: bool = False
    silent_evidence: bool = False
    speaker: bool = False
    home: str = ""  # Mastodon home instance
    rostered: str = ""  # "in_room", "remote" or ""
    coords: tuple[float, float] | None = field(default=None, repr=False)

    @property
    def author_id(self) -> str:
        if self.network == "mastodon":
            return f"{self.handle}@{self.home}"
        if self.network == "bluesky":
            return f"did:plc:demo{self.idx:04d}{'x' * 14}"[:32]
        return str(10_000_000 + self.idx * 7919)

    @property
    def key(self) -> str:
        return f"{self.network}:{self.author_id}"

    @property
    def roster_handle(self) -> str:
        return f"{self.network}:{self.handle}" if self.network != "mastodon" else f"mastodon:{self.author_id}"


def _pick_group(rng: random.Random) -> str:
    groups = list(STAKEHOLDERS)
    return rng.choices(groups, weights=[STAKEHOLDERS[g][0] for g in groups])[0]


def _handle(network: str, first: str, last: str, rng: random.Random, taken: set[str]) -> str:
    base = rng.choice([f"{first}{last}", f"dr{last}", f"{first[0]}{last}", f"{first}_{last}", f"{first}{last}MD"])
    base = "".join(c for c in fold(base).encode("ascii", "ignore").decode() if c.isalnum() or c == "_")  # Côté: cote
    handle = base
    while handle in taken:
        handle = f"{base}{rng.randint(2, 99)}"
    taken.add(handle)
    return _on(network, handle)


def _organisation_handle(network: str, name: str, taken: set[str]) -> str:
    """Initials and last word of the name ("Clinical Teaching Review" → ctreview), numbered if taken; no random draw,
    so the rest of the seeded cast stays as it was."""
    words = [w for w in fold(name).replace("'", "").split() if w not in ("the", "of", "for", "in", "de")]
    base = "".join(w[0] for w in words[:-1]) + words[-1]
    handle = next(f"{base}{n or ''}" for n in range(100) if f"{base}{n or ''}" not in taken)
    taken.add(handle)
    return _on(network, handle)


def _on(network: str, handle: str) -> str:
    return f"{handle}.bsky.social" if network == "bluesky" else handle


def _location(rng: random.Random, in_room: bool) -> tuple[str, tuple[float, float] | None]:
    near, far = (0.45, 0.25) if in_room else (0.10, 0.60)
    roll = rng.random()
    if roll < near:
        name, lat, lon = rng.choice(NEAR)
    elif roll < near + far:
        name, lat, lon = rng.choice(FAR)
    else:
        return "", None
    return name, (lat, lon)


def _behave(p: Persona, rng: random.Random) -> None:
    """Give a persona the habits that leave (or hide) evidence of where it is."""
    if rng.random() < 0.12:
        p.silent_evidence = True
        p.location, p.coords = "", None
        return
    if p.in_room:
        p.checkin = rng.random() < 0.6
        p.in_room_tag = rng.random() < 0.25
        p.geotags = p.network == "x" and rng.random() < 0.3
        p.photos = rng.random() < 0.4
        p.rostered = "in_room" if rng.random() < 0.5 else ""
    else:
        p.remote_phrases = rng.random() < 0.55
        p.remote_tag = zlib.crc32(p.handle.encode()) % 100 < 15  # not from rng: the cast stays as it was
        p.night_owl = p.location in NIGHT_ZONES or rng.random() < 0.08
        p.repost_only = p.network != "bluesky" and rng.random() < 0.3
        p.geotags = p.network == "x" and rng.random() < 0.1
        p.rostered = "remote" if rng.random() < 0.3 else ""


def build_cast(config: Config, seed: int = 2014, size: int = 350) -> list[Persona]:
    """The seeded cast: the programme's speakers first, then everyone else."""
    rng = random.Random(seed)
    taken: set[str] = set()
    cast: list[Persona] = []
    speakers = dict.fromkeys(s for session in config.programme.sessions for s in session.speakers)
    for ref in speakers:
        network, handle = ref.split(":", 1)
        home = handle.split("@", 1)[1] if "@" in handle else ""
        handle = handle.split("@", 1)[0]
        taken.add(handle)
        group = rng.choice(["clinician", "educator"])
        cast.append(
            Persona(
                len(cast),
                network,
                handle,
                _speaker_name(handle),
                rng.choice(STAKEHOLDERS[group][1]),
                "Toronto, Ontario",
                rng.randint(3_000, 40_000),
                True,
                group,
                activity=3.0,
                checkin=True,
                photos=True,
                speaker=True,
                home=home or "med-mastodon.com",
                rostered="in_room",
                coords=(43.6532, -79.3832),
            )
        )
    cast += _other_accounts(config, cast)
    for ref in config.participants.opt_out:  # people who asked not to be shown still post
        network, handle = ref.split(":", 1) if ":" in ref else ("x", ref)
        cast.append(
            Persona(
                len(cast),
                network,
                handle.lstrip("@"),
                "Sam Quiet",
                "Resident physician",
                "Toronto",
                150,
                True,
                "trainee",
                activity=2.0,
                checkin=True,
                home="mastodon.social",
            )
        )
    while len(cast) < size:
        network = rng.choices(["x", "mastodon", "bluesky"], weights=[50, 25, 25])[0]
        cast.append(_stranger(config, cast, rng, taken, network))
    return cast


def _stranger(config: Config, cast: list[Persona], rng: random.Random, taken: set[str], network: str) -> Persona:
    """Somebody from the audience on ``network``: name, group, language, whereabouts and habits drawn from ``rng``."""
    first, last = rng.choice(FIRST), rng.choice(LAST)
    group = _pick_group(rng)
    lang = "fr" if rng.random() < 0.1 else "en"
    bio = rng.choice(STAKEHOLDERS[group][2 if lang == "fr" else 1])
    in_room = rng.random() < 0.3
    location, coords = _location(rng, in_room)
    organisations = sum(p.stakeholder == "organisation" and p.lang == lang for p in cast)
    name = (
        f"{first} {last}" if group != "organisation" else ORGANISATIONS[lang][organisations % len(ORGANISATIONS[lang])]
    )
    handle = _handle(network, first, last, rng, taken)
    if group == "organisation":
        handle = _organisation_handle(network, name, taken)
    p = Persona(
        len(cast),
        network,
        handle,
        name,
        bio,
        location,
        int(rng.paretovariate(1.2) * 80),
        in_room,
        group,
        lang=lang,
        activity=rng.paretovariate(1.6),
        home=rng.choice(MASTODON_HOMES),
        coords=coords,
    )
    _behave(p, rng)
    return p


def _other_accounts(config: Config, cast: list[Persona]) -> list[Persona]:
    """Speakers' accounts on other networks, from the config's identity links: the same person, posting less
    and saying little about where they are (linked, their evidence adds up)."""
    refs = {(p.roster_handle if p.network != "bluesky" else f"bluesky:{p.handle}"): p for p in cast}
    out: list[Persona] = []
    for group in config.participants.identity_links:
        known = next((refs[ref] for ref in group if ref in refs), None)
        for ref in group if known else []:
            if ref not in refs:
                network, handle = ref.split(":", 1)
                out.append(
                    replace(
                        known,
                        idx=len(cast) + len(out),
                        network=network,
                        handle=handle.split("@")[0],
                        home=handle.split("@", 1)[1] if "@" in handle else known.home,
                        location="",
                        coords=None,
                        followers=known.followers // 3,
                        activity=1.0,
                        checkin=False,
                        photos=False,
                        rostered="",
                    )
                )
    return out


def _speaker_name(handle: str) -> str:
    return "Dr " + handle.removeprefix("dr").split("_")[0].split(".")[0].capitalize()


def roster(cast: list[Persona], kind: str) -> str:
    """The CSV an organiser would have: registered handles of one kind (in_room or remote)."""
    rows = [p.roster_handle.split(":", 1) for p in cast if p.rostered == kind]
    return "network,handle\n" + "".join(f"{network},{handle}\n" for network, handle in rows)


def edition_cast(config: Config) -> list[Persona]:
    """The cast of the edition ``config.demo`` describes: the bundled cast, of whom a share comes back (speakers
    always do), and newcomers drawn on that edition's networks."""
    settings = config.demo
    cast, rng = build_cast(config), random.Random(settings.seed)
    for p in cast:
        if not p.speaker and rng.random() >= settings.returning:
            p.activity = 0.0  # did not come back: never posts
    taken = {p.handle.removesuffix(".bsky.social") for p in cast}
    networks, weights = list(settings.networks), list(settings.networks.values())
    for _ in range(settings.newcomers):
        cast.append(_stranger(config, cast, rng, taken, rng.choices(networks, weights=weights)[0]))
    return cast
