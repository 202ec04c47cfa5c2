"""Clause-21 detector for incoming social-network messages.

Clause 21 of the Procedure (Appendix 2): no answer is given to a message that contains
information about an intent to harm another person, obscene or insulting language, or threats
to the life, health or property of an official of the administration or of their family.
``assess_incoming`` reads the incident's text and tells the curator whether the message
*looks like* such a case and why. It is a hint for triage: the curator decides.

Word lists live in ``resources/lexicon/clause21.txt`` so that they can be extended without a
release of the code. Pure Python: no Qt, no database.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Iterator
from dataclasses import dataclass

from app.services.answer_checks import lemmas, load_lexicon, parses

__all__ = ["REASONS", "Clause21Assessment", "assess_incoming"]

REASONS: tuple[str, ...] = ("obscene", "insult", "threat", "harm_intent")


@dataclass(frozen=True)
class Clause21Assessment:
    """Outcome of the clause-21 check of one incoming message.

    ``suggest_no_answer`` is true when any reason was found; ``reasons`` are among
    ``REASONS`` in that order; ``matches`` are the fragments of the original text that
    triggered them, in order of appearance (for highlighting in the incident card).
    """

    suggest_no_answer: bool
    reasons: tuple[str, ...]
    matches: tuple[str, ...]


# --------------------------------------------------------------------------------------
# Lexicon
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _Lexicon:
    """The clause-21 word lists of clause21.txt, compiled once per process."""

    obscene: tuple[re.Pattern[str], ...]
    obscene_except: tuple[re.Pattern[str], ...]
    obscene_forms: tuple[str, ...]
    insults: frozenset[str]
    # violent verb lemma → lemmas of objects that make it harmless («убить подвеску»)
    verbs: dict[str, frozenset[str]]
    threat_phrases: tuple[re.Pattern[str], ...]
    intent_markers: frozenset[str]
    intent_phrases: tuple[re.Pattern[str], ...]


def _fold(word: str) -> str:
    return word.lower().replace("ё", "е")


@functools.lru_cache(maxsize=1)
def _lexicon() -> _Lexicon:
    sections = load_lexicon("clause21.txt")

    def regexes(name: str) -> tuple[re.Pattern[str], ...]:
        return tuple(re.compile(e.text) for e in sections.get(name, ()) if e.is_regex)

    def words(name: str) -> tuple[str, ...]:
        return tuple(_fold(e.text) for e in sections.get(name, ()) if not e.is_regex)

    verbs = {
        _fold(e.text): frozenset(_fold(v) for v in e.value.split())
        for e in sections.get("threat.verbs", ())
        if not e.is_regex
    }
    return _Lexicon(
        obscene=regexes("obscene"),
        obscene_except=regexes("obscene.except"),
        obscene_forms=words("obscene.forms"),
        insults=frozenset(words("insult")),
        verbs=verbs,
        threat_phrases=regexes("threat.phrases"),
        intent_markers=frozenset(words("harm_intent.markers")),
        intent_phrases=regexes("harm_intent.phrases"),
    )


# --------------------------------------------------------------------------------------
# De-obfuscation
# --------------------------------------------------------------------------------------

_CYRILLIC = "абвгдежзийклмнопрстуфхцчшщъыьэюя"
# Latin letters and digits that people type instead of the Cyrillic letters they resemble.
# «b» is ambiguous (б in «bля», в in «Bася»), so both readings are tried.
_LOOKALIKES: dict[str, str] = {
    "a": "а", "e": "е", "o": "о", "p": "р", "c": "с", "x": "х", "y": "у", "k": "к",
    "m": "м", "t": "т", "h": "н", "u": "и", "n": "п", "r": "г", "i": "и", "3": "з",
    "0": "о", "4": "ч", "6": "б", "9": "я", "@": "а", "ё": "е",
}
_AMBIGUOUS_LOOKALIKES: dict[str, str] = {"b": "бв"}
# Other Latin letters inside an otherwise Cyrillic word are read by sound («пиzда»).
_LATIN_BY_SOUND: dict[str, str] = {
    "d": "д", "f": "ф", "g": "г", "j": "й", "l": "л", "s": "с", "v": "в", "z": "з",
    "w": "в", "q": "к",
}
# Transliteration for words typed entirely in Latin («blyat», «nahuy»). Longest first.
_TRANSLIT = (
    ("shch", "щ"), ("sch", "щ"), ("zh", "ж"), ("kh", "х"), ("ch", "ч"), ("sh", "ш"),
    ("ts", "ц"), ("yo", "е"), ("ya", "я"), ("yu", "ю"), ("ja", "я"), ("ju", "ю"),
    ("a", "а"), ("b", "б"), ("v", "в"), ("g", "г"), ("d", "д"), ("e", "е"), ("z", "з"),
    ("i", "и"), ("j", "й"), ("k", "к"), ("l", "л"), ("m", "м"), ("n", "н"), ("o", "о"),
    ("p", "п"), ("r", "р"), ("s", "с"), ("t", "т"), ("u", "у"), ("f", "ф"), ("h", "х"),
    ("c", "ц"), ("w", "в"), ("q", "к"), ("x", "кс"),
)
_VOWELS = "aeiouy"
_MASKS = "*#%"
# Characters people put between letters to hide a word: «б.л.я», «х-у-й», «б_л_я».
_SEPARATORS = ".-_|/\\'`~+,:;\"^"
_CHUNK_TRIM = "«»\"'()[]{}<>!?.,:;…—–-"
_URL_RE = re.compile(
    r"(?:https?://|www\.)\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|\b[\w-]+\.(?:ru|рф|com|org|net|su)\S*",
    re.IGNORECASE,
)


def _is_letterlike(ch: str) -> bool:
    c = ch.lower()
    return c.isalpha() or c in _LOOKALIKES or c in _MASKS


def _translit(word: str) -> str:
    out = []
    i = 0
    while i < len(word):
        if word[i] == "y":
            # «y» after a vowel is «й» («nahuy»), otherwise «ы».
            out.append("й" if i and word[i - 1] in _VOWELS else "ы")
            i += 1
            continue
        for latin, cyr in _TRANSLIT:
            if word.startswith(latin, i):
                out.append(cyr)
                i += len(latin)
                break
        else:
            out.append(word[i])
            i += 1
    return "".join(out)


def _collapse_repeats(word: str) -> str:
    return re.sub(r"(.)\1+", r"\1", word)


def _variants(core: str) -> set[str]:
    """Cyrillic readings of one de-separated, unmasked word."""
    word = core.lower().replace("ё", "е")
    has_cyrillic = any(c in _CYRILLIC for c in word)
    has_letter = any(c.isalpha() for c in word)
    readings: set[str] = set()
    table = dict(_LOOKALIKES)
    if has_cyrillic:
        table.update(_LATIN_BY_SOUND)
    if has_letter and all(c in _CYRILLIC or c in table or c in _AMBIGUOUS_LOOKALIKES for c in word):
        # Digits become letters only inside words («6ля»), never in «2025».
        options = [
            c if c in _CYRILLIC else _AMBIGUOUS_LOOKALIKES.get(c) or table[c] for c in word
        ]
        for combo in itertools.islice(itertools.product(*options), 16):
            readings.add("".join(combo))
    if not has_cyrillic and word.isascii() and word.isalpha():
        readings.add(_translit(word))
    readings = {r for r in readings if r and all(c in _CYRILLIC for c in r)}
    readings |= {_collapse_repeats(r) for r in readings}
    return readings


@dataclass(frozen=True)
class _Candidate:
    """A word of the message as written (``text``) and its position."""

    text: str
    start: int
    end: int


def _chunks(text: str) -> list[_Candidate]:
    """Whitespace-separated chunks with surrounding punctuation trimmed; links removed."""
    urls = [m.span() for m in _URL_RE.finditer(text)]
    chunks = []
    for m in re.finditer(r"\S+", text):
        if any(a <= m.start() < b for a, b in urls):
            continue
        raw = m.group()
        left = len(raw) - len(raw.lstrip(_CHUNK_TRIM))
        core = raw.strip(_CHUNK_TRIM)
        if core:
            chunks.append(_Candidate(core, m.start() + left, m.start() + left + len(core)))
    return chunks


def _candidates(text: str) -> Iterator[_Candidate]:
    """Chunks plus runs of three or more single letters joined together («х у й»)."""
    chunks = _chunks(text)
    yield from chunks
    run: list[_Candidate] = []
    for chunk in [*chunks, None]:
        if chunk is not None and len(chunk.text) == 1 and _is_letterlike(chunk.text):
            run.append(chunk)
            continue
        if len(run) >= 3:
            yield _Candidate("".join(c.text for c in run), run[0].start, run[-1].end)
        run = []


_SEP = re.escape(_SEPARATORS)
# Separators between two non-separator characters: «б.л.я» → «бля».
_INNER_SEPARATORS_RE = re.compile(rf"(?<=[^\s{_SEP}])[{_SEP}]+(?=[^\s{_SEP}])")


def _strip_separators(core: str) -> str:
    return _INNER_SEPARATORS_RE.sub("", core)


# --------------------------------------------------------------------------------------
# Obscene words and insults
# --------------------------------------------------------------------------------------


def _obscene_word(word: str, lex: _Lexicon) -> bool:
    if any(p.search(word) for p in lex.obscene_except):
        return False
    return any(p.search(word) for p in lex.obscene)


@functools.lru_cache(maxsize=4096)
def _masked_obscene(core: str) -> bool:
    """«х*й», «б**дь», «п*здец»: a word with masked letters that fits an obscene word."""
    lex = _lexicon()
    word = core.lower().replace("ё", "е")
    if word[:1] in _MASKS and word[-1:] in _MASKS:
        return False  # «*важно*» — emphasis, not a mask
    word = "".join(_LOOKALIKES.get(c, c) if c not in _MASKS else c for c in word)
    if not any(c in _CYRILLIC for c in word):
        return False
    if not all(c in _CYRILLIC or c in _MASKS for c in word):
        return False
    parts = [p for p in re.split(rf"([{re.escape(_MASKS)}]+)", word) if p]
    masked = [p[0] in _MASKS for p in parts]
    # How many letters each mask may hide: a star inside the word often stands for two
    # letters («б*дь» = «блядь»), but at the edge of the word only for itself, or «*яма»
    # (a footnote) would read as an obscene word with two hidden letters in front.
    sizes = [
        (len(p), len(p) + 1) if m and 0 < k < len(parts) - 1 else (len(p),)
        for k, (p, m) in enumerate(zip(parts, masked))
    ]
    pattern = "".join(
        f"[{_CYRILLIC}]{{{size[0]},{size[-1]}}}" if m else re.escape(p)
        for p, m, size in zip(parts, masked, sizes)
    )
    regex = re.compile(pattern)
    if any(regex.fullmatch(form) for form in lex.obscene_forms):
        return True
    # Few masked letters: try every filling against the obscene roots («с*ка», «х*р»).
    if sum(len(p) for p, m in zip(parts, masked) if m) > 2:
        return False
    choices = [size if m else (0,) for m, size in zip(masked, sizes)]
    for chosen in itertools.product(*choices):
        if sum(chosen) > 2:
            continue  # at most 33² fillings: this runs while the curator types
        for fill in itertools.product(_CYRILLIC, repeat=sum(chosen)):
            letters = iter(fill)
            candidate = "".join(
                "".join(next(letters) for _ in range(n)) if m else p
                for p, m, n in zip(parts, masked, chosen)
            )
            if _obscene_word(candidate, lex):
                return True
    return False


def _insult_word(word: str, lex: _Lexicon) -> bool:
    return bool(lemmas(word) & lex.insults) or word in lex.insults


# --------------------------------------------------------------------------------------
# Threats and intent to harm
# --------------------------------------------------------------------------------------

_ADDRESSEE = frozenset({"вас", "вам", "тебя", "тебе"})


@dataclass(frozen=True)
class _Word:
    """A plain Cyrillic word of the message, for the grammatical threat rules."""

    text: str  # lowercase, «ё» folded
    start: int
    end: int


def _plain_words(text: str) -> list[_Word]:
    return [
        _Word(_fold(m.group()), m.start(), m.end())
        for m in re.finditer(r"[А-Яа-яЁё]+(?:-[А-Яа-яЁё]+)*", text)
    ]


def _violent_reading(word: str, lex: _Lexicon) -> tuple[str, set[str]] | None:
    """(verb lemma, grammemes) of a reading of ``word`` as a violent verb, if any."""
    for p in parses(word):
        nf = _fold(p.normal_form)
        if nf in lex.verbs and p.tag.POS in {"VERB", "INFN"}:
            return nf, set(p.tag.grammemes)
    return None


def _harmless_object(words: list[_Word], i: int, verb: str, lex: _Lexicon) -> bool:
    harmless = lex.verbs[verb]
    return any(lemmas(w.text) & harmless for w in words[i + 1 : i + 4])


def _threats(text: str, lex: _Lexicon) -> tuple[list[_Word], list[_Word]]:
    """Words that make a threat and words that state an intent to harm."""
    words = _plain_words(text)
    threats: list[_Word] = []
    intents: list[_Word] = []
    for i, w in enumerate(words):
        reading = _violent_reading(w.text, lex)
        if reading is None:
            continue
        verb, grammemes = reading
        if _harmless_object(words, i, verb, lex):
            continue
        near = {x.text for x in words[max(0, i - 2) : i + 3]}
        before = {x.text for x in words[max(0, i - 3) : i]}
        if "INFN" in grammemes:
            if before & lex.intent_markers:
                intents.append(w)
            elif near & _ADDRESSEE:
                threats.append(w)
        elif ("1per" in grammemes and "futr" in grammemes) or near & _ADDRESSEE:
            # «убью», «сожжём»; «вас сожгут». A reported third-person act («сосед убил
            # собаку») is a complaint to answer, not a threat.
            if "не" in {x.text for x in words[max(0, i - 1) : i]}:
                continue  # «не убью», «вас не тронут»
            threats.append(w)
    return threats, intents


def _folded_with_offsets(text: str) -> tuple[str, list[int]]:
    """Lowercase text with «ё» → «е» and whitespace runs → one space, plus for each
    character of the result its offset in ``text`` (to report the original fragment)."""
    out: list[str] = []
    offsets: list[int] = []
    previous_space = False
    for index, ch in enumerate(text):
        if ch.isspace():
            if previous_space:
                continue
            out.append(" ")
            previous_space = True
        else:
            out.append(_fold(ch))
            previous_space = False
        offsets.append(index)
    return "".join(out), offsets


def _phrase_hits(
    folded: str, offsets: list[int], text: str, patterns: tuple[re.Pattern[str], ...]
) -> list[tuple[int, str]]:
    hits = []
    for pattern in patterns:
        for m in pattern.finditer(folded):
            if m.end() > m.start():
                start, end = offsets[m.start()], offsets[m.end() - 1] + 1
                hits.append((start, text[start:end]))
    return hits


# --------------------------------------------------------------------------------------
# Public entry point
# --------------------------------------------------------------------------------------


@functools.lru_cache(maxsize=512)
def assess_incoming(text: str) -> Clause21Assessment:
    """Check an incoming message for the clause-21 grounds not to answer it.

    The outcome depends on the text alone (the word lists are fixed): a card opened again, or opened
    on another incident with the same message, is not checked again."""
    lex = _lexicon()
    found: dict[str, list[tuple[int, str]]] = {reason: [] for reason in REASONS}

    for cand in _candidates(text):
        # «#мусор» is a hashtag, not a masked letter: check the word after the sign.
        core = cand.text.lstrip("#") if len(cand.text) > 1 else cand.text
        if any(c in _MASKS for c in core):
            if _masked_obscene(core):
                found["obscene"].append((cand.start, text[cand.start : cand.end]))
            continue
        variants = _variants(_strip_separators(core))
        if any(_obscene_word(v, lex) for v in variants):
            found["obscene"].append((cand.start, text[cand.start : cand.end]))
        elif any(_insult_word(v, lex) for v in variants):
            found["insult"].append((cand.start, text[cand.start : cand.end]))

    threats, intents = _threats(text, lex)
    found["threat"].extend((w.start, text[w.start : w.end]) for w in threats)
    found["harm_intent"].extend((w.start, text[w.start : w.end]) for w in intents)
    folded, offsets = _folded_with_offsets(text)
    found["threat"].extend(_phrase_hits(folded, offsets, text, lex.threat_phrases))
    found["harm_intent"].extend(_phrase_hits(folded, offsets, text, lex.intent_phrases))

    reasons = tuple(reason for reason in REASONS if found[reason])
    return Clause21Assessment(bool(reasons), reasons, _merge_fragments(text, found))


def _merge_fragments(text: str, found: dict[str, list[tuple[int, str]]]) -> tuple[str, ...]:
    """Fragments in text order; overlapping ones («вы пожалеете» + «пожалеете об этом»)
    are merged into one, repeated ones reported once."""
    spans = sorted(
        {(start, start + len(fragment)) for hits in found.values() for start, fragment in hits}
    )
    merged: list[list[int]] = []
    for start, end in spans:
        if merged and start < merged[-1][1]:
            merged[-1][1] = max(merged[-1][1], end)
        else:
            merged.append([start, end])
    return tuple(dict.fromkeys(text[start:end] for start, end in merged))
