"""`import` and `export-queue` as a curator runs them: real processes, a real SQLite file, exit codes."""
from __future__ import annotations

import csv
import io
import os
import subprocess
import sys
from pathlib import Path

import pytest
from openpyxl import load_workbook

ROOT = Path(__file__).resolve().parents[1]
HEADER = ["Ссылка", "Автор", "Текст", "Дата выявления", "Важность"]
ROWS = [
    ["https://vk.com/wall-123_1", "Мария Иванова", "Фонари не горят на ул. Красной", "20.11.2025 14:05", "высокая"],
    ["https://ok.ru/group/55/topic/7", "Пётр", "=HYPERLINK(\"http://evil\")", "2025-11-20T09:30", ""],
    ["https://t.me/korenovsk_chat/42", "Анна", "Ямы на дороге", "20.11.25 18:45", ""],
    ["https://facebook.com/post/1", "Иван", "Текст", "20.11.2025 10:00", ""],
    ["https://vk.com/wall-123_2", "Иван", "Текст", "в прошлый вторник", ""],
]


def run(*args: str, stdin: str = "", home: Path) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "INCIDENTS_DB")}
    env["INCIDENTS_HOME"] = str(home)
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], input=stdin, text=True,
                          capture_output=True, env=env, timeout=300, cwd=ROOT)


@pytest.fixture
def base(tmp_path: Path) -> tuple[str, Path]:
    url = f"sqlite:///{tmp_path}/cli.sqlite3"
    home = tmp_path / "home"
    added = run("--db", url, "user", "add", "--login", "kurator", "--name", "Слепокурова Яна Евгеньевна",
                "--roles", "curator,admin", "--password-stdin", stdin="kurator-pass-2026\n", home=home)
    assert added.returncode == 0, added.stderr
    return url, home


#: the curator signs in for each command: ``--user kurator``, the password as the first line of stdin
AS_KURATOR = ("--user", "kurator")
PASSWORD = "kurator-pass-2026\n"


def write(path: Path, rows: list[list[str]], encoding: str = "cp1251") -> Path:
    with path.open("w", encoding=encoding, newline="") as fh:
        writer = csv.writer(fh, delimiter=";")
        writer.writerow(HEADER)
        writer.writerows(rows)
    return path


def test_import_prints_the_summary_and_the_refused_rows(base: tuple[str, Path], tmp_path: Path) -> None:
    url, home = base
    path = write(tmp_path / "выгрузка.csv", ROWS)
    errors = tmp_path / "ошибки.csv"
    result = run("--db", url, *AS_KURATOR, "import", str(path), "--errors", str(errors), stdin=PASSWORD, home=home)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0] == "Файл «выгрузка.csv»: CSV, Windows-1251, разделитель «;», строк с данными: 5"
    assert "Импортировано: 3, дубликатов: 0, отклонено: 2" in lines
    assert ("  строка 5 (https://facebook.com/post/1): Ссылка ведёт на «facebook.com», а не во ВКонтакте, "
            "Одноклассники или Telegram") in lines
    assert any(line.startswith("  строка 6 (https://vk.com/wall-123_2): Дата выявления «в прошлый вторник» не "
                               "распознана") for line in lines)
    report = list(csv.reader(io.StringIO(errors.read_bytes().decode("utf-8-sig"), newline=""), delimiter=";"))
    assert [r[0] for r in report] == ["Строка файла", "5", "6"]

    again = run("--db", url, *AS_KURATOR, "import", str(path), stdin=PASSWORD, home=home)
    assert again.returncode == 0
    assert "Импортировано: 0, дубликатов: 3, отклонено: 2" in again.stdout
    assert "  строка 2 (https://vk.com/wall-123_1): Уже зарегистрирован: инцидент № 1 (та же ссылка)" in again.stdout

    info = run("--db", url, "db", "info", home=home)
    assert any(line.split()[-1] == "3" for line in info.stdout.splitlines() if line.strip().startswith("Инциденты"))
    verify = run("--db", url, "audit", "verify", home=home)
    assert verify.returncode == 0 and "Журнал цел" in verify.stdout


def test_dry_run_writes_nothing(base: tuple[str, Path], tmp_path: Path) -> None:
    url, home = base
    path = write(tmp_path / "выгрузка.csv", ROWS, encoding="utf-8")
    result = run("--db", url, *AS_KURATOR, "import", str(path), "--dry-run", stdin=PASSWORD, home=home)
    assert result.returncode == 0, result.stderr
    assert "Проверка без записи — можно импортировать: 3, дубликатов: 0, отклонено: 2" in result.stdout
    real = run("--db", url, *AS_KURATOR, "import", str(path), stdin=PASSWORD, home=home)
    assert "Импортировано: 3," in real.stdout


@pytest.mark.parametrize("name,content,message", [
    ("картинка.csv", b"\x89PNG\r\n\x1a\n\x00\x00\x00\rIHDR" + bytes(range(256)) * 4, "это изображение PNG"),
    ("пусто.csv", b"", "файл пустой"),
    ("мусор.xlsx", bytes(range(256)) * 8, "это не книга Excel"),
    ("без-даты.csv", "Ссылка;Автор;Текст\nhttps://vk.com/wall-1_1;Иван;Текст\n".encode(),
     "Не выбраны столбцы для обязательных полей: «Дата выявления»"),
])
def test_an_unreadable_file_exits_2_with_one_russian_line(base: tuple[str, Path], tmp_path: Path, name: str,
                                                          content: bytes, message: str) -> None:
    url, home = base
    path = tmp_path / name
    path.write_bytes(content)
    result = run("--db", url, *AS_KURATOR, "import", str(path), stdin=PASSWORD, home=home)
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith(f"Ошибка: Файл «{name}» не импортирован") and message in lines[0]
    assert result.stdout == ""


def test_missing_file_and_several_curators(base: tuple[str, Path], tmp_path: Path) -> None:
    url, home = base
    missing = run("--db", url, *AS_KURATOR, "import", str(tmp_path / "нет.csv"), stdin=PASSWORD, home=home)
    assert missing.returncode == 2 and "не найден" in missing.stderr
    # only an administrator adds users, signed in with their own password (kurator is one)
    added = run("--db", url, *AS_KURATOR, "user", "add", "--login", "kurator2", "--name", "Второй Куратор",
                "--roles", "curator", "--password-stdin", stdin=PASSWORD + "second-pass-2026\n", home=home)
    assert added.returncode == 0, added.stderr
    path = write(tmp_path / "выгрузка.csv", ROWS[:1])
    nobody = run("--db", url, "import", str(path), home=home)
    assert nobody.returncode == 2 and "укажите, кто выполняет команду, — --user ЛОГИН" in nobody.stderr
    wrong = run("--db", url, "import", str(path), "--as", "kurator2", stdin="kurator-pass-2026\n", home=home)
    assert wrong.returncode == 2 and "Неверный логин или пароль" in wrong.stderr
    chosen = run("--db", url, "import", str(path), "--as", "kurator2", stdin="second-pass-2026\n", home=home)
    assert chosen.returncode == 0 and "Импортировано: 1," in chosen.stdout


def test_a_stray_nul_byte_is_repaired_and_the_row_named(base: tuple[str, Path], tmp_path: Path) -> None:
    url, home = base
    path = write(tmp_path / "с нулём.csv", [ROWS[0], ["https://vk.com/wall-123_3", "Ир\x00ина", "Текст", "20.11.2025", ""]],
                 encoding="utf-8")
    result = run("--db", url, *AS_KURATOR, "import", str(path), stdin=PASSWORD, home=home)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert "Импортировано: 2, дубликатов: 0, отклонено: 0; с исправлениями: 1" in lines
    assert lines[lines.index("Импортированы с исправлениями:") + 1] == (
        "  строка 3 (https://vk.com/wall-123_3): Управляющие символы (например, нулевой байт) заменены пробелом "
        "в столбце «Автор»")


def test_export_queue_to_xlsx_and_csv(base: tuple[str, Path], tmp_path: Path) -> None:
    url, home = base
    assert run("--db", url, *AS_KURATOR, "import", str(write(tmp_path / "в.csv", ROWS)), stdin=PASSWORD, home=home).returncode == 0
    xlsx = tmp_path / "очередь.xlsx"
    result = run("--db", url, *AS_KURATOR, "export-queue", "--preset", "all", "--out", str(xlsx), stdin=PASSWORD, home=home)
    assert result.returncode == 0, result.stderr
    assert result.stdout.strip() == f"Очередь «Все» выгружена в {xlsx}: строк — 3"
    ws = load_workbook(xlsx).active
    assert ws.cell(1, 1).value == "Очередь инцидентов — «Все»" and ws.cell(2, 1).value.startswith("По состоянию на ")
    assert ws.cell(3, 1).value == "№" and ws.max_row == 6
    assert all(ws.cell(row, 4).hyperlink.target == ws.cell(row, 4).value for row in range(4, 7))
    assert all(c.data_type != "f" for row in ws.iter_rows() for c in row)
    csv_out = tmp_path / "очередь.csv"
    assert run("--db", url, *AS_KURATOR, "export-queue", "--out", str(csv_out), stdin=PASSWORD, home=home).returncode == 0
    text = csv_out.read_bytes().decode("utf-8-sig")
    lines = list(csv.reader(text.splitlines(), delimiter=";"))
    assert lines[0] == ["Очередь инцидентов — «Все»"] and lines[1][0].startswith("По состоянию на ")
    assert "'=HYPERLINK" in text and lines[2][:4] == ["№", "Выявлен", "Соцсеть", "Ссылка"]
    head = run("--db", url, *AS_KURATOR, "export-queue", "--head-pages", "--out", str(xlsx), stdin=PASSWORD, home=home)
    assert head.returncode == 0 and head.stdout.strip().endswith("строк — 0"), head.stderr  # no head's page is registered
    ws = load_workbook(xlsx).active
    assert "на страницах главы (п. 16 Приложения 1)" in ws.cell(1, 1).value
    wrong = run("--db", url, *AS_KURATOR, "export-queue", "--preset", "mine", "--out", str(csv_out), stdin=PASSWORD, home=home)
    assert wrong.returncode == 2 and "Вкладка очереди «mine» недоступна" in wrong.stderr
    pdf = run("--db", url, *AS_KURATOR, "export-queue", "--out", str(tmp_path / "q.pdf"), stdin=PASSWORD, home=home)
    assert pdf.returncode == 2 and "только в .xlsx или .csv" in pdf.stderr
