"""Reading what a post says about where its author is: cue words found in clauses, then their scope.

A post is cut into clauses (sentence ends, "but"-words). A clause's cue says "in" (a presence cue: "full room",
"my poster", "I'm at <the event>", "estamos en el congreso") or "out" (an absence cue: "from home", "livestream",
"can't make it"). Negation before a presence cue in its clause turns it round ("not at #tag", "no pude estar en");
so do wishes and regret before a cue of being somewhere ("wish I were in Prague", "qué pena no estar en",
"dommage de ne pas être à", "leider nicht in", "queria estar no") but not before a deed ("sad to be leaving
#tag" was there). A presence cue in a question says nothing ("are you at #tag?"); a post that says both says
nothing. Ambiguous words are no cue alone: a talk is "watched" in the room too; a city's name is not a place
one is at. English, French, Spanish, German and Portuguese; patterns are written for folded text (casefolded,
accents removed: ``normalise.folding.fold``). A cheap prefilter of cue words leaves most posts untouched.
"""

from __future__ import annotations

import re
from dataclasses import dataclass

from ..normalise.folding import fold

# Where one can be: generic words for the event and its rooms in the five languages, any hashtag; the config adds
# the event's venue and rooms, and the city (only after a verb of being: "in Prague" alone says where the city is).
PLACE_WORDS = [
    r"#\w+",
    r"conference|conf|meeting|congress|symposium|summit|workshop|session|venue|room|hall|keynote|booth|plenary|"
    r"auditorium",
    r"congreso|conferencia|jornadas?|simposio|reunion|sala|ponencia|sesion|auditorio",
    r"congres|colloque|salle|seance|amphi",
    r"kongress|konferenz|tagung|saal|sitzung",
    r"congresso|encontro|sessao",
]
ARTICLE = r"(?:(?:the|this|el|la|los|las|este|esta|le|les|l'|ce|cette|der|die|das|dem|den|o|a|os|as|este|esta) )?"
# First-person being (en, es, fr, de, pt), the prepositions before a place, the adverbs of place.
BE = (
    r"(?:i|we)(?:'ll|'d| will| would| could| can| might| should| shall| won'?t| can'?t| couldn'?t| wouldn'?t)?"
    r"(?: not| never)? be(?: back)?|to be(?: back)?|i'?m|i am|i was|i were|we'?re|we are|we were|i'?ve been|"
    r"we'?ve been|estoy|estamos|estuve|estuvimos|estar|ya|aqui|je suis|nous sommes|on est|j'etais|etre|"
    r"ich bin|wir sind|ich war|sein|estou|estive"
)
PREPOSITION = r"at|in|attending|en|al|a|au|aux|auf|im|bei|beim|am|no|na|em|nos|nas"
ADVERB = r"there|here|alli|ahi|presentes?|la|presente|ici|dabei|dort|da|vor ort|ai"

# Presence cues that are deeds, not states: a wish or regret before them does not turn them round.
DEEDS = [
    # en
    r"in the room|in the audience|(?:full|packed|crowded|overcrowded) (?:room|house|hall)|standing room|"
    r"room (?:is|was) (?:packed|full|crowded)|front row|back row|on stage|at the mic|"
    r"(?:my|our) (?:posters?|talks?|presentations?|booth|stand)|(?:i'm|i am|we're|we are) presenting|presenting (?:my|our)|"
    r"come (?:and )?(?:say hi|visit|see|find|chat|talk)|visit us|stop by (?:our|my)|"
    r"just arrived|arrived (?:in|at)|landed in|made it to|on (?:my|our) way to|heading to|travell?ing to|"
    r"(?:train|flight|bus) to|going home after|back home after|heading home|leaving (?:#\w+|the \w+)|"
    r"great to meet|nice to meet|lovely to meet|finally met|met in person|ran into|bumped into|sitting next to|"
    r"(?:i'?m|i am|i'll be|we'?re|we are) (?:speaking|giving (?:a|my|our) (?:talk|keynote))|"
    r"sat next to|first time at|attending (?:#\w+|the \w+)|wi-?fi password|conference dinner|poster session|"
    r"coffee break",
    # es
    r"sala llena|lleno absoluto|llenazo|(?:mi|nuestro) (?:poster|stand)|(?:mi|nuestra) (?:ponencia|charla|"
    r"presentacion|comunicacion)|presentamos|visitanos|(?:te|os) esperamos|llegando a|de camino|camino a|"
    r"en el tren|cena del congreso|(?:salida|viaje|visita) (?:de campo|tecnica)|volviendo del|de vuelta del|"
    r"asistiendo a|asistimos|participando en|participo en|participamos en|hoy presento|escuchando a|encantad[oa] de conocer|un placer (?:haber )?"
    r"(?:podido )?(?:estar|asistir|participar)",
    # fr
    r"sur place|dans la salle|salle (?:comble|pleine)|(?:mon|notre) (?:poster|stand)|(?:ma|notre) presentation|"
    r"mon expose|en route pour|bien arrivee?|arrivee? a|enfin rencontre|ravie? de (?:vous )?rencontrer|"
    r"assise? a cote|je participe a|nous participons a|j'interviens",
    # de
    r"vor ort|im saal|voller saal|saal ist voll|(?:mein|unser) (?:poster|vortrag|stand)|angekommen|"
    r"auf dem weg (?:zur|zum|nach)|ich spreche|ich halte (?:einen|meinen) vortrag|(?:ich nehme|wir nehmen) teil",
    # pt
    r"sala cheia|(?:meu|nosso) (?:poster|stand)|minha apresentacao|cheguei|chegamos|a caminho d|participo (?:no|na|do|da)|"
    r"apresento hoje",
]

ABSENCE = [
    # en
    r"from home|from afar|at home|from my (?:desk|office|couch|sofa|bed|kitchen)|remotely|virtually|"
    r"(?:live ?-?)?stream(?:s|ing|ed)?|webcast|periscope|tuning in|following along|following from|watching from|"
    r"watching (?:online|the (?:live ?)?stream)|fomo|i'?m missing|miss(?:ing)? out|miss being|"
    r"(?:can'?t|cannot|couldn'?t|won'?t) (?:make it|attend)|unable to (?:attend|make it|be)|not able to "
    r"(?:attend|make it|be)|had to cancel|cancell?ed (?:my|the|our) trip|without me|not attending|"
    r"should have (?:gone|been|come|attended|attend)|leider nicht|nicht dabei|kann nicht (?:dabei|kommen|teilnehmen)|"
    r"not at (?:#\w+|the \w+)|(?:i'?m|i am|we'?re|we are) not (?:at|in|"
    r"there|here)",
    # es
    r"desde (?:casa|lejos|mi (?:casa|despacho|oficina|sofa))|a distancia|(?:en|por) streaming|streaming|"
    r"en directo por|siguiendo (?:desde|por|el streaming)|para poder seguir|me lo pierdo|perdiendome",
    # fr
    r"de chez moi|depuis chez moi|a distance|en ligne|en differe|en streaming|sans moi|je rate",
    # de
    r"von zu hause|von daheim|aus der ferne|im livestream|per stream|verpasse|ohne mich",
    # pt
    r"de casa|a distancia|ao vivo pel|pelo streaming|sem mim",
]

# Before a cue in its clause: what turns it round. Negation turns any presence cue; a wish or regret only being.
NEGATION = (
    r"(?<!\w)(?:not|never|no longer|cannot|unable|nunca|no|sin|ne|n'|pas|jamais|nicht|kein|keine|nie|nao|nem|sem)"
    r"(?!\w)|n't(?!\w)"
)
WISH = (
    r"wish|would (?:have )?(?:love|like)d?|should have|if only|ojala|quisiera|me (?:hubiera|habria) gustado|"
    r"me gustaria|j'aurais aime|j'aimerais|je voudrais|ware gern|ware ich|hatte gern|queria|gostaria|quem me dera"
)
REGRET = r"sad|pity|shame|sorry|unfortunately|pena|lastima|dommage|helas|leider|schade|infelizmente"
# Someone else is the subject ("those who didn't make it to my poster"): what follows is not about the author.
OTHERS = r"who|those|anyone|everyone|you|quienes?|los que|las que|ceux qui|celles qui|vous|wer|ihr|quem|voces?"
NOT_NEGATION = re.compile(r"can'?t wait|cannot wait|no puedo esperar|no (?:hay|habia) mejor")
SENTENCE_ENDS = ".!?;\n"
BUT = re.compile(r"(?<!\w)(?:but|however|pero|sin embargo|mais|aber|doch|mas|porem)(?!\w)|\s[-–—|]\s")
WINDOW = 60  # characters before a cue in which a negation, wish or regret governs it

# Every cue above holds one of these words (folded, whole) or pairs of words, by kind: a post with none is read no
# further (most posts), and a post is searched only for the kinds of cue whose words it has. Config phrases and
# places add theirs (StatementReader.kinds). Tests hold this to the full search on every real archive post.
_DEED_WORDS = """
    room rooms audience house hall row stage mic poster posters talk talks presentation presentations booth stand
    presenting speaking giving participo participamos presento participe participons interviens spreche halte
    nehme nehmen apresento arrived landed heading travelling traveling leaving bumped sitting attending password dinner coffee
    sala lleno llenazo ponencia charla presentacion comunicacion presentamos visitanos esperamos llegando camino tren
    cena salida viaje visita volviendo vuelta asistiendo asistimos participando escuchando encantado encantada placer
    salle expose route arrive arrivee rencontre rencontrer assis assise ort saal vortrag angekommen weg
    apresentacao cheguei chegamos caminho"""
_DEED_PAIRS = """come+and come+say come+visit come+see come+find come+chat come+talk visit+us stop+by made+it way+to
    home+after heading+home first+time to+meet finally+met met+in ran+into sat+next train+to flight+to bus+to"""
_ABSENCE_WORDS = """afar remotely virtually stream streams streaming streamed livestream livestreams livestreaming
    livestreamed webcast periscope fomo cancel cancelled canceled desde distancia lejos directo siguiendo seguir pierdo
    perdiendome chez distance ligne differe moi rate hause daheim ferne verpasse ohne nicht casa vivo pelo sem"""
_ABSENCE_PAIRS = """from+home at+home from+my not+at not+in not+there not+here not+attending can't+make cant+make
    cannot+make couldn't+make couldnt+make won't+make wont+make can't+attend cannot+attend couldn't+attend
    won't+attend unable+to able+to should+have had+to without+me i'm+missing im+missing missing+out miss+out
    miss+being tuning+in following+along following+from watching+from watching+online watching+the sans+moi
    je+rate sem+mim de+casa a+distancia ao+vivo"""
_BE_LAST = """i'm im am was were we're are be back been estoy estamos estuve estuvimos estar ya aqui suis sommes est
    j'etais etre bin sind war sein estou estive"""
_BE_NEXT = """at in attending en al a au aux auf im bei beim am no na em nos nas there here alli ahi presente presentes
    la ici dabei dort da vor ai"""
WORDS = {"deed": frozenset(_DEED_WORDS.split()), "absence": frozenset(_ABSENCE_WORDS.split())}
PAIRS = {
    "deed": frozenset(tuple(p.split("+")) for p in _DEED_PAIRS.split()),
    "absence": frozenset(tuple(p.split("+")) for p in _ABSENCE_PAIRS.split()),
    "being": frozenset((a, b) for a in _BE_LAST.split() for b in _BE_NEXT.split()),
}
PUNCTUATION = str.maketrans({c: " " for c in '#!"$%&()*+,./:;<=>?@[\\]^`{|}~-–—…¡¿«»“”‘’'})


def _alternation(parts) -> str:
    """Patterns as alternatives; none is a pattern that never matches."""
    return "|".join(p for p in parts if p) or "(?!)"


@dataclass(frozen=True)
class Reading:
    side: str  # "in", "out" or ""
    words: str  # the words that said it, for the evidence shown


NOTHING = Reading("", "")


class StatementReader:
    """Reads posts for one event: ``places`` (its venue and rooms) say "in" alone; ``where`` (its tags, its city)
    only after a verb of being, as any hashtag and the generic words do; ``presence`` and ``absence`` (the config's
    check-in and remote phrases) are cues too; a post with ``tag`` (an in-room hashtag) says "in" unless it says
    otherwise."""

    def __init__(
        self, presence: list[str], absence: list[str], places: list[str], where: list[str], tag: str | None = None
    ):
        esc = lambda words: [re.escape(fold(w).strip()) for w in words if w.strip()]  # noqa: E731
        place = _alternation([*PLACE_WORDS, *esc([*places, *where])])
        where_words = rf"(?:{PREPOSITION}) {ARTICLE}(?:{place})|(?:{ADVERB})"
        self.searches = {  # a pattern per kind of cue, its kind the name of its last group
            "being": re.compile(rf"(?<!\w)(?P<being>(?:{BE})(?P<where> (?:{where_words}))(?!\w))"),
            "deed": re.compile(rf"(?<!\w)(?P<deed>(?:{_alternation(DEEDS)})(?!\w))"),
            "absence": re.compile(rf"(?<!\w)(?P<absence>(?:{_alternation(ABSENCE)})(?!\w))"),
            "configured": re.compile(
                rf"(?<!\w)(?:(?P<place>{_alternation(esc(places))})|(?P<state>{_alternation(esc(presence))})|"
                rf"(?P<absence>{_alternation(esc(absence))}))"
            ),
        }
        self.negation = re.compile(NEGATION)
        self.wish = re.compile(rf"(?<!\w)(?:{WISH}|{REGRET})(?!\w)")
        self.others = re.compile(rf"(?<!\w)(?:{OTHERS})(?!\w)")
        self.tag = fold(tag) if tag else None
        self.phrases: dict[str, list[str]] = {}  # a configured phrase of several words, by its first word
        single = []
        for phrase in map(fold, [*presence, *absence, *places]):
            words = phrase.translate(PUNCTUATION).split()
            if len(words) > 1:
                self.phrases.setdefault(words[0], []).append(phrase.strip())
            elif words:
                single.append(re.escape(words[0]))
        self.single = re.compile(rf"(?<!\w)(?:{_alternation(single)})")  # at a word's start: "stream" in "streaming"

    def kinds(self, folded: str) -> list[str]:
        """The kinds of cue (``searches``) whose words ``folded`` text holds: for most posts none, at the cost of a
        split."""
        words = folded.translate(PUNCTUATION).split()
        pairs = set(zip(words, words[1:]))
        out = [k for k, w in WORDS.items() if not w.isdisjoint(words)]
        out += [k for k, p in PAIRS.items() if k not in out and not p.isdisjoint(pairs)]
        if self.single.search(folded) or any(
            p in folded for w in self.phrases.keys() & set(words) for p in self.phrases[w]
        ):
            out.append("configured")
        return out

    def read(self, text: str) -> Reading:
        """What ``text`` says: ("in" | "out" | "", the words that said it)."""
        folded = fold(text)
        said: dict[str, Reading] = {}
        matches = [m for kind in self.kinds(folded) for m in self.searches[kind].finditer(folded)]
        for m in sorted(matches, key=lambda m: m.start()):
            if reading := self._reading(folded, m):
                said.setdefault(reading.side, reading)
        if len(said) == 1:
            return next(iter(said.values()))
        return Reading("in", self.tag) if self.tag and self.tag in folded and not said else NOTHING

    def _reading(self, text: str, m: re.Match) -> Reading | None:
        """What cue ``m`` says in its sentence: what comes before it there (back to a "but") is its scope."""
        if m.lastgroup == "absence":
            return Reading("out", m.group(0))
        start = max(text.rfind(c, 0, m.start()) for c in SENTENCE_ENDS) + 1
        start = max(start, text.rfind(" ", 0, max(0, m.start() - WINDOW)) + 1)  # from a word's start
        before = text[start : m.start("where") if m.lastgroup == "being" else m.start()]
        if (but := [b.end() for b in BUT.finditer(before)]) and but[-1] < len(before):
            before = before[but[-1] :]
        before = NOT_NEGATION.sub(" ", before)
        negated = self.negation.search(before) or (m.lastgroup != "deed" and self.wish.search(before))
        if negated and self.others.search(before, 0, negated.start()):
            return None
        if negated:
            return Reading("out", text[text.rfind(" ", 0, max(0, m.start() - 20)) + 1 : m.end()].strip())
        ends = [i for i in (text.find(c, m.end()) for c in "?.!\n") if i >= 0]
        question = (ends and text[min(ends)] == "?") or "¿" in text[start : m.start()]
        return None if question else Reading("in", m.group(0))
