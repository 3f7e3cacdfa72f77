#!/usr/bin/env bash
# Print the path of a Python >= 3.12 interpreter for the virtualenv, or fail with a clear message.
# Order: $PYTHON, the pyenv version named in .python-version, python3.13/python3.12 on PATH,
# any pyenv-installed 3.12/3.13.
set -u
ok() { "$1" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 12) else 1)' >/dev/null 2>&1; }
candidates=()
[ -n "${PYTHON:-}" ] && candidates+=("$PYTHON")
root="${PYENV_ROOT:-$HOME/.pyenv}"
if command -v pyenv >/dev/null 2>&1; then
  p=$(pyenv which python 2>/dev/null) && candidates+=("$p")
fi
for v in python3.13 python3.12 python3; do
  p=$(command -v "$v" 2>/dev/null) && candidates+=("$p")
done
for p in "$root"/versions/3.13*/bin/python3 "$root"/versions/3.12*/bin/python3 /usr/bin/python3.13 /usr/bin/python3.12; do
  [ -x "$p" ] && candidates+=("$p")
done
for c in "${candidates[@]}"; do
  if ok "$c"; then echo "$c"; exit 0; fi
done
echo "error: OMS needs Python >= 3.12 (Django 6) and none was found." >&2
echo "       Install one (e.g. 'pyenv install 3.12') or set PYTHON=/path/to/python3.12." >&2
exit 1
