"""The command line as an administrator uses it: real processes, real exit codes."""
from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[1]


def run(*args: str, stdin: str = "", env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    full_env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "INCIDENTS_DB")}
    full_env.update(env or {})
    return subprocess.run([sys.executable, str(ROOT / "main.py"), *args], input=stdin, text=True,
                          capture_output=True, env=full_env, timeout=300, cwd=ROOT)


def test_help_is_in_russian_and_lists_the_headless_commands() -> None:
    result = run("--help")
    assert result.returncode == 0
    assert "использование:" in result.stdout
    for command in ("db", "user", "demo", "audit"):
        assert f"    {command} " in result.stdout


def test_usage_names_the_program_as_it_is_started_from_a_checkout() -> None:
    result = run("--help")
    assert result.stdout.startswith("использование: ./run ")
    assert "main.py" not in result.stdout
    wrong = run("нет-такой-команды")
    assert wrong.returncode == 2 and "./run: ошибка:" in wrong.stderr


def test_the_command_line_starts_without_qt_or_a_database_library() -> None:
    """Headless commands never pay for loading the window: the package imports no PySide6 up front."""
    probe = subprocess.run([sys.executable, "-c", "import sys, app.cli; "
                            "print(sorted(m for m in ('PySide6', 'peewee') if m in sys.modules))"],
                           text=True, capture_output=True, cwd=ROOT, timeout=120)
    assert probe.returncode == 0, probe.stderr
    assert probe.stdout.strip() == "[]"


def test_demo_then_db_info_shows_counts_of_each_kind(fresh_database_url: str) -> None:
    database_url = fresh_database_url
    demo = run("--db", database_url, "demo")
    assert demo.returncode == 0, demo.stderr
    assert "kurator" in demo.stdout and "kurator-demo-1" in demo.stdout
    roles = {line.split()[0]: line.split(None, 2)[2] for line in demo.stdout.splitlines()
             if line.startswith("  ") and "-demo-" in line}
    assert roles["kurator"] == "куратор" and roles["glava"] == "глава"
    assert roles["otvetstv"] == "ответственное должностное лицо" and roles["zhkh"] == "исполнитель"
    assert not any(code in demo.stdout for code in ("curator", "executor", "responsible", "head", "admin,"))
    info = run("--db", database_url, "db", "info")
    assert info.returncode == 0, info.stderr
    counts = dict(
        (line.rsplit(None, 1)[0].strip(), int(line.rsplit(None, 1)[1]))
        for line in info.stdout.splitlines() if line.startswith("  ")
    )
    assert counts["Инциденты"] == 320
    assert counts["Пользователи"] >= 12
    assert counts["Отделы и учреждения"] == 12
    assert counts["Размещения ответов"] > 200
    assert counts["События журнала"] > 1000
    for status in ("Новый", "В работе", "На согласовании", "Ответ размещён", "Без ответа", "Промежуточный ответ"):
        assert counts[status] > 0, status
    verify = run("--db", database_url, "audit", "verify")
    assert verify.returncode == 0 and "Журнал цел" in verify.stdout
    # the database has accounts now: only a signed-in administrator may run demo, and not twice
    anonymous = run("--db", database_url, "demo")
    assert anonymous.returncode == 2 and "--user ЛОГИН" in anonymous.stderr
    curator = run("--db", database_url, "--user", "kurator", "demo", stdin="kurator-demo-1\n")
    assert curator.returncode == 2 and "только администратор" in curator.stderr
    again = run("--db", database_url, "--user", "admin", "demo", stdin="admin-demo-1\n")
    assert again.returncode == 2 and "уже есть инциденты" in again.stderr


def test_user_add_reads_the_password_from_stdin_and_lists_the_user(tmp_path: Path) -> None:
    url = f"sqlite:///{tmp_path}/users.sqlite3"
    added = run("--db", url, "user", "add", "--login", "kurator", "--name", "Слепокурова Яна Евгеньевна",
                "--roles", "curator,admin", "--password-stdin", stdin="kurator-pass-2026\n")
    assert added.returncode == 0, added.stderr
    nobody = run("--db", url, "user", "list")
    assert nobody.returncode == 2 and "--user ЛОГИН" in nobody.stderr
    listed = run("--db", url, "--user", "kurator", "user", "list", stdin="kurator-pass-2026\n")
    assert "kurator" in listed.stdout and "Куратор" in listed.stdout
    # a second account only by the signed-in administrator; a password change by its owner
    refused = run("--db", url, "user", "add", "--login", "zhkh", "--name", "Иваненко О. В.", "--roles", "executor",
                  "--password-stdin", stdin="zhkh-pass-2026\n")
    assert refused.returncode == 2 and "--user ЛОГИН" in refused.stderr
    added = run("--db", url, "--user", "kurator", "user", "add", "--login", "glava", "--name", "Шутылев М. О.",
                "--roles", "head", "--password-stdin", stdin="kurator-pass-2026\nglava-pass-2026\n")
    assert added.returncode == 0, added.stderr
    foreign = run("--db", url, "--user", "glava", "user", "passwd", "kurator", "--password-stdin",
                  stdin="glava-pass-2026\nhacked-pass-2026\n")
    assert foreign.returncode == 2 and "только администратор" in foreign.stderr
    own = run("--db", url, "--user", "glava", "user", "passwd", "glava", "--password-stdin",
              stdin="glava-pass-2026\nglava-new-2026\n")
    assert own.returncode == 0, own.stderr
    again = run("--db", url, "--user", "glava", "user", "passwd", "glava", "--password-stdin",
                stdin="glava-pass-2026\nglava-newer-2026\n")
    assert again.returncode == 2 and "Неверный логин или пароль" in again.stderr
    assert "kurator-pass-2026" not in (tmp_path / "users.sqlite3").read_bytes().decode("latin-1")


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("mysql://root@localhost/x", "Неизвестный тип базы данных"),
        ("postgresql://postgres@127.0.0.1:5999/x", "Не удаётся подключиться к серверу PostgreSQL"),
        ("sqlite:////proc/incidents.sqlite3", "папка недоступна для записи"),
    ],
)
def test_bad_database_gives_one_russian_line_and_exit_code_2(url: str, expected: str) -> None:
    result = run("--db", url, "db", "upgrade")
    assert result.returncode == 2
    lines = result.stderr.strip().splitlines()
    assert len(lines) == 1 and expected in lines[0]


def test_a_file_that_is_not_a_database_is_left_as_it_was(tmp_path: Path) -> None:
    notes = tmp_path / "notes.txt"
    notes.write_text("не база", encoding="utf-8")
    result = run("--db", f"sqlite:///{notes}", "db", "upgrade")
    assert result.returncode == 2 and "не является базой данных SQLite" in result.stderr
    assert notes.read_text(encoding="utf-8") == "не база"


def test_without_a_display_the_gui_explains_offscreen_and_exits_nonzero(tmp_path: Path) -> None:
    env = {k: v for k, v in os.environ.items() if k not in ("DISPLAY", "WAYLAND_DISPLAY", "QT_QPA_PLATFORM")}
    result = subprocess.run([sys.executable, str(ROOT / "main.py"), "--db", f"sqlite:///{tmp_path}/x.sqlite3"],
                            text=True, capture_output=True, env=env, timeout=120)
    assert result.returncode != 0
    assert "QT_QPA_PLATFORM=offscreen" in result.stderr
    assert "дисплей" in result.stderr.lower() or "экран" in result.stderr.lower()
    assert "xvfb-run ./run" in result.stderr and "«./run --help»" in result.stderr
    assert "python main.py" not in result.stderr


def test_smoke_test_opens_the_main_window_and_exits_zero() -> None:
    result = run("--smoke-test", env={"QT_QPA_PLATFORM": "offscreen"})
    assert result.returncode == 0, result.stderr
    (line,) = result.stdout.splitlines()
    assert line.startswith("Проверка запуска пройдена: главное окно «Инциденты» ")


def test_output_cut_short_by_the_reader_ends_quietly_without_a_traceback() -> None:
    """``python main.py calendar 2026 | head -1``: the reader leaves, the command stops without noise."""
    env = {k: v for k, v in os.environ.items() if k not in ("QT_QPA_PLATFORM", "INCIDENTS_DB")}
    proc = subprocess.Popen([sys.executable, str(ROOT / "main.py"), "calendar", "2026"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, env=env, cwd=ROOT)
    assert proc.stdout is not None and proc.stderr is not None
    proc.stdout.close()  # the reader is gone before the first line is written
    errors = proc.stderr.read().decode()
    assert proc.wait(timeout=300) == 141
    assert "Traceback" not in errors
    proc.stderr.close()


def test_password_stdin_reads_the_sign_in_password_even_from_a_terminal(tmp_path, monkeypatch,  # noqa: ANN001
                                                                         capsys) -> None:  # noqa: ANN001
    import io
    import sys as system

    from app.cli import main as cli_main
    from app.services.database import close_database

    url = f"sqlite:///{tmp_path}/pw.sqlite3"
    monkeypatch.setattr(system, "stdin", io.StringIO("admin-password-2026\n"))
    assert cli_main(["--db", url, "user", "add", "--login", "admin", "--name", "Администратор Системы",
                     "--roles", "admin", "--password-stdin"]) == 0
    close_database()

    class Terminal(io.StringIO):
        def isatty(self) -> bool:
            return True

    asked: list[str] = []
    monkeypatch.setattr("getpass.getpass", lambda prompt="": asked.append(prompt) or "admin-password-2026")
    monkeypatch.setattr(system, "stdin", Terminal("admin-password-2026\n"))
    assert cli_main(["--db", url, "--user", "admin", "--password-stdin", "user", "list"]) == 0
    close_database()
    assert asked == []  # the line was read, nobody was prompted
    assert "admin" in capsys.readouterr().out
