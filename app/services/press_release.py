"""Whether a publication reads like a press release (Appendix 1, clause 10).

Clause 10 asks for the style of social networks (written colloquial speech) and advises against
press releases. A press release is recognised by what it is built from, each sign with its reason:

* strong signs (one is enough): the word «пресс-релиз» / «информационное сообщение» at the
  start; an opening formula «Администрация … информирует / сообщает / доводит до сведения»; a
  dateline («г. Кореновск, 5 декабря 2026 г. —»);
* weak signs (two are needed): reporting officialese («состоялось заседание», «в рамках
  реализации», «приняли участие», «в ходе совещания», «были рассмотрены вопросы» — two or more
  of them); long sentences (more than 25 words on average over at least two sentences, or one of
  more than 40); the institution speaks of itself in the third person and never to the reader
  (no «вы», «вас», «ваш»…, no question, no exclamation).

A finding is advice, like the other style checks: the author may publish anyway.
"""
from __future__ import annotations

import re

from app.services.answer_checks import Finding

KIND = "press_release"
_MONTHS = "января|февраля|марта|апреля|мая|июня|июля|августа|сентября|октября|ноября|декабря"
_LABEL = re.compile(r"^\W*(пресс-релиз|информационное сообщение)\b", re.IGNORECASE)
_OPENING = re.compile(
    r"^\W*(?:администрация|глава|пресс-служба|отдел|управление)\b[^.!?\n]{0,160}?"
    r"\b(информирует|сообщает|уведомляет|доводит до сведения|извещает)\b", re.IGNORECASE)
_DATELINE = re.compile(rf"^\W*(?:г\.|город)\s*[А-ЯЁ][\w-]+,?\s*\d{{1,2}}\s+(?:{_MONTHS})(?:\s+\d{{4}})?"
                       r"\s*(?:г\.|года)?\s*[—–-]", re.IGNORECASE)
_OFFICIALESE = re.compile(
    r"\b(состоял(?:ось|ся|ась|ись)\s+(?:заседание|совещание|рабочая встреча|пленарное)"
    r"|в рамках реализации|в целях реализации|принял[аи]?\s+участие|в ходе\s+(?:совещания|заседания|встречи)"
    r"|был[иао]?\s+рассмотрен[ыао]?\s+вопрос\w*|было отмечено|по итогам (?:совещания|заседания)"
    r"|в соответствии с планом мероприятий)", re.IGNORECASE)
_READER = re.compile(r"\b(вы|вас|вам|вами|ваш\w*|приходите|присоединяйтесь|пишите|расскажите|делитесь)\b",
                     re.IGNORECASE)
_SELF = re.compile(r"\bадминистраци\w+\b", re.IGNORECASE)
_SENTENCE = re.compile(r"[^.!?…]+[.!?…]*")
_WORD = re.compile(r"[А-Яа-яЁёA-Za-z0-9-]+")


def _sentence_lengths(text: str) -> list[int]:
    return [n for n in (len(_WORD.findall(s)) for s in _SENTENCE.findall(text)) if n]


def check_press_release(text: str) -> list[Finding]:
    """One finding (kind ``press_release``) naming the signs found, or none."""
    strong: list[str] = []
    weak: list[str] = []
    if _LABEL.search(text):
        strong.append("текст назван пресс-релизом или информационным сообщением")
    if _OPENING.search(text):
        strong.append("начинается формулой «… информирует / сообщает»")
    if _DATELINE.search(text):
        strong.append("начинается с места и даты, как сообщение для СМИ")
    officialese = {m.group(1).lower() for m in _OFFICIALESE.finditer(text)}
    if len(officialese) >= 2:
        weak.append("отчётные обороты: " + ", ".join(f"«{p}»" for p in sorted(officialese)[:3]))
    lengths = _sentence_lengths(text)
    if (len(lengths) >= 2 and sum(lengths) / len(lengths) > 25) or any(n > 40 for n in lengths):
        weak.append("длинные предложения")
    if (len(_SELF.findall(text)) >= 2 and not _READER.search(text) and "?" not in text and "!" not in text):
        weak.append("администрация говорит о себе в третьем лице и не обращается к читателю")
    if not strong and len(weak) < 2:
        return []
    signs = "; ".join(strong + weak)
    return [Finding(KIND, f"Похоже на пресс-релиз ({signs}). Пункт 10 Приложения 1 советует писать в стиле "
                          "соцсетей — просто и обращаясь к жителям")]


def check_publication(text: str) -> list[Finding]:
    """Every check of a publication's text before it is marked published (clauses 8 and 10):
    spelling and punctuation, bureaucratese, more than two legal citations, press-release style."""
    from app.services.answer_checks import check_spelling, check_style

    findings = check_spelling(text) + check_style(text)
    findings.sort(key=lambda f: (f.start is None, f.start or 0, f.end or 0))
    return findings + check_press_release(text)
