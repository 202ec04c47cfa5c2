"""Clause 21: messages with obscenity, insults, threats or intent to harm get no answer."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.clause21 import REASONS, Clause21Assessment, assess_incoming


def test_ordinary_complaint_needs_an_answer() -> None:
    text = (
        "Добрый день! На ул. Красной возле дома 42 третий день не горит уличное освещение, "
        "а мусор с площадки на ул. Мира не вывозили с понедельника. Когда исправите?"
    )
    assert assess_incoming(text) == Clause21Assessment(False, (), ())


# --- obscene language ------------------------------------------------------------------


@pytest.mark.parametrize(
    "fragment",
    [
        "бля",
        "бляяя",  # repeated letters
        "б.л.я",  # separators inside the word
        "б-л-я-д-ь",
        "х у й",  # letters spaced out
        "х*й",  # masked letter
        "б**дь",
        "п*здец",
        "с*ка",
        "xyй",  # Latin look-alikes
        "xyu",
        "6ля",  # digit look-alike
        "пи3дец",
        "пиzда",  # Latin letter read by sound
        "nahuy",  # transliteration
        "Заебали",
        "охуели",
        "ПИЗДЕЦ",
        "Сука",
        "долбоёб",
        "отъебитесь",
    ],
)
def test_obscene_word_is_detected_through_obfuscation(fragment: str) -> None:
    text = f"Опять яма на ул. Мира, {fragment}, когда заделаете?"
    result = assess_incoming(text)
    assert result.suggest_no_answer
    assert result.reasons == ("obscene",)
    assert result.matches == (fragment,)


@pytest.mark.parametrize(
    "word",
    [
        "оскорбление",
        "страховка",
        "употреблять",
        "Хлебников",
        "команда",
        "сукно",
        "потребитель",
        "колебаться",
        # more words that contain the same letter sequences
        "подстрахуйте",
        "хулиган",
        "художник",
        "хуже",
        "хутор",
        "корабля",
        "рубля",
        "употребляя",
        "колеблются",
        "себе",
        "небо",
        "ребёнок",
        "учебник",
        "требовать",
        "мандарин",
        "мудрый",
        "скипидар",
        "бляха",
        "сучок",
        "подебелее",
        "херувим",
        "веб-сайт",
    ],
)
def test_ordinary_words_with_similar_letters_are_not_obscene(word: str) -> None:
    result = assess_incoming(f"Житель пишет: «{word}» — прошу разобраться.")
    assert result == Clause21Assessment(False, (), ())


@pytest.mark.parametrize(
    "text",
    [
        "*Важно*: график вывоза ТКО на https://korenovsk-gorod.ru/xyu-2025 и цена* услуг.",
        "#яма на ул. Мира #Кореновск",  # hashtags are not masked letters
        "*Яма засыпана частично",  # a footnote star at the start of a word
        "Ремонт выполнен на 100%, 3 4 6 подъезды",
    ],
)
def test_links_hashtags_footnotes_and_emphasis_are_not_masked_words(text: str) -> None:
    assert not assess_incoming(text).suggest_no_answer


def test_obscene_hashtag_is_still_detected() -> None:
    assert assess_incoming("#пиздец на дорогах").reasons == ("obscene",)


# --- insults ---------------------------------------------------------------------------


@pytest.mark.parametrize(
    "text",
    [
        "В администрации одни идиоты, дорогу на ул. Мира так и не сделали",
        "Уроды, когда включите освещение на Красной?",
        "Вы мрази, мусор гниёт неделю",
        "дeбилы",  # Latin «e»
        "Твари бездушные",
        "идиоооты",
    ],
)
def test_insults_are_detected_by_lemma(text: str) -> None:
    result = assess_incoming(text)
    assert result.reasons == ("insult",)
    assert result.suggest_no_answer


def test_insult_match_reports_the_word_as_written() -> None:
    result = assess_incoming("Администрация — идиоты и дебилы!")
    assert result.matches == ("идиоты", "дебилы")


def test_ambiguous_animal_words_are_not_insults() -> None:
    assert not assess_incoming("Бродячие собаки и козёл соседа опять в сквере").suggest_no_answer


# --- threats and intent to harm --------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Если не сделаете дорогу, я вас всех убью", "убью"),
        ("Сожгу ваш кабинет", "Сожгу"),
        ("Подожгу машину главы", "Подожгу"),
        ("Взорву эту администрацию", "Взорву"),
        ("Голову оторву главе поселения", "Голову оторву"),
        ("ноги переломаю этому подрядчику", "ноги переломаю"),
        ("Вам не жить", "Вам не жить"),
        ("Вы ещё пожалеете", "Вы ещё пожалеете"),
        ("Я доберусь до вас и вашей семьи", "доберусь до вас"),
        ("Мало не покажется, обещаю", "Мало не покажется"),
        ("закопаю", "закопаю"),
        ("Вас сожгут, так и знайте", "сожгут"),
    ],
)
def test_threats_are_detected(text: str, fragment: str) -> None:
    result = assess_incoming(text)
    assert result.reasons == ("threat",)
    assert fragment in result.matches


@pytest.mark.parametrize(
    ("text", "fragment"),
    [
        ("Хочу убить соседа за его собак", "убить"),
        ("Собираюсь поджечь дом соседа", "поджечь"),
        ("Я причиню ему вред, раз вы ничего не делаете", "причиню ему вред"),
    ],
)
def test_intent_to_harm_another_person_is_detected(text: str, fragment: str) -> None:
    result = assess_incoming(text)
    assert result.reasons == ("harm_intent",)
    assert fragment in result.matches


@pytest.mark.parametrize(
    "text",
    [
        "На ул. Мира можно убить подвеску, ямы огромные",
        "Сожгу листву сам, раз не вывозите",
        "Соседская собака чуть не убила ребёнка",
        "Сосед грозится, что убьёт мою собаку — примите меры",
        "Приходите на субботник, вы не пожалеете!",
        "Провода висят низко, может убить током",
        "Доберусь до администрации пешком, раз автобус не ходит",
        "Отравлю крыс сам, если управляющая компания не может",
    ],
)
def test_ordinary_uses_of_violent_words_are_not_threats(text: str) -> None:
    assert assess_incoming(text) == Clause21Assessment(False, (), ())


# --- combined --------------------------------------------------------------------------


def test_several_reasons_are_listed_in_canonical_order_with_matches_in_text_order() -> None:
    text = "Уроды, я вас убью, бл*ть"
    result = assess_incoming(text)
    assert result.reasons == ("obscene", "insult", "threat")
    assert set(result.reasons) <= set(REASONS)
    assert result.matches == ("Уроды", "убью", "бл*ть")


def test_overlapping_phrase_matches_are_merged() -> None:
    result = assess_incoming("Вы пожалеете об этом")
    assert result.matches == ("Вы пожалеете об этом",)


@settings(max_examples=80, deadline=None)
@given(st.text(alphabet=st.sampled_from("абвгдеёжзийклмнопрстуфхя АБХ.*#-_ xyb0369@\n"), max_size=120))
def test_assessment_never_fails_and_matches_are_fragments_of_the_text(text: str) -> None:
    result = assess_incoming(text)
    assert result.suggest_no_answer == bool(result.reasons)
    assert all(fragment in text for fragment in result.matches)
