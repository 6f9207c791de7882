# Shared by run-app and run-tests (sourced, not run): create .venv and install the pinned
# requirements when they changed. A sha256 stamp of the requirement files avoids re-running pip.
set -euo pipefail
ROOT="$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)"
VENV="$ROOT/.venv"
PY="${PYTHON:-python3}"

ensure_venv() {  # $1: requirements file to install
  local req="$ROOT/$1" stamp="$VENV/.deps-stamp-$(basename "$1")" sum
  if [ ! -x "$VENV/bin/python" ]; then
    echo "==> Lager Python-miljø i .venv"
    "$PY" -m venv "$VENV"
  fi
  sum="$(cat "$ROOT"/requirements*.txt | sha256sum | cut -d' ' -f1)"
  if [ ! -f "$stamp" ] || [ "$(cat "$stamp")" != "$sum" ]; then
    echo "==> Installerer Python-pakker fra $1"
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check --upgrade pip
    "$VENV/bin/python" -m pip install --quiet --disable-pip-version-check -r "$req"
    echo "$sum" > "$stamp"
  fi
}

# Install Debian packages that are missing (as root with apt-get, as everyone else via sudo).
ensure_debs() {  # $@: "test-path:package" pairs
  local missing=() pair
  for pair in "$@"; do
    [ -e "${pair%%:*}" ] || missing+=("${pair##*:}")
  done
  [ ${#missing[@]} -eq 0 ] && return 0
  echo "==> Installerer Debian-pakker: ${missing[*]}"
  local SUDO=""
  [ "$(id -u)" -eq 0 ] || SUDO="sudo"
  $SUDO apt-get update -q
  DEBIAN_FRONTEND=noninteractive $SUDO apt-get install -y -q --no-install-recommends "${missing[@]}"
}
