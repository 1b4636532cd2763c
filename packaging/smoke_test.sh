#!/usr/bin/env bash
# Smoke test of a frozen Convolution Playground, as a new user would meet it: a fresh HOME, two
# different working folders, offscreen Qt. Used by check_bundle.sh (Linux) and by the installers
# workflow (.github/workflows/installers.yml) on Linux, Windows (Git Bash) and macOS.
#
#   packaging/smoke_test.sh CLI_EXE [GUI_EXE]
#
# In each folder: --screenshot (from the second folder it must finish in under 6 s: Numba's cache
# from the first is reused), --version, --self-test, train --epochs 1 --save m.npz, eval m.npz;
# then bench ui (the start-to-window time).
# Then: the screenshot holds text rendered with real fonts (packaging/png_text_check.py; on Linux
# against a no-fonts twin rendering), the windowed executable renders a screenshot too, and
# exactly ONE Numba cache folder exists, inside the app's per-user cache. Exits 1 on any failure.
# $PYTHON: a Python with numpy + Pillow for the PNG check (default: build/bundle-venv's).
set -uo pipefail
ROOT=$(cd "$(dirname "$0")/.." && pwd)
CLI=${1:?usage: smoke_test.sh CLI_EXE [GUI_EXE]}
GUI=${2:-}
CLI=$(cd "$(dirname "$CLI")" && pwd)/$(basename "$CLI")
[ -n "$GUI" ] && GUI=$(cd "$(dirname "$GUI")" && pwd)/$(basename "$GUI")
PY=${PYTHON:-$ROOT/build/bundle-venv/bin/python}
[[ $PY == */* && $PY != /* ]] && PY=$PWD/$PY
START_LIMIT_S=${START_LIMIT_S:-6}
FAILURES=()

if [ "$(date +%N)" = N ]; then  # BSD date (macOS) has no %N
    now() { "$PY" -c 'import time; print(time.time())'; }
else
    now() { date +%s.%N; }
fi
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
fail() { FAILURES+=("$1"); echo "  FAIL: $1"; }

WORK=$(mktemp -d "${TMPDIR:-/tmp}/smoke.XXXXXX")
export HOME=$WORK/home QT_QPA_PLATFORM=offscreen
unset NUMBA_CACHE_DIR PLAYGROUND_CACHE_DIR XDG_CACHE_HOME XDG_CONFIG_HOME XDG_DATA_HOME \
    PLAYGROUND_BACKEND PYTHONPATH PYTHONHOME
mkdir -p "$HOME" "$WORK/first folder" "$WORK/second" "$WORK/logs"
case "$(uname -s)" in
    Linux*) CACHE_ROOT=$HOME/.cache/ConvPlayground ;;
    Darwin*) CACHE_ROOT=$HOME/Library/Caches/ConvPlayground ;;
    *) CACHE_ROOT=$(cygpath -u "$LOCALAPPDATA")/ConvPlayground ;;  # Windows: not moved by HOME
esac

# step NAME LIMIT_S CMD... : runs CMD in the current folder, prints rc, time and the last output
# line; fails on rc != 0 or a run of LIMIT_S seconds or more (0: no limit).
step() {
    local name=$1 limit=$2 log t rc secs; shift 2
    log="$WORK/logs/${name//[^A-Za-z0-9_.-]/_}.log"
    t=$(now)
    "$@" > "$log" 2>&1; rc=$?
    secs=$(since "$t")
    printf '  %-34s rc=%s %6s s  %s\n' "$name" "$rc" "$secs" \
        "$(grep -v propagateSizeHints "$log" | tail -1 | cut -c1-90)"
    if [ "$rc" != 0 ]; then
        tail -15 "$log" | sed 's/^/      /'
        fail "$name exited with $rc"
    elif [ "$limit" != 0 ] && awk -v s="$secs" -v l="$limit" 'BEGIN { exit !(s >= l) }'; then
        fail "$name took $secs s (limit $limit s)"
    fi
    if grep -q "Cannot find font directory\|no longer ships fonts" "$log"; then
        fail "$name: Qt found no fonts"
    fi
}

folder_checks() {  # LABEL START_LIMIT_S
    step "$1: --screenshot" "$2" "$CLI" --screenshot shot.png
    step "$1: --version" 0 "$CLI" --version
    step "$1: --self-test" 0 "$CLI" --self-test
    step "$1: train --epochs 1" 0 "$CLI" train --epochs 1 --save m.npz
    step "$1: eval m.npz" 0 "$CLI" eval m.npz
}

echo "== smoke test of $CLI (HOME=$HOME, QT_QPA_PLATFORM=offscreen)"
cd "$WORK/first folder" && folder_checks "first folder" 0
cd "$WORK/second" && folder_checks "second folder" "$START_LIMIT_S"
# launch to window shown, in a fresh process each time (median of 3; also proves that bench's
# child processes start from a frozen executable)
step "second folder: bench ui" 0 "$CLI" bench ui
grep -h "all updates\|warm start" "$WORK/logs/second_folder__bench_ui.log" | sed 's/^ */    /'
if [ -n "$GUI" ]; then
    # the other executable must reuse the same compiled kernels (pyi_rth_numba_cache.py)
    step "windowed exe: --screenshot" "$START_LIMIT_S" "$GUI" --screenshot gui.png
    [ -s gui.png ] || fail "the windowed executable wrote no screenshot"
fi
TWIN=()
if [ "$(uname -s)" = Linux ]; then  # Qt finds fonts through fontconfig only on Linux
    printf '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><cachedir>%s</cachedir></fontconfig>\n' \
        "$WORK/nofonts-cache" > "$WORK/nofonts.conf"
    step "no-fonts twin: --screenshot" 0 env FONTCONFIG_FILE="$WORK/nofonts.conf" \
        "$CLI" --screenshot nofonts.png
    TWIN=("$WORK/second/nofonts.png")
fi

echo "== screenshot"
if [ -s "$WORK/second/shot.png" ]; then
    if out=$("$PY" "$ROOT/packaging/png_text_check.py" "$WORK/second/shot.png" ${TWIN[@]+"${TWIN[@]}"}); then
        echo "  $out"
    else
        fail "screenshot text: $out"
    fi
else
    fail "no screenshot to check"
fi

echo "== Numba cache (expected in $CACHE_ROOT)"
caches=()
while IFS= read -r dir; do caches+=("$dir"); done < <(find "$HOME" "$WORK/first folder" \
    "$WORK/second" "$(dirname "$CLI")" "$CACHE_ROOT" -name '*.nbi' 2> /dev/null \
    | sed 's|/[^/]*$||' | sort -u)
for dir in "${caches[@]}"; do echo "  $dir ($(find "$dir" -name '*.nbi' | wc -l) index files)"; done
if [ "${#caches[@]}" != 1 ]; then
    fail "expected exactly one Numba cache folder, found ${#caches[@]}"
elif [[ ${caches[0]} != "$CACHE_ROOT/"* ]]; then
    fail "the Numba cache is not in the app's per-user cache: ${caches[0]}"
fi
[ -e "$HOME/.cache/numba" ] && fail "Numba wrote to ~/.cache/numba (keyed by the working folder)"

cd "$ROOT"
if [ "${#FAILURES[@]}" = 0 ]; then
    rm -rf "$WORK"
    echo "smoke_test: all checks passed"
else
    printf '  - %s\n' "${FAILURES[@]}"
    echo "smoke_test: ${#FAILURES[@]} check(s) FAILED (logs kept in $WORK/logs)"
    exit 1
fi
