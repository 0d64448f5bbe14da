"""The profanity filter's word list as a trie finds exactly what better-profanity's own list finds."""

import random

from better_profanity import Profanity

from summitpulse.analysis import moderation

SENTENCES = [
    "Great #ICRE2014 keynote on competency-based assessment, classes and passes",
    "Residents at 4am: coffee, then rounds. #meded",
    "What the h3ll is this sh1t, @org?",
    "a ss, a$$ and @ss are all the same word to the filter",
    "Ünïcödé and 日本語 and مرحبا in one post",
    "",
    "   ",
    "2 girls 1 cup",
]


def _variants(word: str, rng: random.Random) -> str:
    mapping = Profanity().CHARS_MAPPING
    return "".join(rng.choice(mapping.get(c, (c,))) for c in word)


def test_the_trie_censors_exactly_as_the_library_does():
    reference = Profanity()  # the library's own list of VaryingString
    words = [str(w) for w in reference.CENSOR_WORDSET]
    rng = random.Random(7)
    texts = SENTENCES + [
        f"{rng.choice(SENTENCES)} {_variants(w, rng)}{rng.choice(['', '!', ' ok', '.'])}"
        for w in rng.sample(words, 120)
    ]
    texts += [w.upper() for w in rng.sample(words, 20)] + [w[:-1] for w in rng.sample(words, 20) if len(w) > 2]
    fast = moderation._profanity()
    assert [fast.censor(t) for t in texts] == [reference.censor(t) for t in texts]
    assert sum(moderation.profane(t) for t in texts) > 100  # the sample does hold words of the list


def test_ordinary_words_that_contain_a_listed_one_pass():
    assert not moderation.profane("Classes on assessment passed: a class act")
