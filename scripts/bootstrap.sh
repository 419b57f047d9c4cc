#!/usr/bin/env bash
# Creates .venv with the project's Python (3.12, the Lambda runtime's minor version) and installs
# the locked dependencies. Needs nothing but a Python 3.12 and PyPI; finds pyenv's if present.
set -euo pipefail
cd "$(dirname "$0")/.."
want="3.12"
uv_version="0.13.8"

find_python() {
  local candidates=("${PYTHON:-}" "$(command -v python$want || true)")
  local root="${PYENV_ROOT:-$HOME/.pyenv}"
  for dir in "$root"/versions/$want*/bin; do candidates+=("$dir/python$want"); done
  candidates+=("/usr/local/bin/python$want" "/usr/bin/python$want")
  for py in "${candidates[@]}"; do
    [ -n "$py" ] && [ -x "$py" ] || continue
    if "$py" -c "import sys; sys.exit(0 if sys.version_info[:2] == tuple(map(int, '$want'.split('.'))) else 1)" 2>/dev/null; then
      echo "$py"; return 0
    fi
  done
  return 1
}

if [ ! -x .venv/bin/python ] || ! .venv/bin/python -c "import sys; sys.exit(0 if sys.version_info[:2] == (3, 12) else 1)"; then
  if ! py=$(find_python); then
    cat >&2 <<MSG
Python $want was not found. The Lambda runtime is python$want (arm64) and local runs use the same
minor version. Install it with one of:
  pyenv install $want            (then run this command again)
  apt-get install python$want python$want-venv
or point PYTHON=/path/to/python$want at an existing interpreter.
MSG
    exit 1
  fi
  echo "bootstrap: creating .venv with $py"
  rm -rf .venv
  "$py" -m venv .venv
fi
if [ ! -x .venv/bin/uv ]; then
  .venv/bin/python -m pip install --quiet --disable-pip-version-check "uv==$uv_version"
fi
# Bytecode is compiled at install: these machines set PYTHONDONTWRITEBYTECODE, and without .pyc
# files every import (and every test run) pays the compile again.
UV_PYTHON_DOWNLOADS=never .venv/bin/uv sync --frozen --compile-bytecode --python .venv/bin/python --quiet
