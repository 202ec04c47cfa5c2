"""Answer checks: the curator's clause-14 return reasons caught before submission."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from app.services.answer_checks import (
    NETWORK_LIMITS,
    Finding,
    check_answer,
    check_length,
    check_relevance,
    check_spelling,
    check_style,
)


def kinds(findings: list[Finding]) -> list[str]:
    return [f.kind for f in findings]


def spelling_words(text: str) -> list[str]:
    return [text[f.start : f.end] for f in check_spelling(text) if f.kind == "spelling"]


# --- spelling --------------------------------------------------------------------------


def test_misspelt_word_is_found_with_the_right_first_suggestion() -> None:
    text = "Ремонд дороги на ул. Мира начнётся в мае."
    findings = [f for f in check_spelling(text) if f.kind == "spelling"]
    assert len(findings) == 1
    assert text[findings[0].start : findings[0].end] == "Ремонд"
    assert findings[0].suggestions[0] == "Ремонт"
    assert len(findings[0].suggestions) <= 3


@pytest.mark.parametrize(
    ("typo", "expected"),
    [
        ("асвальт", "асфальт"),
        ("освешение", "освещение"),
        ("фанарь", "фонарь"),
        ("тратуар", "тротуар"),
        ("кантейнер", "контейнер"),
        ("здраствуйте", "здравствуйте"),
        ("муср", "мусор"),
    ],
)
def test_common_misspellings_of_municipal_words_get_the_intended_word_first(
    typo: str, expected: str
) -> None:
    text = f"Вопрос про {typo} передан подрядчику."
    (finding,) = [f for f in check_spelling(text) if f.kind == "spelling"]
    assert finding.suggestions[0] == expected


def test_correct_answer_about_road_repair_has_no_spelling_findings() -> None:
    text = (
        "Здравствуйте! Ямочный ремонт асфальта на ул. Красной и ул. Мира запланирован "
        "на следующую неделю. Подрядчик заменит светильники уличного освещения, "
        "а мусор с контейнерной площадки вывезут в четверг."
    )
    assert check_spelling(text) == []


def test_capitalised_proper_names_inside_a_sentence_are_not_flagged() -> None:
    text = "Работы в Кореновске выполняет ООО «Дорстройкомплект» по заказу Бабаянца."
    assert spelling_words(text) == []


def test_surname_after_initials_is_not_taken_for_a_sentence_start() -> None:
    text = "Глава Кореновского городского поселения М.О. Шутылев поручил проверить дорогу."
    assert spelling_words(text) == []


def test_misspelt_word_at_the_start_of_a_sentence_is_still_checked() -> None:
    assert spelling_words("Дорогу засыпали. Асвальт положат в мае.") == ["Асвальт"]


def test_links_emails_mentions_hashtags_and_numbers_are_skipped() -> None:
    text = (
        "Подробнее на https://korenovsk-gorod.ru/novosti/remont-dorog и кореновск.рф, "
        "пишите на adm@korenovsk-gorod.ru или @korenovsk_adm, тег #КореновскРемонтДорог, "
        "в 2025г. отремонтировано 12,5 км."
    )
    assert spelling_words(text) == []


def test_abbreviations_in_capitals_and_with_a_period_are_not_flagged() -> None:
    text = "ТКО вывозит МУП ЖКХ, контейнеры стоят у д. 15, мкр. Юбилейный."
    assert spelling_words(text) == []


def test_word_written_together_by_mistake_is_suggested_apart() -> None:
    (finding,) = [f for f in check_spelling("Работы вобщем завершены.") if f.kind == "spelling"]
    assert "в общем" in finding.suggestions


def _ordinary_dictionary_word(word: str) -> bool:
    """The test's own dictionary look-up: pymorphy3 knows the word as something other than a name."""
    from app.services.answer_checks import get_morph

    names = {"Name", "Surn", "Patr", "Geox", "Orgn", "Trad"}
    return any(p.is_known and not (p.tag.grammemes & names) for p in get_morph().parse(word))


def test_a_surname_is_never_offered_as_a_correction() -> None:
    """«Установа» once got «Устонова» (the genitive of the surname «Устонов») as a suggestion."""
    (finding,) = [f for f in check_spelling("Установа фонарей завершена.") if f.kind == "spelling"]
    assert "Устонова" not in finding.suggestions
    assert "Установка" in finding.suggestions


@pytest.mark.parametrize(
    "typo",
    ["установа", "устанока", "асвальт", "фанарь", "ремонд", "кантейнер", "вобщем", "ктото", "подрятчик",
     "благоустроиство", "освищение", "обрашение", "администарция"],
)
def test_every_suggestion_is_a_dictionary_word(typo: str) -> None:
    (finding,) = [f for f in check_spelling(f"Сообщаем: {typo} сегодня.") if f.kind == "spelling"]
    for suggestion in finding.suggestions:
        for word in suggestion.replace("-", " ").split():
            assert _ordinary_dictionary_word(word.lower()), (typo, suggestion)


def test_a_lowercase_word_known_only_as_a_surname_is_a_misspelling() -> None:
    text = "Работы завершены, устонова фонарей тоже."
    assert spelling_words(text) == ["устонова"]
    # the same word as a name inside a sentence is left alone
    assert spelling_words("Работы принял инженер Устонова.") == []


def test_space_before_comma_is_a_punctuation_finding() -> None:
    text = "Освещение восстановлено , спасибо за сигнал."
    (finding,) = check_spelling(text)
    assert finding.kind == "punctuation"
    assert text[finding.start : finding.end].strip() == ","


def test_missing_space_after_comma_and_doubled_comma_are_found() -> None:
    findings = check_spelling("Мусор вывезли,площадку убрали,, спасибо.")
    messages = [f.message for f in findings]
    assert any("Нет пробела после запятой" in m for m in messages)
    assert any("«,,»" in m for m in messages)


def test_decimal_comma_ellipsis_and_address_are_not_punctuation_errors() -> None:
    text = "Отремонтировано 2,5 км дорог… Работы продолжатся на ул. Мира, д. 7."
    assert check_spelling(text) == []


# --- bureaucratese ---------------------------------------------------------------------


def test_inflected_bureaucratese_is_matched_by_lemma() -> None:
    text = "Вывоз мусора осуществлялся по графику, сейчас осуществляется ремонт."
    found = [f for f in check_style(text) if f.kind == "bureaucratese"]
    assert [text[f.start : f.end] for f in found] == ["осуществлялся", "осуществляется"]
    assert "делать" in found[0].suggestions


def test_multiword_bureaucratese_gets_a_plain_language_hint() -> None:
    text = "В настоящее время в целях безопасности на ул. Красной проводится ямочный ремонт."
    found = {text[f.start : f.end]: f for f in check_style(text)}
    assert found["В настоящее время"].suggestions == ("сейчас",)
    assert found["в целях"].suggestions[0] == "чтобы"
    assert "«сейчас»" in found["В настоящее время"].message


def test_data_as_noun_is_not_bureaucratese_but_this_as_adjective_is() -> None:
    assert check_style("По данным ГИБДД, аварий на ул. Мира не было.") == []
    text = "В данной ситуации подрядчик устранит яму."
    (finding,) = check_style(text)
    assert text[finding.start : finding.end] == "данной"


def test_bureaucratese_with_optional_word_and_past_tense() -> None:
    text = "Доводим до вашего сведения, что нарушение имело место."
    spans = [text[f.start : f.end] for f in check_style(text)]
    assert spans == ["Доводим до вашего сведения", "имело место"]


def test_plain_friendly_answer_has_no_style_findings() -> None:
    text = "Спасибо, что написали! Фонарь на ул. Мира заменим до пятницы, а яму засыплем завтра."
    assert check_style(text) == []


@pytest.mark.parametrize(
    ("text", "span"),
    [
        ("Данный вопрос находится на контроле.", "Данный вопрос находится на контроле"),
        ("Ремонт дороги находится на контроле администрации.", "находится на контроле"),
        ("Вопрос остаётся на контроле.", "остаётся на контроле"),
        ("Жалоба взята на контроль.", "взята на контроль"),
        ("В рамках реализации программы яму засыплют.", "В рамках реализации"),
        ("В целях обеспечения безопасности дорогу закроют.", "В целях обеспечения"),
        ("Вывоз мусора осуществляется по графику.", "осуществляется"),
        ("По состоянию на 1 декабря яма засыпана.", "По состоянию на"),
        ("Специалистами проведена работа с жителями.", "проведена работа"),
        ("Работы проведены подрядчиком.", "Работы проведены"),
        ("На место выехали, проведена проверка.", "проведена проверка"),
        ("В управляющую компанию направлено обращение.", "направлено обращение"),
        ("Ваше обращение рассмотрено, фонарь заменят.", "обращение рассмотрено"),
        ("Согласно решению комиссии площадку перенесут.", "Согласно решению"),
        ("В соответствии с постановлением № 45 тариф не изменится.", "В соответствии с постановлением"),
        ("Согласно графику мусор вывозят по вторникам.", "Согласно"),
        ("Соответствующие службы уведомлены.", "Соответствующие"),
        ("С учётом изложенного ремонт перенесён на май.", "С учётом изложенного"),
        ("Дополнительно сообщаем, что площадку расширят.", "Дополнительно сообщаем"),
    ],
)
def test_municipal_bureaucratese_is_found_with_its_span(text: str, span: str) -> None:
    found = [text[f.start : f.end] for f in check_style(text) if f.kind == "bureaucratese"]
    assert span in found
    finding = next(f for f in check_style(text) if text[f.start : f.end] == span)
    assert finding.message.startswith(f"Канцеляризм «{span}» — ")


def test_the_resolution_citation_of_the_issue_is_bureaucratese_and_a_citation() -> None:
    text = "Согласно постановлению администрации № 123 от 01.01.2026 ремонт дороги запланирован на май."
    (finding,) = check_style(text)
    assert finding.kind == "bureaucratese"
    assert text[finding.start : finding.end] == "Согласно постановлению"
    assert "своими словами" in finding.message
    # and it counts towards «no more than two citations»
    three = text + " Это предусмотрено ст. 14 Федерального закона № 131-ФЗ и ГОСТ Р 50597-2017."
    (citations,) = [f for f in check_style(three) if f.kind == "citations"]
    assert "Ссылок на нормативные акты: 3" in citations.message


@pytest.mark.parametrize(
    "text",
    [
        "Спасибо, что написали! Фонарь на ул. Мира заменим до пятницы, а яму засыплем завтра.",
        "Здравствуйте! Мы проверили площадку: мусор вывезем в четверг, а контейнер заменим до конца месяца.",
        "Добрый день! Работы проведём в июне, когда подсохнет грунт. По графику мусор вывозят по вторникам.",
        "Мы написали в управляющую компанию и проследим, чтобы подъезд убрали до пятницы.",
        "Здравствуйте, Анна! Решение принято: светофор поставят в августе. Спасибо за подсказку!",
    ],
)
def test_plain_friendly_answers_get_no_style_findings(text: str) -> None:
    assert check_style(text) == []


# --- citations -------------------------------------------------------------------------


def test_three_distinct_legal_acts_are_flagged() -> None:
    text = (
        "Согласно Федеральному закону от 2 мая 2006 года № 59-ФЗ, ст. 12 ЖК РФ и "
        "постановлению администрации Кореновского городского поселения от 12.03.2024 № 478 "
        "обращение рассмотрено."
    )
    (finding,) = [f for f in check_style(text) if f.kind == "citations"]
    assert finding.message == (
        "Ссылок на нормативные акты: 3 — рекомендуется не более двух (п. 10 Порядка, прил. 1)"
    )
    assert text[finding.start : finding.end].startswith("постановлению")


def test_two_acts_are_fine_even_when_one_is_cited_twice() -> None:
    text = (
        "По Федеральному закону от 9 февраля 2009 года № 8-ФЗ и статье 5 Закона "
        "Краснодарского края № 2000-КЗ информация размещается открыто; № 8-ФЗ это требует."
    )
    assert [f for f in check_style(text) if f.kind == "citations"] == []


def test_code_by_abbreviation_and_full_name_counts_once() -> None:
    text = (
        "Согласно ст. 12 ЖК РФ, ст. 15 Жилищного кодекса РФ, ГОСТ Р 50597-2017 "
        "и СанПиН 2.1.3684-21."
    )
    (finding,) = [f for f in check_style(text) if f.kind == "citations"]
    assert "Ссылок на нормативные акты: 3" in finding.message


def test_a_law_written_five_ways_counts_once() -> None:
    text = (
        "По ФЗ № 131, ФЗ-131, Федеральному закону 131-ФЗ, Федеральному закону от 06.10.2003 № 131-ФЗ "
        "и по 131-ФЗ поселение само решает вопросы благоустройства; дороги — по ГОСТ Р 50597-2017, "
        "вода — по СанПиН 2.1.3684-21."
    )
    (finding,) = [f for f in check_style(text) if f.kind == "citations"]
    assert "Ссылок на нормативные акты: 3" in finding.message


def test_acts_of_bodies_without_a_number_count_once_per_body() -> None:
    text = (
        "Решением Совета поселения утверждены Правила благоустройства, постановлением администрации — "
        "график уборки, а решение Совета поселения опубликовано."
    )
    (finding,) = [f for f in check_style(text) if f.kind == "citations"]
    assert "Ссылок на нормативные акты: 3" in finding.message


def test_a_decision_in_plain_words_is_not_a_legal_act() -> None:
    text = "Решение принято: приказ подрядчику отдан, постановка на учёт не нужна, № 5 — номер дома."
    assert [f for f in check_style(text) if f.kind == "citations"] == []


def test_house_number_is_not_a_legal_act() -> None:
    text = "Контейнеры у дома № 5 и дома № 7 по ул. Мира, а также у дома № 9 заменят."
    assert [f for f in check_style(text) if f.kind == "citations"] == []


# --- length ----------------------------------------------------------------------------


def test_telegram_answer_over_4096_characters_is_flagged_with_the_overflow_span() -> None:
    text = "а" * 4097
    (finding,) = check_length(text, "telegram")
    assert finding.kind == "length"
    assert (finding.start, finding.end) == (4096, 4097)
    assert "Telegram" in finding.message


def test_answer_exactly_at_the_limit_is_fine_in_every_network() -> None:
    for network, limit in NETWORK_LIMITS.items():
        assert check_length("ы" * limit, network) == []


def test_vk_limit_counts_emoji_as_two_characters() -> None:
    text = "а" * (NETWORK_LIMITS["vk"] - 1) + "👍"
    assert kinds(check_length(text, "vk")) == ["length"]


def test_ok_limit_is_lower_than_telegram() -> None:
    text = "а" * 4050
    assert kinds(check_length(text, "ok")) == ["length"]
    assert check_length(text, "telegram") == []


def test_unknown_network_is_rejected() -> None:
    with pytest.raises(ValueError):
        check_length("текст", "facebook")


# --- relevance -------------------------------------------------------------------------


@pytest.mark.parametrize("blank", ["", "   ", "\n\t "])
def test_blank_answer_is_the_only_finding(blank: str) -> None:
    assert check_answer(blank, "Когда вывезут мусор?") == [Finding("empty", "Ответ пустой")]


def test_answer_about_another_topic_is_off_topic() -> None:
    question = "Когда вывезут мусор с контейнерной площадки на ул. Мира?"
    answer = "Здравствуйте! Уличное освещение на ул. Красной восстановлено, спасибо за обращение."
    (finding,) = check_relevance(answer, question)
    assert finding.kind == "off_topic"
    assert "п. 20" in finding.message


def test_answer_sharing_a_word_with_the_question_is_on_topic() -> None:
    question = "Когда вывезут мусор с контейнерной площадки на ул. Мира?"
    answer = "Здравствуйте! Площадку на ул. Мира очистят в четверг."
    assert check_relevance(answer, question) == []


def test_greetings_and_generic_words_do_not_make_an_answer_relevant() -> None:
    question = "Уважаемая администрация, когда починят фонарь у школы?"
    answer = "Уважаемый житель, ваше обращение в администрацию рассмотрено."
    assert kinds(check_relevance(answer, question)) == ["off_topic"]


def test_relevance_is_not_judged_without_a_question() -> None:
    assert check_relevance("Яму на ул. Мира засыпали.", "") == []


# --- all together ----------------------------------------------------------------------


def test_check_answer_collects_every_kind_in_text_order() -> None:
    question = "Когда отремонтируют дорогу на ул. Красной?"
    answer = "Ремонд дороги на ул. Красной осуществляется в рамках программы ,работы идут."
    findings = check_answer(answer, question, network="vk")
    assert kinds(findings) == ["spelling", "bureaucratese", "bureaucratese", "punctuation"]
    starts = [f.start for f in findings]
    assert starts == sorted(starts)


_MIXED_CHARS = st.sampled_from("абвгдеёжзклмнопрстуя АБВ.,!?-*#@:/1234567890xyz\n")


@settings(max_examples=60, deadline=None)
@given(st.text(alphabet=_MIXED_CHARS, max_size=200))
def test_checks_never_fail_and_spans_stay_inside_the_text(text: str) -> None:
    for finding in check_answer(text, "Когда починят дорогу?", "telegram"):
        if finding.start is not None:
            assert finding.end is not None
            assert 0 <= finding.start <= finding.end <= len(text)
