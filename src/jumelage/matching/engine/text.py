"""Bilingual text analysis for affinity: French and English abstracts, keywords and needs.

`analyse(text)` folds accents and case, splits into word tokens, drops French and English stop
words and numbers, then stems each token with a light stemmer of the text's language.

- The language is guessed by `detect_language`: the number of the text's tokens that are French
  stop words against the number that are English ones (words of both lists, such as "on", and
  single letters count for neither); a tie is "unknown". A text with fewer than
  `MIN_STOP_WORDS` stop words of its leading language (a keyword list, a short title) is
  "unknown": each word gets both stemmers and keeps the shorter stem (the one that found an
  ending), so that the keywords "thérapie cellulaire" and "cell therapy" still meet on "therap".
- The stemmers are small suffix strippers written here: no maintained French stemmer (Snowball,
  NLTK) is installed in the project, and scikit-learn has none. They remove plurals and a few
  endings, and bring the common French and English cognate endings to one stem: thérapie /
  therapy -> "therap", génomique / genomic(s) -> "genomic", cellulaire / cellular -> "cellular",
  tumeur / tumour / tumor -> "tumor". Words of up to four letters stay whole ("care" is not
  "car"). They are deliberately light: a wrong merge costs more than a missed one when the
  result is shown to people as a "shared term".
- Surface forms: `analyse_with_forms` also returns the folded word each stem came from, so that
  explanations show "therapy", not "therap".
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from jumelage.core.folding import fold

LANGUAGES = ("fr", "en")
MIN_STOP_WORDS = 3  # fewer stop words than this: the language is unknown
MIN_TOKEN_LENGTH = 2
MAX_UNSTEMMED = 4  # words this short stay whole: care is not car, sein not sei


def _word_set(text: str) -> frozenset[str]:
    return frozenset(text.split())


FRENCH_STOP_WORDS = _word_set("""
a ai aie ainsi alors apres au aucun aupres aussi autre autres aux avait avant avec avoir ayant
c ca ce ceci cela celle celles celui cependant ces cet cette ceux chaque chez comme comment
contre
d dans de depuis des deux dont du elle elles en encore entre est et etaient etait ete etre eu eux
fait faire font il ils j l la le les leur leurs lors lui m ma mais me meme mes moins mon n ne ni
nos notre nous on ont ou par parmi pas peu peut plus plusieurs pour pourquoi qu quand que quel
quelle quelles quels qui s sa sans se selon ses si sinon soit son sont sous sur t ta tant te tes
toi ton tous tout toute toutes tres tu un une vers via vos votre vous y
""")

ENGLISH_STOP_WORDS = _word_set("""
a about above after again against all also am among an and any are as at be because been before
being below between both but by can could did do does doing down during each either etc few for
from further had has have having he her here hers him his how however i if in into is it its
itself just may me might more most must my no nor not now of off on once only or other our ours
out over own per same she should since so some such than that the their theirs them then there
these they this those though through thus to too under until up upon us very was we were what
when where whether which while who whom whose why will with within without would yet you your
""")

STOP_WORDS = FRENCH_STOP_WORDS | ENGLISH_STOP_WORDS
# Words that tell the languages apart: in one list only, two letters at least ("t" in "CAR-T" is
# no French). "car" is not in the French list: CAR-T cells are everywhere in oncology.
_ONLY_FRENCH = frozenset(w for w in FRENCH_STOP_WORDS - ENGLISH_STOP_WORDS if len(w) > 1)
_ONLY_ENGLISH = frozenset(w for w in ENGLISH_STOP_WORDS - FRENCH_STOP_WORDS if len(w) > 1)

_TOKEN = re.compile(r"[a-z0-9]+")
_ELISION = re.compile(r"\b[cdjlmnst]'|\bqu'")



def words(text: str | None) -> list[str]:
    """Folded word tokens, French elisions removed ("l'immunothérapie" -> "immunotherapie")."""
    folded = _ELISION.sub(" ", fold(text).replace("’", "'"))
    return _TOKEN.findall(folded)


def detect_language(text: str | None) -> str:
    """"fr", "en", or "" when the text has too few stop words to tell (see the module doc)."""
    tokens = words(text)
    french = sum(token in _ONLY_FRENCH for token in tokens)
    english = sum(token in _ONLY_ENGLISH for token in tokens)
    if max(french, english) < MIN_STOP_WORDS or french == english:
        return ""
    return "fr" if french > english else "en"


def _replace_end(word: str, rules: tuple[tuple[str, str], ...], min_stem: int) -> str:
    """The first rule whose suffix ends `word` and leaves at least `min_stem` letters."""
    for suffix, replacement in rules:
        if word.endswith(suffix) and len(word) - len(suffix) >= min_stem:
            return word[: len(word) - len(suffix)] + replacement
    return word


_EN_PLURAL = (("ies", "y"), ("sses", "ss"), ("ches", "ch"), ("shes", "sh"), ("xes", "x"),
              ("ses", "se"))
_EN_ENDINGS = (("ically", "ic"), ("ical", "ic"), ("ness", ""), ("ing", ""), ("ed", ""),
               ("our", "or"), ("oma", "om"), ("ly", ""), ("is", ""), ("y", ""), ("e", ""))
_FR_ENDINGS = (("ique", "ic"), ("aire", "ar"), ("euse", "or"), ("eur", "or"), ("ive", "iv"),
               ("if", "iv"), ("ie", ""), ("ee", ""), ("e", ""))


def _singular(word: str, rules: tuple[tuple[str, str], ...] = ()) -> str:
    plural = _replace_end(word, rules, 2) if rules else word
    if plural == word and word.endswith(("s", "x")) and not word.endswith(("ss", "us", "is")):
        plural = word[:-1]
    return plural


def stem_english(word: str) -> str:
    """Light English stem: the plural, then one of a few endings (see the module doc); a
    singular of four letters or fewer stays whole ("nodes" -> "node")."""
    if len(word) <= MAX_UNSTEMMED or word.isdigit():
        return word
    singular = _singular(word, _EN_PLURAL)
    if len(singular) <= MAX_UNSTEMMED:
        return singular
    return _replace_end(singular, _EN_ENDINGS, 3)


def stem_french(word: str) -> str:
    """Light French stem: the plural (-s, -x, -aux -> -al), then one of a few endings (see the
    module doc); a singular of four letters or fewer stays whole."""
    if len(word) <= MAX_UNSTEMMED or word.isdigit():
        return word
    singular = _singular(word, (("aux", "al"),))
    if len(singular) <= MAX_UNSTEMMED:
        return singular
    return _replace_end(singular, _FR_ENDINGS, 3)


def stem(word: str, language: str = "") -> str:
    if language == "en":
        return stem_english(word)
    if language == "fr":
        return stem_french(word)
    english, french = stem_english(word), stem_french(word)
    return french if len(french) < len(english) else english


def analyse_with_forms(text: str | None, language: str | None = None) -> Iterator[
        tuple[str, str]]:
    """(stem, folded word) for each content word of `text`; `language` None means detect it."""
    if language is None:
        language = detect_language(text)
    for token in words(text):
        if len(token) < MIN_TOKEN_LENGTH or token in STOP_WORDS or token.isdigit():
            continue
        yield stem(token, language), token


def analyse(text: str | None, language: str | None = None) -> list[str]:
    """The stems of `text`'s content words: the analyser of the TF-IDF and BM25 models."""
    return [stemmed for stemmed, _word in analyse_with_forms(text, language)]
