#!/usr/bin/env bash
# Create (or re-create) the project-local virtual environment when it is
# missing or stale. "Stale" means requirements.txt changed
# since the venv was built: its sha256 is stored inside the venv.
# Usage: scripts/ensure_venv.sh [VENV_DIR]   (default .venv; PYTHON picks the interpreter)
set -euo pipefail
cd "$(dirname "$0")/.."
venv="${1:-.venv}"
python="${PYTHON:-python3}"
stamp="$venv/.requirements.sha256"
want="$(sha256sum requirements.txt | cut -d' ' -f1)"

if [ -x "$venv/bin/python" ] && [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$want" ]; then
  exit 0
fi

if ! "$python" -c 'import sys; sys.exit(0 if sys.version_info[:2] >= (3, 11) else 1)' 2>/dev/null; then
  echo "error: Python 3.11 or newer is needed; set PYTHON=/path/to/python3.11 (got: $("$python" --version 2>&1))" >&2
  exit 1
fi

echo ">>> building $venv from requirements.txt (about 1-2 minutes, 2.4 GB) ..."
rm -rf "$venv"
"$python" -m venv "$venv"
"$venv/bin/python" -m pip install --quiet --upgrade pip
"$venv/bin/python" -m pip install --quiet -r requirements.txt
"$venv/bin/python" -m pip install --quiet --no-deps -e .
"$venv/bin/python" -m pip check
echo "$want" > "$stamp"
echo ">>> $venv is ready"
