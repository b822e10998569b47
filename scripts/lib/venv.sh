# Shared by scripts/run.sh, scripts/test.sh and .ci/run: make sure .venv exists and holds the
# pinned requirements. Source it from the repository root, then call `ensure_venv FILE`.
# Re-runs are fast: the install is skipped while the requirement files are unchanged.

PYTHON="${PYTHON:-}"

find_python() {
    local candidate
    for candidate in "$PYTHON" python3.11 python3.12 python3.13 python3; do
        [ -n "$candidate" ] || continue
        if command -v "$candidate" >/dev/null 2>&1 &&
            "$candidate" -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else 1)' 2>/dev/null; then
            echo "$candidate"
            return 0
        fi
    done
    echo "error: Python 3.11 or newer is required (set PYTHON=/path/to/python3.11)" >&2
    return 1
}

# ensure_venv REQUIREMENTS_FILE: create .venv if missing, install the file (and what it includes).
ensure_venv() {
    local requirements="$1" python stamp digest
    if [ ! -x .venv/bin/python ]; then
        python="$(find_python)" || return 1
        echo "==> Creating .venv with $("$python" --version)"
        "$python" -m venv .venv || {
            echo "error: could not create .venv (on Debian: apt-get install python3-venv)" >&2
            return 1
        }
    fi
    # The digest covers every requirements file, since requirements-dev.txt includes requirements.txt.
    digest="$(cat requirements*.txt | sha256sum | cut -d' ' -f1)"
    stamp=".venv/.installed-$(basename "$requirements" .txt)"
    if [ -f "$stamp" ] && [ "$(cat "$stamp")" = "$digest" ]; then
        return 0
    fi
    # requirements-dev.txt includes requirements.txt: a current dev install covers the runtime.
    if [ "$requirements" = requirements.txt ] && [ -f .venv/.installed-requirements-dev ] &&
        [ "$(cat .venv/.installed-requirements-dev)" = "$digest" ]; then
        return 0
    fi
    echo "==> Installing $requirements into .venv"
    .venv/bin/python -m pip install --quiet --disable-pip-version-check --upgrade pip || return 1
    .venv/bin/python -m pip install --quiet --disable-pip-version-check -r "$requirements" || return 1
    echo "$digest" > "$stamp"
}
