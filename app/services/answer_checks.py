"""Checks of a draft answer that catch the curator's clause-14 return reasons early.

Clause 14 of the Procedure (Appendix 2) lets the curator return a draft for: not answering
the question, breaking clause 20 (social-network format, substance, Russian spelling and
punctuation), re-routing, and spelling/punctuation mistakes. Appendix 1, clause 10 adds:
no bureaucratese, at most two legal citations per publication. Everything here produces
*warnings* (``Finding``) for the answer editor; nothing blocks the user.

Pure Python: no Qt, no database. Morphology comes from pymorphy3; one analyzer is created
lazily and shared (loading the dictionaries takes ~0.1–0.2 s, so never per call).
"""

from __future__ import annotations

import functools
import re
import threading
from collections.abc import Sequence
from dataclasses import dataclass
from typing import TYPE_CHECKING

from app.paths import resource_path
from app.services.formatting import plural

SIGNS = ("знак", "знака", "знаков")

if TYPE_CHECKING:  # pragma: no cover - typing only
    from pymorphy3 import MorphAnalyzer
    from pymorphy3.analyzer import Parse

__all__ = [
    "FINDING_KINDS",
    "NETWORK_LIMITS",
    "NETWORK_NAMES",
    "Finding",
    "LexiconEntry",
    "check_answer",
    "check_length",
    "check_relevance",
    "check_spelling",
    "check_style",
    "get_morph",
    "lemmas",
    "load_lexicon",
    "parses",
]

FINDING_KINDS: tuple[str, ...] = (
    "spelling",
    "punctuation",
    "bureaucratese",
    "citations",
    "length",
    "empty",
    "off_topic",
)

# Maximum length of one reply, in UTF-16 code units (what the platforms' own counters use;
# an emoji counts as 2, a Cyrillic letter as 1).
#
# * telegram — 4096: Telegram Bot API, method sendMessage, parameter `text`:
#   "Text of the message to be sent, 1-4096 characters after entities parsing"
#   (https://core.telegram.org/bots/api#sendmessage). A comment in a channel's discussion
#   group is an ordinary message, so the same limit applies.
# * vk — 4096: VK's API reference gives no figure for a wall comment (wall.createComment
#   only documents `message` as "text of the comment"). The community list of VK limits
#   (github.com/SevereCloud/vk-limits, src/data.ts) gives «Длина сообщения — примерно до
#   4096 байт» for messages; a third-party comment generator (rybbit.com/tools/
#   vk-comment-generator) counts up to 16384 for comments. Neither is official, so we take
#   the lower, safe figure: an answer that fits 4096 fits either way.
# * ok — 4000: we found no published figure for an Odnoklassniki comment; 4000 is a
#   conservative working value. Verify on the administration's page and adjust here.
NETWORK_LIMITS: dict[str, int] = {"vk": 4096, "ok": 4000, "telegram": 4096}

NETWORK_NAMES: dict[str, str] = {"vk": "ВКонтакте", "ok": "Одноклассники", "telegram": "Telegram"}


@dataclass(frozen=True)
class Finding:
    """One warning about an answer, for the answer editor to underline and explain.

    ``kind`` is one of ``FINDING_KINDS``; ``start``/``end`` are character offsets in the
    checked text (``None`` when the finding concerns the whole text); ``suggestions`` are
    replacements the editor may offer (possibly empty).
    """

    kind: str
    message: str
    start: int | None = None
    end: int | None = None
    suggestions: tuple[str, ...] = ()


# --------------------------------------------------------------------------------------
# Shared infrastructure: morphology and lexicon files (also used by clause21).
# --------------------------------------------------------------------------------------

_morph: MorphAnalyzer | None = None
_morph_lock = threading.Lock()


def get_morph() -> MorphAnalyzer:
    """Return the process-wide pymorphy3 analyzer, creating it on first use."""
    global _morph
    # Double-checked locking: the editor checks on a worker thread while the GUI thread may
    # also ask; only one of them should pay for loading the dictionaries.
    if _morph is None:
        with _morph_lock:
            if _morph is None:
                import pymorphy3

                _morph = pymorphy3.MorphAnalyzer(lang="ru")
    return _morph


@functools.lru_cache(maxsize=65536)
def parses(word: str) -> tuple[Parse, ...]:
    """All pymorphy3 parses of a lowercase word (cached: texts repeat the same words)."""
    return tuple(get_morph().parse(word))


@functools.lru_cache(maxsize=65536)
def lemmas(word: str) -> frozenset[str]:
    """Every possible normal form of ``word``, with «ё» folded to «е».

    Reflexive verbs also yield the form without «-ся»/«-сь», so that «осуществляется»
    matches the dictionary entry «осуществлять».
    """
    result: set[str] = set()
    for p in parses(word.lower()):
        nf = p.normal_form.replace("ё", "е")
        result.add(nf)
        if p.tag.POS in {"VERB", "INFN", "PRTF", "PRTS", "GRND"} and nf.endswith(("ся", "сь")):
            result.add(nf[:-2])
    return frozenset(result)


@functools.lru_cache(maxsize=65536)
def _is_known(word: str) -> bool:
    return get_morph().word_is_known(word)


@dataclass(frozen=True)
class LexiconEntry:
    """One line of a lexicon file: the entry, its optional value and where it came from."""

    text: str
    value: str
    is_regex: bool
    line: int


@functools.lru_cache(maxsize=None)
def load_lexicon(filename: str) -> dict[str, tuple[LexiconEntry, ...]]:
    """Read ``resources/lexicon/<filename>`` into ``{section: entries}``.

    Syntax: ``#`` starts a comment (a ``#`` inside a regex must be escaped as ``\\#``),
    ``[section]`` starts a section (entries before the first header go to ``"main"``),
    ``entry = value`` with an optional value, an entry starting with ``~`` is a regular
    expression. The files are small and read once per process.
    """
    path = resource_path("lexicon", filename)
    sections: dict[str, list[LexiconEntry]] = {}
    current = "main"
    for number, raw in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
        line = re.split(r"(?<!\\)#", raw, maxsplit=1)[0].replace("\\#", "#").strip()
        if not line:
            continue
        header = re.fullmatch(r"\[([^\]]+)\]", line)
        if header:
            current = header.group(1).strip()
            sections.setdefault(current, [])
            continue
        is_regex = line.startswith("~")
        if is_regex:
            # Regexes may contain «=», so they take no value.
            text, value = line[1:].strip(), ""
        else:
            text, _, value = (part.strip() for part in line.partition("="))
        sections.setdefault(current, []).append(LexiconEntry(text, value, is_regex, number))
    return {name: tuple(entries) for name, entries in sections.items()}


# --------------------------------------------------------------------------------------
# Tokenisation
# --------------------------------------------------------------------------------------

_CYR = "А-Яа-яЁё"
# Stress marks and soft hyphens may sit inside a word pasted from Word; keep them in the
# token so the word is not split, and drop them before any dictionary lookup.
_INVISIBLE = "\u0301\u00ad"
_WORD_RE = re.compile(rf"[{_CYR}{_INVISIBLE}]+(?:-[{_CYR}{_INVISIBLE}]+)*")
_PROTECTED_RE = re.compile(
    r"(?:https?://|www\.)\S+"  # links
    r"|[\w.+-]+@[\w-]+(?:\.[\w-]+)+"  # e-mails
    r"|@\w+"  # mentions
    r"|#\w+"  # hashtags
    r"|\b[\w-]+(?:\.[\w-]+)*\.(?:ru|рф|su|com|org|net|info|gov)\b\S*",  # bare domains
    re.IGNORECASE,
)
_SENTENCE_END = ".!?…\n"
_OPENERS = "«\"'„“([{—–-"
# Abbreviations after which a period does not end the sentence («ул. Красная»).
_ABBREVIATIONS = frozenset(
    "ул пер пр просп мкр пос г д кв им ст тел руб коп шт тыс млн млрд км см мм кг т "
    "х с п пп гг р-н пгт обл корп стр эт каб зам нач отд напр др ср вкл тт".split()
)


@dataclass(frozen=True)
class _Token:
    """A Russian word of the checked text with its character span."""

    text: str  # as written
    start: int
    end: int

    @property
    def norm(self) -> str:
        """Lowercase, without stress marks and soft hyphens."""
        return self.text.lower().translate({0x301: None, 0xAD: None})


def _protected_spans(text: str) -> list[tuple[int, int]]:
    return [m.span() for m in _PROTECTED_RE.finditer(text)]


def _inside(pos: int, spans: Sequence[tuple[int, int]]) -> bool:
    return any(a <= pos < b for a, b in spans)


def _words(text: str) -> list[_Token]:
    """Russian words of ``text``, skipping links, e-mails, mentions, hashtags and words
    glued to digits or Latin letters («5-й», «2024г», «Wi-Fi-сеть»)."""
    spans = _protected_spans(text)
    tokens: list[_Token] = []
    for m in _WORD_RE.finditer(text):
        start, end = m.span()
        if _inside(start, spans):
            continue
        before = text[start - 1] if start else ""
        before2 = text[start - 2] if start > 1 else ""
        after = text[end] if end < len(text) else ""
        after2 = text[end + 1] if end + 1 < len(text) else ""
        if _glued(before) or (before == "-" and _glued(before2)):
            continue
        if _glued(after) or (after == "-" and _glued(after2)):
            continue
        tokens.append(_Token(m.group(), start, end))
    return tokens


def _glued(ch: str) -> bool:
    return bool(ch) and (ch.isdigit() or ("a" <= ch.lower() <= "z") or ch == "_")


# --------------------------------------------------------------------------------------
# Spelling and punctuation
# --------------------------------------------------------------------------------------

_ALPHABET = "абвгдеёжзийклмнопрстуфхцчшщъыьэюя"

# Words of the municipal trade the OpenCorpora dictionary lacks; compared with the word and
# with pymorphy3's predicted normal forms, so inflected forms pass too.
_DOMAIN_WORDS = frozenset(
    {
        "грейдирование",
        "грейдировать",
        "прогрейдировать",
        "кронирование",
        "ливневка",
        "ливневый",
        "противогололедный",
        "антигололедный",
        "кореновчанин",
        "кореновчанка",
        "кореновчане",
        "нибудь",
        "мкр",
        "р-н",
        "маломобильный",
        "видеофиксация",
        "инфографика",
        "госметка",
    }
)

# Letters people confuse by sound (voicing, unstressed vowels) — the typical Russian
# misspelling is one of these, so such a replacement ranks first.
_PHONETIC_PAIRS = {
    frozenset(p)
    for p in (
        "дт", "бп", "гк", "вф", "зс", "жш", "ао", "еи", "её", "иы", "еэ", "ьъ", "ая",
        "ую", "ий", "шщ", "цс", "ея", "юу",
    )
}
# Neighbouring keys of the ЙЦУКЕН layout: the typical typo.
_KEY_ROWS = ("йцукенгшщзхъ", "фывапролджэ", "ячсмитьбю")


def _key_neighbours() -> dict[str, frozenset[str]]:
    result: dict[str, frozenset[str]] = {}
    for r, row in enumerate(_KEY_ROWS):
        for c, ch in enumerate(row):
            near = set()
            for other in _KEY_ROWS[max(0, r - 1) : r + 2]:
                near.update(other[max(0, c - 1) : c + 2])
            near.discard(ch)
            result[ch] = frozenset(near)
    return result


_KEY_NEIGHBOURS = _key_neighbours()


# Frequent words of the administration's answers. The OpenCorpora dictionary has no word
# frequencies, so this short list stands in for them when ranking suggestions: «муср» should
# become «мусор», not «муар».
_COMMON_LEMMAS = frozenset(
    """
    дорога улица переулок проезд мусор вывоз контейнер площадка освещение фонарь светильник
    опора ремонт асфальт яма тротуар остановка транспорт автобус вода водопровод канализация
    свет электричество газ дом двор подъезд крыша детский парк сквер дерево ветка покос трава
    уборка снег грязь лужа канава собака животное отлов школа сад больница работа график срок
    неделя месяц день завтра сегодня сейчас администрация глава житель заявка обращение
    вопрос ответ проверка подрядчик организация выполнить провести сделать отремонтировать
    установить заменить убрать вывезти проверить направить сообщить планировать начаться
    закончить завершить следующий ближайший новый старый весь каждый хороший обязательно
    пожалуйста здравствуйте спасибо уважаемый информация адрес номер телефон сайт конечно
    также только еще уже очень можно нужно необходимо прийти благоустройство
    """.split()
)
# Dictionary marks of rare, informal or proper-name readings: a lowercase misspelling is
# unlikely to stand for them.
_RARE_GRAMMEMES = frozenset({"Arch", "Dist", "Erro", "Infr", "Slng", "Abbr"})
_NAME_GRAMMEMES = frozenset({"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"})
_PERSON_GRAMMEMES = frozenset({"Name", "Surn", "Patr"})


@functools.lru_cache(maxsize=65536)
def _common_word(word: str) -> bool:
    """Whether the dictionary has ``word`` as an ordinary word, not only as a proper name.

    ``word_is_known`` also says yes to surnames: «устонова» is the genitive of the surname
    «Устонов», which is no correction for «установа». A suggestion must pass this check."""
    return any(p.is_known and not (p.tag.grammemes & _NAME_GRAMMEMES) for p in parses(word))


def _suggestable(candidate: str) -> bool:
    """A correction worth offering: every word of it is an ordinary dictionary word."""
    parts = candidate.split(" ")
    return all(_common_word(part) or (
        "-" in part and all(piece and _common_word(piece) for piece in part.split("-"))
    ) for part in parts)


def _only_a_name(word: str) -> bool:
    """A known word whose every dictionary reading is a first name, surname or patronymic:
    written in lowercase, it is a misspelling («устонова»), not a name."""
    found = [p for p in parses(word) if p.is_known]
    return bool(found) and all(p.tag.grammemes & _PERSON_GRAMMEMES for p in found)


def _word_known(word: str) -> bool:
    """Whether a lowercase word (possibly hyphenated) is a real Russian word."""
    def known(part: str) -> bool:
        return _is_known(part) or part.replace("ё", "е") in _DOMAIN_WORDS

    if known(word):
        return True
    if "-" in word and all(part and known(part) for part in word.split("-")):
        return True
    return any(p.normal_form.replace("ё", "е") in _DOMAIN_WORDS for p in parses(word))


def _edit_candidates(word: str) -> dict[str, float]:
    """Dictionary words one edit away from ``word``, with the edit's cost (lower = likelier)."""
    found: dict[str, float] = {}

    def offer(candidate: str, cost: float, position: int) -> None:
        if not candidate or candidate == word:
            return
        # Writers rarely get the first letter wrong.
        if position == 0:
            cost += 0.4
        if cost < found.get(candidate, 99.0) and _is_known(candidate) and _suggestable(candidate):
            found[candidate] = cost

    n = len(word)
    for i in range(n):
        # Deletion of an extra letter; dropping one of a doubled pair («оссвещение») is cheaper.
        doubled = (i > 0 and word[i - 1] == word[i]) or (i + 1 < n and word[i + 1] == word[i])
        offer(word[:i] + word[i + 1 :], 0.6 if doubled else 1.0, i)
        if i + 1 < n and word[i] != word[i + 1]:
            offer(word[:i] + word[i + 1] + word[i] + word[i + 2 :], 0.5, i)
        for ch in _ALPHABET:
            if ch == word[i]:
                continue
            if frozenset((ch, word[i])) in _PHONETIC_PAIRS:
                cost = 0.3
            elif ch in _KEY_NEIGHBOURS.get(word[i], ()):
                cost = 0.6
            else:
                cost = 1.0
            offer(word[:i] + ch + word[i + 1 :], cost, i)
    for i in range(n + 1):
        for ch in _ALPHABET:
            doubled = (i > 0 and word[i - 1] == ch) or (i < n and word[i] == ch)
            offer(word[:i] + ch + word[i:], 0.6 if doubled else 1.0, i)
    for i in range(1, n):
        # Written together by mistake: «ктото» → «кто-то», «вобщем» → «в общем».
        hyphenated = word[:i] + "-" + word[i:]
        if _is_known(hyphenated) and _suggestable(hyphenated):
            found[hyphenated] = 0.4
        elif _plain_word(word[:i], leading=True) and _plain_word(word[i:], leading=False):
            # Two long words glued together are rarer than a one-letter slip («уста нова»
            # for «установа» must not come before «установка»).
            found.setdefault(word[:i] + " " + word[i:], 0.5 if i == 1 else 1.1)
    return found


# Short words that really are written apart from the next one: «в общем», «на днях».
_SHORT_LEADING_WORDS = frozenset("в к с о у а и на по за из от до не ни".split())
# Short words that are written apart from the previous one: «потому что», «всё же».
_SHORT_TRAILING_WORDS = frozenset("же ли бы то".split())


def _plain_word(part: str, *, leading: bool) -> bool:
    """A part of a split candidate: an ordinary word, not an abbreviation («ре», «ул»)."""
    short_ones = _SHORT_LEADING_WORDS if leading else _SHORT_TRAILING_WORDS
    if len(part) < 3 and part not in short_ones:
        return False
    if not _is_known(part) or not _common_word(part):
        return False
    best = parses(part)[0]
    return not (best.tag.grammemes & (_RARE_GRAMMEMES | _NAME_GRAMMEMES))


@functools.lru_cache(maxsize=4096)
def _suggest(word: str, limit: int = 3) -> tuple[str, ...]:
    """Up to ``limit`` corrections for an unknown lowercase word.

    The OpenCorpora dictionary carries no word frequencies, so ranking uses what we have:
    the edit's cost (sound-alike and neighbouring-key letters first), then agreement with the
    part of speech pymorphy3 predicts for the misspelt word from its ending (a misspelt noun
    is most likely a noun), then pymorphy3's score of the candidate's best parse. Every
    candidate is an ordinary dictionary word (``_suggestable``): never a word the dictionary
    knows only as a surname, a first name or a place.
    """
    candidates = _edit_candidates(word)
    if not candidates:
        return ()
    predicted = parses(word)[0].tag.POS if parses(word) else None

    def rank(candidate: str) -> tuple[float, float, str]:
        if " " in candidate:
            return (candidates[candidate], 0.0, candidate)
        best = parses(candidate)[0]
        cost = candidates[candidate]
        if predicted and best.tag.POS == predicted:
            cost -= 0.25
        if lemmas(candidate) & _COMMON_LEMMAS:
            cost -= 0.55
        grammemes = best.tag.grammemes
        if grammemes & _NAME_GRAMMEMES:
            cost += 0.5
        if grammemes & _RARE_GRAMMEMES:
            cost += 0.4
        return (cost, -best.score, candidate)

    return tuple(sorted(candidates, key=rank)[:limit])


def _starts_sentence(text: str, token: _Token) -> bool:
    i = token.start - 1
    while i >= 0 and (text[i].isspace() and text[i] != "\n" or text[i] in _OPENERS):
        i -= 1
    if i < 0 or text[i] in _SENTENCE_END and text[i] != ".":
        return True
    if text[i] == ".":
        # «ул. Красная», «г. Кореновск»: the period closes an abbreviation, not a sentence;
        # «М.О. Шутылев»: nor does the period after an initial.
        m = re.search(rf"([{_CYR}-]+)\.$", text[: i + 1])
        if m and re.fullmatch(r"[А-ЯЁ]", m.group(1)):
            return False
        return not (m and m.group(1).lower() in _ABBREVIATIONS)
    return False


def _is_abbreviation_like(text: str, token: _Token) -> bool:
    # «мкр.», «эт.», «Шевч.» — a short unknown word followed by a period is an abbreviation.
    return len(token.norm) <= 4 and token.end < len(text) and text[token.end] == "."


# A space before a mark; not before an ellipsis («и так далее ...» is a matter of style).
_PUNCT_SPACE_BEFORE = re.compile(r"(?<=\S)[ \t\u00a0]+([,;:!?]|\.(?!\.))")
_PUNCT_NO_SPACE_AFTER = re.compile(rf"[{_CYR}A-Za-z»)\"]([,;])(?=[{_CYR}A-Za-z«(])")
_PUNCT_REPEATED = re.compile(r"(?<![.])([,;:])\1+|(?<![.])\.\.(?![.])")
# «июня.Подробности» — a sentence glued to the previous one.
_PUNCT_NO_SPACE_AFTER_PERIOD = re.compile(rf"(?<=[{_CYR}])([.!?])(?=[А-ЯЁ][а-яё])")


_MARK_NAMES = {
    ",": "запятой",
    ".": "точкой",
    ";": "точкой с запятой",
    ":": "двоеточием",
    "!": "восклицательным знаком",
    "?": "вопросительным знаком",
}


def _check_punctuation(text: str) -> list[Finding]:
    spans = _protected_spans(text)
    findings: list[Finding] = []
    for m in _PUNCT_SPACE_BEFORE.finditer(text):
        mark = m.group(1)
        if _inside(m.start(1), spans):
            continue
        name = _MARK_NAMES.get(mark, f"«{mark}»")
        findings.append(
            Finding("punctuation", f"Лишний пробел перед {name}", m.start(), m.end(1), (mark,))
        )
    for m in _PUNCT_NO_SPACE_AFTER.finditer(text):
        if _inside(m.start(1), spans):
            continue
        mark = m.group(1)
        name = "запятой" if mark == "," else "точки с запятой"
        findings.append(
            Finding("punctuation", f"Нет пробела после {name}", m.start(1), m.end(1), (mark + " ",))
        )
    for m in _PUNCT_NO_SPACE_AFTER_PERIOD.finditer(text):
        if _inside(m.start(1), spans):
            continue
        mark = m.group(1)
        findings.append(
            Finding(
                "punctuation",
                f"Нет пробела после знака «{mark}»",
                m.start(1),
                m.end(1),
                (mark + " ",),
            )
        )
    for m in _PUNCT_REPEATED.finditer(text):
        if _inside(m.start(), spans):
            continue
        findings.append(
            Finding(
                "punctuation",
                f"Повтор знака препинания «{m.group()}»",
                m.start(),
                m.end(),
                (m.group()[0],),
            )
        )
    return findings



def check_spelling(text: str) -> list[Finding]:
    """Unknown Russian words (kind ``"spelling"``, with up to 3 suggestions) and cheap
    punctuation slips (kind ``"punctuation"``): a space before a comma or period, no space
    after a comma, a doubled mark like «,,». Proper names, abbreviations, links, e-mails,
    mentions, hashtags, numbers and Latin words are skipped."""
    findings: list[Finding] = []
    for token in _words(text):
        word = token.norm
        if len(word.replace("-", "")) < 2:
            continue
        letters = [c for c in token.text if c.isalpha()]
        if all(c.isupper() for c in letters):
            continue  # ТКО, МКД, ЖКХ — abbreviations
        if any(c.isupper() for c in letters[1:]):
            continue  # «КореновскТеплоСети» — a name
        if letters[0].isupper() and not _starts_sentence(text, token):
            continue  # a proper name inside a sentence
        if _is_abbreviation_like(text, token):
            continue
        if _word_known(word) and not (letters[0].islower() and _only_a_name(word)):
            continue
        suggestions = _suggest(word)
        findings.append(
            Finding(
                "spelling",
                f"Возможная орфографическая ошибка: «{token.text}»",
                token.start,
                token.end,
                tuple(_match_case(s, token.text) for s in suggestions),
            )
        )
    findings.extend(_check_punctuation(text))
    findings.sort(key=lambda f: (f.start if f.start is not None else -1))
    return findings


def _match_case(suggestion: str, original: str) -> str:
    return suggestion[:1].upper() + suggestion[1:] if original[:1].isupper() else suggestion


# --------------------------------------------------------------------------------------
# Bureaucratese
# --------------------------------------------------------------------------------------


@dataclass(frozen=True)
class _PatternWord:
    """One word of a bureaucratese entry: lemma, required part of speech, optional mark."""

    lemma: str
    pos: str | None  # required part of speech, e.g. "ADJF"
    optional: bool


@dataclass(frozen=True)
class _Phrase:
    """A bureaucratese entry ready for matching, with its replacements and advice."""

    text: str
    words: tuple[_PatternWord, ...]
    replacements: tuple[str, ...]
    advice: tuple[str, ...]


def _top_lemma(word: str) -> str:
    found = parses(word)
    return found[0].normal_form.replace("ё", "е") if found else word


@functools.lru_cache(maxsize=1)
def _bureaucratese() -> dict[str, tuple[_Phrase, ...]]:
    """Phrases of bureaucratese.txt, indexed by the lemma of their first word."""
    phrases: list[_Phrase] = []
    for entries in load_lexicon("bureaucratese.txt").values():
        for entry in entries:
            words = []
            for raw in entry.text.split():
                optional = raw.endswith("?")
                raw = raw.rstrip("?")
                m = re.fullmatch(r"(.+?)\{(\w+)\}", raw)
                word, pos = (m.group(1), m.group(2)) if m else (raw, None)
                words.append(_PatternWord(_top_lemma(word.lower()), pos, optional))
            hints = [h.strip() for h in entry.value.split("|") if h.strip()]
            phrases.append(
                _Phrase(
                    entry.text,
                    tuple(words),
                    tuple(h for h in hints if not h.startswith("(")),
                    tuple(h.strip("()") for h in hints if h.startswith("(")),
                )
            )
    index: dict[str, list[_Phrase]] = {}
    for phrase in phrases:
        # A phrase may start with any of its leading optional words or the first required one.
        for word in phrase.words:
            index.setdefault(word.lemma, []).append(phrase)
            if not word.optional:
                break
    return {k: tuple(v) for k, v in index.items()}


def _word_matches(token: _Token, pattern: _PatternWord) -> bool:
    word = token.norm
    if pattern.pos is None:
        return pattern.lemma in lemmas(word)
    found = parses(word)
    if not found or found[0].tag.POS == "NOUN":
        return False  # «по данным ГИБДД» — the noun «данные», not the adjective
    # Any reading will do (pymorphy3 often ranks the participle of «дать» above «данный»).
    return any(
        p.normal_form.replace("ё", "е") == pattern.lemma and p.tag.POS == pattern.pos
        for p in found
    )


def _match_phrase(text: str, tokens: Sequence[_Token], i: int, phrase: _Phrase) -> int:
    """Number of tokens matched from ``tokens[i]`` or 0. Words must be adjacent, separated
    only by whitespace (a comma between them breaks the phrase)."""
    j = i
    for pattern in phrase.words:
        if j < len(tokens) and (j == i or not text[tokens[j - 1].end : tokens[j].start].strip()):
            if _word_matches(tokens[j], pattern):
                j += 1
                continue
        if pattern.optional:
            continue
        return 0
    return j - i


def _check_bureaucratese(text: str, tokens: Sequence[_Token]) -> list[Finding]:
    index = _bureaucratese()
    findings: list[Finding] = []
    i = 0
    while i < len(tokens):
        candidates = {p for lemma in lemmas(tokens[i].norm) for p in index.get(lemma, ())}
        matched = 0
        # Longest phrase first, so «в случае если» wins over «в случае».
        for phrase in sorted(candidates, key=lambda p: (-len(p.words), p.text)):
            matched = _match_phrase(text, tokens, i, phrase)
            if matched:
                last = tokens[i + matched - 1]
                findings.append(_bureaucratese_finding(text, tokens[i], last, phrase))
                break
        i += matched or 1
    return findings


def _bureaucratese_finding(text: str, first: _Token, last: _Token, phrase: _Phrase) -> Finding:
    span = text[first.start : last.end]
    parts = []
    if phrase.replacements:
        parts.append("проще: " + " или ".join(f"«{r}»" for r in phrase.replacements))
    parts.extend(phrase.advice)
    hint = "; ".join(parts) if parts else "лучше сказать проще"
    return Finding(
        "bureaucratese",
        f"Канцеляризм «{span}» — {hint} (п. 10 Порядка, прил. 1)",
        first.start,
        last.end,
        phrase.replacements,
    )


# --------------------------------------------------------------------------------------
# Citations of legal acts
# --------------------------------------------------------------------------------------

_MAX_CITATIONS = 2
_DASH = "-‐‑‒–—"
_NUMBER_RE = re.compile(
    rf"№\s*(\d+(?:\s*[{_DASH}]\s*(?:ФКЗ|ФЗ|КЗ|[{_CYR}]{{1,3}}))?)(?![\w])", re.IGNORECASE
)
# «№ 59-ФЗ», and «59-ФЗ», «131-ФЗ» without the number sign, as answers often write them.
_SUFFIXED_NUMBER_RE = re.compile(
    rf"(?:№\s*)?(?<![{_DASH}\w])\d+\s*[{_DASH}]\s*(?:ФКЗ|ФЗ|КЗ)\b", re.IGNORECASE
)
# The suffix a law's number carries, to tell «ФЗ № 131» and «№ 131-ФЗ» for the same act.
_LAW_SUFFIXES = {"фкз": "-фкз", "фз": "-фз", "кз": "-кз"}
# A law's number right after its name without «№»: «Федеральный закон 131-ФЗ», «ФЗ-131».
_BARE_LAW_NUMBER_RE = re.compile(
    rf"\s*(?:(\d+\s*[{_DASH}]\s*(?:ФКЗ|ФЗ|КЗ))\b|[{_DASH}]\s*(\d+)\b)", re.IGNORECASE
)
# «от 12.03.2024», «от 1 января 2026 года»: the date that identifies an act without a number.
_ACT_DATE_RE = re.compile(rf"от\s+(\d{{1,2}}(?:[./]\d{{1,2}}[./]\d{{2,4}}|\s+[{_CYR}]+\s+\d{{4}}))")

_CODE_NAMES = {
    "жк": "жилищн",
    "гк": "гражданск",
    "коап": "коап",
    "нк": "налогов",
    "тк": "трудов",
    "ук": "уголовн",
    "зк": "земельн",
    "грк": "градостроительн",
    "бк": "бюджетн",
    "лк": "лесн",
    "вк": "водн",
    "ск": "семейн",
    "упк": "уголовно-процессуальн",
    "гпк": "гражданский процессуальн",
    "апк": "арбитражн",
    "кас": "административного судопроизводства",
}

# (regex, kind of act, typed). Kind selects how the act's identity key is built; «typed»
# acts are names of a document type whose number («№ …») follows in the same sentence.
_ACT_PATTERNS: list[tuple[re.Pattern[str], str, bool]] = [
    (re.compile(r"федеральн\w*\s+конституционн\w*\s+закон\w*", re.I), "фкз", True),
    (re.compile(r"федеральн\w*\s+закон\w*", re.I), "фз", True),
    (re.compile(r"закон\w*\s+краснодарского\s+края", re.I), "кз", True),
    (re.compile(r"закон\w*\s+(?:российской\s+федерации|рф)\b", re.I), "закон рф", True),
    # «ФЗ № 131», «по ФЗ-131» — the abbreviation on its own, not the suffix of «131-ФЗ».
    (re.compile(rf"(?<![{_DASH}\w])ФЗ\b"), "фз", True),
    (
        re.compile(
            # «указ» only as a noun: «указанный» is not a decree.
            r"\b(?:постановлени\w*|распоряжени\w*|решени\w*|приказ\w*|указ(?:а|ом|е|у|ы|ов)?\b)"
            rf"(?=[^.;\n]{{0,120}}?(?:№\s*\d|\bот\s+\d{{1,2}}[./ ]))",
            re.I,
        ),
        "акт",
        True,
    ),
    (
        # «постановлением администрации», «решение Совета» without a number or a date: still
        # an act of that body (one per body, however often it is named).
        re.compile(
            r"\b(?:постановлени|распоряжени|решени|приказ)\w*\s+"
            r"(администраци|глав|совет|правительств|губернатор|министерств|департамент|дум|"
            r"собрани)\w*",
            re.I,
        ),
        "акт органа",
        True,
    ),
    (
        re.compile(r"\bустав\w*\s+(?:муниципальн\w+\s+образовани|кореновск|городск\w+\s+поселени|поселени)",
                   re.I),
        "устав",
        False,
    ),
    (
        re.compile(
            r"(жилищн|гражданск|налогов|трудов|земельн|градостроительн|бюджетн|лесн|водн|"
            r"уголовн|семейн|арбитражн)\w*\s+(?:процессуальн\w*\s+)?кодекс\w*",
            re.I,
        ),
        "кодекс",
        False,
    ),
    (
        re.compile(r"кодекс\w*\s+(?:российской\s+федерации\s+|рф\s+)?об\s+административн", re.I),
        "коап",
        False,
    ),
    (
        re.compile(r"\b(ЖК|ГК|КоАП|НК|ТК|УК|ЗК|ГрК|БК|ЛК|ВК|СК|УПК|ГПК|АПК|КАС)\s*РФ\b"),
        "код",
        False,
    ),
    (re.compile(r"\bКодекс\w*"), "кодекс-без-названия", False),
    (re.compile(r"\bГОСТ(?:\s*Р)?(?:\s*(\d[\d.]*(?:\s*[-–]\s*\d+)?))?"), "гост", False),
    (re.compile(r"\bСанПиН(?:\s*(\d[\d.]*(?:\s*[-–]\s*\d+)?))?", re.I), "санпин", False),
    (re.compile(r"\bСНиП(?:\s*(\d[\d.]*(?:\s*[-–]\s*\d+)?))?"), "снип", False),
    (re.compile(r"\bСП\s+(\d+\.\d+(?:\.\d+)?)"), "сп", False),
    (re.compile(r"\bКонституци\w*", re.I), "конституция", False),
    (
        re.compile(
            r"\bправил\w*\s+(благоустройств|содержани\w*\s+общего\s+имуществ|"
            r"предоставлени\w*\s+коммунальн|обращени\w*\s+с\s+твёрдыми|обращени\w*\s+с\s+твердыми)\w*",
            re.I,
        ),
        "правила",
        False,
    ),
]


def _number_key(raw: str) -> str:
    return "№" + re.sub(rf"\s*[{_DASH}]\s*", "-", raw).lower()


def _act_key(kind: str, m: re.Match[str]) -> str:
    if kind == "код":
        return "кодекс:" + _CODE_NAMES[m.group(1).lower()]
    if kind == "кодекс":
        return "кодекс:" + m.group(1).lower()
    if kind in {"гост", "санпин", "сп", "снип"}:
        number = m.group(1)
        return kind + ":" + re.sub(r"\s", "", number) if number else kind
    if kind == "коап":
        return "кодекс:коап"
    if kind == "кодекс-без-названия":
        return "кодекс"  # a bare «Кодекс» not already part of a named code
    if kind == "правила":
        return "правила:" + m.group(1).lower().replace("ё", "е")[:12]
    if kind == "акт органа":
        return "акт:" + m.group(1).lower()
    return kind


def _act_number(kind: str, window: str) -> tuple[str, int] | None:
    """The identity key of the act's number in ``window`` (the text after the act's name) and
    where the number ends, or ``None``. A law's number gets its suffix: «ФЗ № 131», «ФЗ-131»,
    «Федеральный закон 131-ФЗ» and «№ 131-ФЗ» are one act."""
    num = _NUMBER_RE.search(window)
    if num:
        number, stop = num.group(1), num.end()
    elif kind in _LAW_SUFFIXES and (bare := _BARE_LAW_NUMBER_RE.match(window)):
        number, stop = bare.group(1) or bare.group(2), bare.end()
    else:
        return None
    if kind in _LAW_SUFFIXES and not re.search(rf"[{_DASH}]", number):
        number += _LAW_SUFFIXES[kind]
    return _number_key(number), stop


def _find_citations(text: str) -> list[tuple[str, int, int]]:
    """Distinct legal acts cited in ``text`` as ``(key, start, end)`` of first mention."""
    taken: list[tuple[int, int]] = []
    found: list[tuple[str, int, int]] = []

    def free(a: int, b: int) -> bool:
        return all(b <= s or a >= e for s, e in taken)

    for pattern, kind, typed in _ACT_PATTERNS:
        for m in pattern.finditer(text):
            start, end = m.span()
            if not free(start, end):
                continue
            key = _act_key(kind, m)
            if typed:
                # The act's number follows within the same sentence: «Федеральный закон от
                # 9 февраля 2009 года № 8-ФЗ». Stop at the next act's name.
                window = text[end : end + 150]
                stop = re.search(r"[;\n]|(?:\.\s+[А-ЯЁ])|закон|кодекс|постановлени", window, re.I)
                window = window[: stop.start()] if stop else window
                number = _act_number(kind, window)
                name = re.match(r"\s*«([^»]{5,})»", window)
                if number:
                    key, stop = number
                    end = end + stop
                elif kind in {"акт", "акт органа"}:
                    # «постановление от 12.03.2024»: the date identifies the act.
                    date = _ACT_DATE_RE.search(window)
                    if date:
                        key = "акт:" + re.sub(r"\s+", " ", date.group(1).lower())
                    elif kind == "акт":
                        key = f"акт@{start}"
                elif name:
                    # «Федеральный закон «Об общих принципах…»»: the title identifies the law.
                    key = f"{kind}:{name.group(1).lower()}"
            taken.append((start, end))
            found.append((key, start, end))
    # «№ 59-ФЗ» on its own: a citation even without the words «Федеральный закон».
    for m in _SUFFIXED_NUMBER_RE.finditer(text):
        if free(*m.span()):
            raw = _NUMBER_RE.match(m.group())
            found.append((_number_key(raw.group(1) if raw else m.group()), *m.span()))
    distinct: dict[str, tuple[str, int, int]] = {}
    for key, start, end in sorted(found, key=lambda item: item[1]):
        distinct.setdefault(key, (key, start, end))
    return list(distinct.values())


def _check_citations(text: str) -> list[Finding]:
    acts = _find_citations(text)
    if len(acts) <= _MAX_CITATIONS:
        return []
    _, start, end = acts[_MAX_CITATIONS]
    return [
        Finding(
            "citations",
            f"Ссылок на нормативные акты: {len(acts)} — рекомендуется не более двух "
            "(п. 10 Порядка, прил. 1)",
            start,
            end,
        )
    ]


def check_style(text: str) -> list[Finding]:
    """Bureaucratese (kind ``"bureaucratese"``) and too many legal citations
    (kind ``"citations"``) — Appendix 1, clause 10."""
    findings = _check_bureaucratese(text, _words(text))
    findings.extend(_check_citations(text))
    return findings


# --------------------------------------------------------------------------------------
# Length
# --------------------------------------------------------------------------------------


def _utf16_len(text: str) -> int:
    return len(text.encode("utf-16-le")) // 2


def check_length(text: str, network: str) -> list[Finding]:
    """A ``"length"`` finding when ``text`` exceeds ``NETWORK_LIMITS[network]``; the span is
    the overflowing tail. Raises ``ValueError`` for an unknown network."""
    if network not in NETWORK_LIMITS:
        raise ValueError(f"Неизвестная социальная сеть: {network!r}")
    limit = NETWORK_LIMITS[network]
    size = _utf16_len(text)
    if size <= limit:
        return []
    # Offset (in characters) where the limit is crossed, for underlining the tail.
    units = 0
    cut = len(text)
    for index, ch in enumerate(text):
        units += 2 if ord(ch) > 0xFFFF else 1
        if units > limit:
            cut = index
            break
    return [
        Finding(
            "length",
            f"Ответ длиннее допустимого в сети {NETWORK_NAMES[network]}: {plural(size, SIGNS)} "
            f"при лимите {limit} — сократите на {plural(size - limit, SIGNS)}",
            cut,
            len(text),
        )
    ]


# --------------------------------------------------------------------------------------
# Relevance
# --------------------------------------------------------------------------------------

_CONTENT_POS = frozenset({"NOUN", "ADJF", "ADJS", "VERB", "INFN", "PRTF", "PRTS", "GRND", "COMP"})
# Words that appear in almost every question and answer and so prove nothing about topic.
_GENERIC_LEMMAS = frozenset(
    """
    администрация вопрос житель здравствуйте здравствовать уважаемый уважать обращение
    сообщение сообщить сообщать ответ ответить информация добрый день спасибо благодарить
    город городской поселение кореновский кореновск район районный край краснодарский
    быть мочь являться стать сделать делать весь свой ваш наш это который такой год
    время вопрос проблема ситуация просить прошу пожалуйста помочь помощь подсказать
    хотеть нужно надо рассмотреть рассмотрение обратиться связь связаться
    """.split()
)


def _content_lemmas(text: str) -> set[str]:
    result: set[str] = set()
    for token in _words(text):
        word = token.norm
        found = parses(word)
        if not found or len(word) < 3:
            continue
        for p in found:
            # Every content reading counts: a hint should rather miss an off-topic answer
            # than accuse an on-topic one.
            if p.tag.POS in _CONTENT_POS or p.tag.POS is None:
                nf = p.normal_form.replace("ё", "е")
                if nf not in _GENERIC_LEMMAS:
                    result.add(nf)
    return result


def check_relevance(answer: str, question: str) -> list[Finding]:
    """``"empty"`` for a blank answer; ``"off_topic"`` when the answer shares no content word
    (noun, verb, adjective, by lemma, generic words excluded) with the question. Only a hint:
    a correct answer may use synonyms."""
    if not answer.strip():
        return [Finding("empty", "Ответ пустой")]
    if not question.strip():
        return []
    asked = _content_lemmas(question)
    if not asked:
        return []
    if asked & _content_lemmas(answer):
        return []
    return [
        Finding(
            "off_topic",
            "Ответ не содержит ни одного слова из вопроса — проверьте, что он по существу (п. 20)",
        )
    ]


# --------------------------------------------------------------------------------------
# Everything at once
# --------------------------------------------------------------------------------------


def check_answer(answer: str, question: str = "", network: str = "vk") -> list[Finding]:
    """All checks of a draft answer, ordered by position (whole-text findings last).

    An empty answer yields only the ``"empty"`` finding — nothing else is meaningful."""
    relevance = check_relevance(answer, question)
    if any(f.kind == "empty" for f in relevance):
        return relevance
    findings = check_spelling(answer) + check_style(answer) + check_length(answer, network)
    findings.sort(key=lambda f: (f.start is None, f.start or 0, f.end or 0))
    return findings + relevance

