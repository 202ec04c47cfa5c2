# Sourced by ./run (argument "app") and ./test (argument "test"): creates .venv with Python 3.11+
# and installs the project into it — again only when pyproject.toml changes. Sets INCIDENTS_ROOT
# (the checkout) and leaves the current folder as it was, so that relative paths given to ./run
# (sqlite:///demo.sqlite3, an import file, a report's --out) mean the folder the user is in.
# The marker .venv/.installed-<hash of pyproject.toml>-<app|test> records what is installed for
# this pyproject.toml; the test extras include everything the program needs, so once ./test has
# installed them ./run finds nothing to do, and switching between ./run and ./test never reinstalls.
set -euo pipefail
INCIDENTS_ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
(
    cd "$INCIDENTS_ROOT"
    PYTHON_BIN=${PYTHON:-python3}
    if [ ! -x .venv/bin/python ]; then
        "$PYTHON_BIN" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
            echo "Нужен Python 3.11 или новее (найден: $("$PYTHON_BIN" --version 2>&1))" >&2; exit 2; }
        "$PYTHON_BIN" -m venv .venv
    fi
    pyproject_hash=$(sha1sum pyproject.toml | cut -c1-12)
    if [ ! -f ".venv/.installed-$pyproject_hash-$1" ] && ! { [ "$1" = app ] && [ -f ".venv/.installed-$pyproject_hash-test" ]; }; then
        .venv/bin/python -m pip install -q --upgrade pip
        if [ "$1" = test ]; then .venv/bin/python -m pip install -q -e ".[test]"; else .venv/bin/python -m pip install -q -e .; fi
        # markers of an older pyproject.toml go; the other marker of this one stays
        find .venv -maxdepth 1 -name '.installed-*' ! -name ".installed-$pyproject_hash-*" -delete
        touch ".venv/.installed-$pyproject_hash-$1"
    fi
)
