# Sourced by ./run and ./test: creates .venv with Python 3.11+ and installs the project into it
# (again only when pyproject.toml changes).
set -euo pipefail
cd "$(dirname "${BASH_SOURCE[0]}")/.."
PYTHON_BIN=${PYTHON:-python3}
if [ ! -x .venv/bin/python ]; then
    "$PYTHON_BIN" -c 'import sys; sys.exit(sys.version_info < (3, 11))' || {
        echo "Нужен Python 3.11 или новее (найден: $("$PYTHON_BIN" --version 2>&1))" >&2; exit 2; }
    "$PYTHON_BIN" -m venv .venv
fi
stamp=".venv/.installed-$(cat pyproject.toml | sha1sum | cut -c1-12)-$1"
if [ ! -f "$stamp" ]; then
    .venv/bin/python -m pip install -q --upgrade pip
    if [ "$1" = test ]; then .venv/bin/python -m pip install -q -e ".[test]"; else .venv/bin/python -m pip install -q -e .; fi
    rm -f .venv/.installed-*
    touch "$stamp"
fi
