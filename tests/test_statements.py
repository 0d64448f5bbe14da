"""The clause reader behind the in-room/remote phrases: scope of negation, wishes and regret, ambiguity, questions,
and the venue's city, in English, French, Spanish, German and Portuguese (``summitpulse.analysis.statements``)."""

import gzip
import json

import pytest

from summitpulse.analysis.statements import StatementReader
from summitpulse.normalise.folding import fold

from .conftest import ROOT

READER = StatementReader(
    presence=["here at", "front row"],
    absence=["wish i were there"],
    places=["Palacio de Congresos de Sevilla", "Sala B"],
    where=["#congreso", "Sevilla"],
)


@pytest.mark.parametrize(
    ("text", "side"),
    [
        # a wish, regret or negation before being somewhere: not there
        ("Wish I was in Sevilla with you all #congreso", "out"),
        ("I am not at #congreso this year, enjoy!", "out"),
        ("Qué pena no estar en Sevilla esta semana #congreso", "out"),
        ("Una pena no poder estar en el #congreso", "out"),
        ("Dommage de ne pas être à Sevilla pour le #congreso", "out"),
        ("Leider nicht dabei, viel Spaß in Sevilla #congreso", "out"),
        ("Queria estar no #congreso hoje", "out"),
        ("I won't be there this year #congreso", "out"),
        # being there, in each language
        ("Ya estamos en el #congreso, ¡visítanos!", "in"),
        ("Estoy en Sevilla para el #congreso", "in"),
        ("Je suis à Sevilla pour le #congreso", "in"),
        ("Ich bin beim #congreso in Sevilla", "in"),
        ("Estou no #congreso com a equipa", "in"),
        ("Can't wait to be at #congreso tomorrow!", "in"),
        ("Sad to be leaving #congreso today", "in"),  # regret before a deed: they were there
        ("Full room to watch the keynote #congreso", "in"),  # "watch" happens in the room too
        ("Lunch in Sala B #congreso", "in"),
        ("Hoy participo en el #congreso, mesa de política", "in"),
        ("I'm speaking at 11:00 in the main hall #congreso", "in"),
        ("Ich halte meinen Vortrag um 10 Uhr #congreso", "in"),
        # nothing either way
        ("Watching the keynote, great slides #congreso", ""),
        ("Sevilla acoge un congreso internacional #congreso", ""),  # the city alone is not a check-in
        ("Are you at #congreso? Say hi to my student", ""),  # a question is not a check-in
        ("Our own Dennis will be at #congreso", ""),  # someone else
        ("Streaming from the front row! #congreso", ""),  # says both
        ("a mainstream idea", ""),
        # remote
        ("Watching the livestream from Sydney #congreso", "out"),
        ("Siguiendo el #congreso desde casa", "out"),
        ("Poster will travel to Sevilla without me", "out"),
    ],
)
def test_what_a_clause_says_about_where_its_author_is(text, side):
    assert READER.read(text).side == side


def test_the_prefilter_drops_no_cue_the_full_search_would_find():
    """On every post of the real archives, a kind of cue the cheap word prefilter leaves out is not there."""
    for path in (ROOT / "tests" / "data" / "real_events").glob("*/posts.jsonl.gz"):
        for line in gzip.open(path):
            folded = fold(json.loads(line)["data"][0]["text"])
            kinds = READER.kinds(folded)
            for kind, search in READER.searches.items():
                assert kind in kinds or not search.search(folded), (kind, folded)
