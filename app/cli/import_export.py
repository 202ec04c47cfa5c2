"""`import FILE` — incidents from the monitoring platform's export; `export-queue` — the queue to Excel.

Exit codes: 0 when the file was read (even if some rows were refused), 2 when it could not be
read at all or the command was given wrong arguments (``DomainError`` → one Russian line).
"""
from __future__ import annotations

import argparse
from pathlib import Path

from app.cli.common import open_db, out, sign_in
from app.services.errors import DomainError


def cmd_import(args: argparse.Namespace) -> int:
    """Import the file as the given curator and print what happened to each row."""
    from app.services import importer

    path = Path(args.file)
    if not path.is_file():
        raise DomainError(f"Файл «{path}» не найден" if not path.exists() else f"«{path}» — это не файл")
    if args.errors and Path(args.errors).suffix.lower() not in (".csv", ".xlsx"):
        raise DomainError("Отчёт об ошибках (--errors) можно сохранить только в .csv или .xlsx")
    from app.services.permissions import require_curator

    open_db(args)
    actor = sign_in(args, "Импорт инцидентов")
    require_curator(actor, "Импорт инцидентов")
    result = importer.import_file(actor, path, dry_run=args.dry_run)
    rows = len(result.rows) + result.unprocessed
    out(f"Файл «{result.file_name}»: {result.source.describe()}, строк с данными: {rows}")
    if args.dry_run:
        out("Проверка без записи: в базу ничего не добавлено")
    out(result.summary())
    if result.refused:
        out("Отклонённые строки:")
        for row in result.refused:
            out(f"  {row.place}: {row.reason}")
    if result.duplicates:
        out("Дубликаты (уже зарегистрированы, пропущены):")
        for row in result.duplicates:
            out(f"  {row.place}: {row.reason}")
    if result.warned:
        out("Импортированы с исправлениями:")
        for row in result.warned:
            out(f"  {row.place}: {'; '.join(row.warnings)}")
    if args.errors:
        written = importer.write_error_report(result, args.errors)
        out(f"Отчёт об ошибках сохранён: {args.errors} (строк: {written})")
    return 0


def cmd_export_queue(args: argparse.Namespace) -> int:
    """Save every row of a queue tab to .xlsx or .csv."""
    from app.services import export, queue

    target = Path(args.out)
    if target.suffix.lower() not in export.FORMATS:
        raise DomainError(f"Файл «{target.name}»: выгрузить очередь можно только в .xlsx или .csv")
    open_db(args)
    actor = sign_in(args, "Выгрузка очереди")
    presets = queue.presets_for(actor)
    if args.preset not in {code for code, _ in presets}:
        offered = ", ".join(f"{code} ({label})" for code, label in presets)
        raise DomainError(f"Вкладка очереди «{args.preset}» недоступна пользователю {actor.full_name}; "
                          f"доступны: {offered}")
    chosen = queue.QueueFilter(preset=args.preset, search=args.search or "", head_pages=args.head_pages)
    count = export.export_queue(actor, chosen, queue.QueueSort(), target)
    out(f"Очередь «{dict(presets)[args.preset]}» выгружена в {target}: строк — {count}")
    return 0


def register(sub: argparse._SubParsersAction) -> None:
    """Add `import` and `export-queue` to the program's sub-commands."""
    imp = sub.add_parser(
        "import",
        help="импорт инцидентов из выгрузки платформы мониторинга (CSV или XLSX)",
        description="Импорт инцидентов из таблицы CSV (UTF-8 или Windows-1251, разделитель «;» или «,») "
        "или XLSX. Столбцы определяются по заголовкам («Ссылка», «Автор», «Текст», «Дата выявления», "
        "«Соцсеть», «Важность», «Тип», «ID»…) или по сопоставлению, запомненному мастером импорта на "
        "этом компьютере. Хорошие строки импортируются, плохие отклоняются с указанием причины и номера "
        "строки, уже зарегистрированные пропускаются; файл, который не удалось прочитать, не "
        "импортируется совсем (код выхода 2).",
    )
    imp.add_argument("file", metavar="ФАЙЛ", help="таблица .csv или .xlsx")
    imp.add_argument("--as", dest="as_login", metavar="ЛОГИН",
                     help="то же, что --user: куратор, который импортирует (вход по его паролю)")
    imp.add_argument("--errors", metavar="ОТЧЁТ",
                     help="сохранить отклонённые строки с причинами в .csv или .xlsx")
    imp.add_argument("--dry-run", action="store_true",
                     help="только проверить файл и найти дубликаты, ничего не записывая")
    imp.set_defaults(func=cmd_import)

    exp = sub.add_parser(
        "export-queue",
        help="выгрузить очередь инцидентов в .xlsx или .csv",
        description="Выгрузка вкладки очереди со всеми строками: .xlsx (закреплённая строка заголовков, "
        "автофильтр) или .csv (UTF-8 с BOM, разделитель «;» — для русского Excel).",
    )
    exp.add_argument("--preset", default="all", metavar="ВКЛАДКА",
                     help="вкладка очереди. Куратор: all (Все), new (Новые), approval (На согласовании), "
                     "clarification (Уточнения — запросы автору и ожидание его ответа), overdue (Просроченные — "
                     "истёк срок любого шага); исполнитель: mine, returned, to_publish, unit_all; только чтение: "
                     "open. По умолчанию all")
    exp.add_argument("--search", metavar="ТЕКСТ", help="поиск по тексту и автору, как в окне программы")
    exp.add_argument("--head-pages", action="store_true",
                     help="только сообщения, написанные на официальных страницах главы поселения "
                     "(п. 16 Приложения 1), как флажок «На страницах главы» в окне")
    exp.add_argument("--out", required=True, metavar="ФАЙЛ", help="файл .xlsx или .csv")
    exp.add_argument("--as", dest="as_login", metavar="ЛОГИН",
                     help="то же, что --user: пользователь, чья очередь выгружается (вход по его паролю)")
    exp.set_defaults(func=cmd_export_queue)
