# Shared by ./rehearse and scripts/test.sh: system packages and the project's virtualenv.
# Sourced, not run. Installs only what is missing; says what it could not do and why.

REPO=$(cd "$(dirname "${BASH_SOURCE[0]}")/.." && pwd)
VENV="$REPO/.venv"
PYTHON=${PYTHON:-python3}

say() { printf 'rehearsal setup: %s\n' "$*" >&2; }

missing_debs() {
    local pkg missing=()
    for pkg in "$@"; do
        dpkg-query -W -f='${Status}' "$pkg" 2>/dev/null | grep -q "install ok installed" || missing+=("$pkg")
    done
    echo "${missing[@]}"
}

install_debs() {
    command -v dpkg-query >/dev/null || { say "not a Debian/Ubuntu system: install $* with your package manager"; return 0; }
    local missing; missing=$(missing_debs "$@")
    [ -z "$missing" ] && return 0
    local sudo=""
    if [ "$(id -u)" != 0 ]; then
        if sudo -n true 2>/dev/null; then sudo="sudo -n"; else
            say "these system packages are missing: $missing"
            say "install them with: sudo apt-get install $missing"
            return 0
        fi
    fi
    say "installing system packages: $missing"
    # An update that fails for one unrelated source should not stop the install.
    $sudo apt-get update -q >/dev/null 2>&1 || say "apt-get update reported a problem; trying the install anyway"
    DEBIAN_FRONTEND=noninteractive $sudo apt-get install -y -q --no-install-recommends $missing >/dev/null \
        || say "could not install $missing (voice features stay off until they are installed)"
}

_pip_progress() {  # pip's own lines, minus the noise a person need not read
    grep --line-buffered -v -e "^WARNING: Location" -e "^Requirement already satisfied" || true
}

ensure_venv() {  # $1: pip extras, e.g. "[test]"
    if [ ! -x "$VENV/bin/python" ]; then
        say "creating the virtualenv in .venv"
        "$PYTHON" -m venv "$VENV" || { say "python3 -m venv failed: install python3-venv (sudo apt-get install python3-venv)"; exit 1; }
        "$VENV/bin/python" -m pip install -q --upgrade pip 2>&1 | _pip_progress >&2
    fi
    local stamp="$VENV/.installed$1"
    if [ ! -f "$stamp" ] || [ "$REPO/pyproject.toml" -nt "$stamp" ]; then
        # On a terminal, show pip's progress (the first install takes about a minute); in a log, keep it short.
        local quiet="-q"
        if [ -t 2 ]; then quiet="--progress-bar=on"; fi
        say "installing rehearsal and its Python dependencies (the first time takes a minute or so)"
        if ! "$VENV/bin/python" -m pip install $quiet -e "$REPO$1" 2>&1 | _pip_progress >&2; then
            say "pip could not install rehearsal (see its message above); fix that and run this again"
            exit 1
        fi
        touch "$stamp"
    fi
}
