"""Time the answer checks on a realistic ~2,000-character answer.

Run from the repository root:  .venv/bin/python bench/bench_answer_checks.py
Prints the one-off start-up cost (loading the pymorphy3 dictionaries) and the time per
check once warm. The answer editor re-checks as the user types, so the warm figure must stay
well under a second.
"""

from __future__ import annotations

import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parents[1]))

from app.services import answer_checks  # noqa: E402
from app.services.clause21 import assess_incoming  # noqa: E402

QUESTION = (
    "Когда наконец отремонтируют дорогу на ул. Красной и включат уличное освещение? "
    "И почему мусор с площадки на ул. Мира не вывозят уже неделю?"
)

PARAGRAPHS = [
    "Здравствуйте, Анна Сергеевна! Спасибо, что написали нам.",
    "Ямочный ремонд асфальта на ул. Красной от ул. Мира до ул. Ленина запланирован на "
    "следующую неделю: подрядчик ООО «Дорстройкомплект» начнёт работы в понедельник, "
    "если позволит погода.",
    "В настоящее время в целях безопасности участок огорожен , а на перекрёстке "
    "установлены временные знаки.",
    "Уличное освещение на ул. Красной не работало из-за повреждения кабеля. "
    "Электрики заменили кабель и два светильника, свет включили вчера вечером.",
    "Мусор с контейнерной площадки на ул. Мира вывезли сегодня утром. Региональный "
    "оператор изменил график: теперь машина приезжает по вторникам, четвергам и субботам.",
    "Согласно Федеральному закону от 2 мая 2006 года № 59-ФЗ и ст. 12 ЖК РФ ваше "
    "обращение рассмотрено. Подробнее на https://korenovsk-gorod.ru и в группе @korenovsk_adm.",
]


def build_answer(target: int = 2000) -> str:
    parts: list[str] = []
    while len(" ".join(parts)) < target:
        parts.append(PARAGRAPHS[len(parts) % len(PARAGRAPHS)])
    return " ".join(parts)[:target]


def main() -> None:
    answer = build_answer()
    started = time.perf_counter()
    answer_checks.check_answer(answer, QUESTION, "vk")
    cold = time.perf_counter() - started

    # Warm runs on slightly different texts, so the per-word caches do not make every run
    # trivially free: the editor sees a changed text on each keystroke.
    runs = 20
    started = time.perf_counter()
    for i in range(runs):
        answer_checks.check_answer(answer + f" Дополнение {i}.", QUESTION, "telegram")
    warm = (time.perf_counter() - started) / runs

    answer_checks.lemmas.cache_clear()
    answer_checks.parses.cache_clear()
    answer_checks._is_known.cache_clear()  # noqa: SLF001 - benchmark wants an empty cache
    answer_checks._suggest.cache_clear()  # noqa: SLF001
    started = time.perf_counter()
    findings = answer_checks.check_answer(answer, QUESTION, "ok")
    uncached = time.perf_counter() - started

    started = time.perf_counter()
    for _ in range(runs):
        assess_incoming(answer)
    incoming = (time.perf_counter() - started) / runs

    print(f"answer length: {len(answer)} characters, findings: {len(findings)}")
    print(f"first call (loads dictionaries): {cold * 1000:8.1f} ms")
    print(f"per check, word caches empty:    {uncached * 1000:8.1f} ms")
    print(f"per check, warm:                 {warm * 1000:8.1f} ms")
    print(f"clause-21 assessment, warm:      {incoming * 1000:8.1f} ms")


if __name__ == "__main__":
    main()
