#!/usr/bin/env bash
# Builds the PyInstaller one-folder bundle (dist/conv-playground) and smoke-tests it like a new
# user would: a fresh HOME, two different working folders, offscreen Qt.
#
#   packaging/check_bundle.sh [--deb] [--no-build] [--no-tar]
#
#   --deb       also build the .deb (packaging/build_deb.sh); packaging/check_deb.sh installs it
#   --no-build  test the bundle already in dist/conv-playground
#   --no-tar    skip the tar.xz (xz of ~500 MB takes minutes on a small machine)
#
# Checks: every library the bundle needs resolves (packaging/bundle_deps.py); --version;
# --screenshot renders text with real fonts (packaging/png_text_check.py); --self-test;
# train --epochs 1 --save m.npz and eval m.npz; from a second folder the same again, where the
# start must take under 6 s (Numba's cache from the first folder is reused); and after both, exactly
# ONE Numba cache folder exists, inside the app's per-user cache (none in ~/.cache/numba, none in
# the working folders or the bundle). Prints sizes and timings; exits 1 if any check failed.
#
# The build runs in its own venv (build/bundle-venv, made on first use) with the project
# pip-installed as a wheel would be, never editable, and nothing from the test extras.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
BUILD=1 TAR=1 DEB=0
for arg in "$@"; do
    case $arg in
        --deb) DEB=1 ;;
        --no-build) BUILD=0 ;;
        --no-tar) TAR=0 ;;
        -h|--help) sed -n '2,20p' "$0"; exit 0 ;;
        *) echo "check_bundle: unknown option $arg (see --help)" >&2; exit 2 ;;
    esac
done
VENV=${BUNDLE_VENV:-$ROOT/build/bundle-venv}
DIST=$ROOT/dist/conv-playground
START_LIMIT_S=6
FAILURES=()

now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }
fail() { FAILURES+=("$1"); echo "  FAIL: $1"; }

# ---------------------------------------------------------------- build
if [ "$BUILD" = 1 ]; then
    t=$(now)
    if [ ! -x "$VENV/bin/python" ]; then
        python3 -m venv "$VENV" || { echo "check_bundle: cannot make $VENV" >&2; exit 1; }
    fi
    # setuptools reuses build/lib: a stale copy there would leak removed modules into the wheel
    rm -rf "$ROOT/build/lib" "$ROOT"/build/bdist.*
    "$VENV/bin/pip" install -q --disable-pip-version-check pyinstaller "$ROOT" \
        && "$VENV/bin/pip" install -q --disable-pip-version-check --no-deps --force-reinstall "$ROOT" \
        || { echo "check_bundle: pip install into $VENV failed" >&2; exit 1; }
    echo "build venv ready ($(since "$t") s): $("$VENV/bin/python" -c 'import sys, PyInstaller, PySide6, numba; print(f"Python {sys.version.split()[0]}, PyInstaller {PyInstaller.__version__}, PySide6 {PySide6.__version__}, Numba {numba.__version__}")')"
    t=$(now)
    rm -rf "$DIST"
    if ! "$VENV/bin/pyinstaller" --noconfirm --log-level WARN --distpath "$ROOT/dist" \
            --workpath "$ROOT/build/pyinstaller" packaging/conv-playground.spec \
            > "$ROOT/build/pyinstaller.log" 2>&1; then
        tail -30 "$ROOT/build/pyinstaller.log"
        echo "check_bundle: PyInstaller failed (log: build/pyinstaller.log)" >&2
        exit 1
    fi
    echo "bundle built in $(since "$t") s (log: build/pyinstaller.log)"
fi
[ -x "$DIST/conv-playground" ] && [ -x "$DIST/conv-playground-gui" ] \
    || { echo "check_bundle: no bundle in $DIST" >&2; exit 1; }
VERSION=$("$DIST/conv-playground" --version | awk '{print $2}')

echo "== sizes"
echo "  folder $DIST: $(du -sh "$DIST" | cut -f1) ($(find "$DIST" -type f | wc -l) files)"
if [ "$TAR" = 1 ]; then
    t=$(now)
    TARBALL=$ROOT/dist/conv-playground-$VERSION-linux-$(uname -m).tar.xz
    tar -C "$ROOT/dist" -cf - conv-playground | xz -T0 -6 > "$TARBALL"
    echo "  $(basename "$TARBALL"): $(du -sh "$TARBALL" | cut -f1) (xz in $(since "$t") s)"
fi

echo "== system libraries"
if deps=$(python3 packaging/bundle_deps.py "$DIST" 2>&1); then
    echo "  $deps"
else
    fail "$deps"
fi

# ---------------------------------------------------------------- smoke test
WORK=$(mktemp -d "${TMPDIR:-/tmp}/check_bundle.XXXXXX")
export HOME=$WORK/home QT_QPA_PLATFORM=offscreen
unset NUMBA_CACHE_DIR PLAYGROUND_CACHE_DIR XDG_CACHE_HOME XDG_CONFIG_HOME XDG_DATA_HOME \
    PLAYGROUND_BACKEND PYTHONPATH PYTHONHOME
mkdir -p "$HOME" "$WORK/first folder" "$WORK/second" "$WORK/logs"
printf '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><cachedir>%s</cachedir></fontconfig>\n' \
    "$WORK/nofonts-cache" > "$WORK/nofonts.conf"

# step NAME LIMIT_S CMD... : runs CMD in the current folder, prints its time, fails on rc != 0
# or on a run longer than LIMIT_S (0: no limit); the output goes to logs/NAME.log.
step() {
    local name=$1 limit=$2; shift 2
    local t rc secs
    t=$(now)
    "$@" > "$WORK/logs/$name.log" 2>&1; rc=$?
    secs=$(since "$t")
    printf '  %-34s rc=%s %6s s  %s\n' "$name" "$rc" "$secs" "$(grep -v propagateSizeHints "$WORK/logs/$name.log" | tail -1 | cut -c1-90)"
    if [ "$rc" != 0 ]; then
        tail -15 "$WORK/logs/$name.log" | sed 's/^/      /'
        fail "$name exited with $rc"
    elif [ "$limit" != 0 ] && awk -v s="$secs" -v l="$limit" 'BEGIN { exit !(s >= l) }'; then
        fail "$name took $secs s (limit $limit s)"
    fi
}

folder_checks() {  # LABEL START_LIMIT
    local label=$1 limit=$2
    step "$label: --screenshot" "$limit" "$DIST/conv-playground" --screenshot shot.png
    if grep -q "Cannot find font directory\|no longer ships fonts" "$WORK/logs/$label: --screenshot.log"; then
        fail "$label: Qt found no fonts"
    fi
    step "$label: --version" 0 "$DIST/conv-playground" --version
    step "$label: --self-test" 0 "$DIST/conv-playground" --self-test
    step "$label: train --epochs 1" 0 "$DIST/conv-playground" train --epochs 1 --save m.npz
    step "$label: eval m.npz" 0 "$DIST/conv-playground" eval m.npz
}

echo "== smoke test (HOME=$HOME, QT_QPA_PLATFORM=offscreen)"
cd "$WORK/first folder" && folder_checks "first folder" 0
cd "$WORK/second" && folder_checks "second folder" "$START_LIMIT_S"
step "second folder: no-fonts twin" 0 env FONTCONFIG_FILE="$WORK/nofonts.conf" \
    "$DIST/conv-playground" --screenshot nofonts.png
step "gui executable --version" 0 "$DIST/conv-playground-gui" --version
cd "$ROOT"

echo "== screenshot"
if [ -s "$WORK/second/shot.png" ] && [ -s "$WORK/second/nofonts.png" ]; then
    out=$("$VENV/bin/python" packaging/png_text_check.py "$WORK/second/shot.png" \
        "$WORK/second/nofonts.png") || fail "screenshot text: $out"
    echo "  $out"
else
    fail "no screenshot to check"
fi

echo "== Numba cache"
mapfile -t caches < <(find "$HOME" "$WORK/first folder" "$WORK/second" "$DIST" -name '*.nbi' \
    -printf '%h\n' | sort -u)
for dir in "${caches[@]}"; do echo "  $dir ($(find "$dir" -name '*.nbi' | wc -l) index files)"; done
if [ "${#caches[@]}" != 1 ]; then
    fail "expected exactly one Numba cache folder, found ${#caches[@]}"
elif [[ ${caches[0]} != "$HOME/.cache/ConvPlayground/"* ]]; then
    fail "the Numba cache is not in the app's per-user cache: ${caches[0]}"
fi
[ -e "$HOME/.cache/numba" ] && fail "Numba wrote to ~/.cache/numba (keyed by the working folder)"

echo "== result"
if [ "${#FAILURES[@]}" = 0 ]; then
    rm -rf "$WORK"
    echo "check_bundle: all checks passed ($DIST, version $VERSION)"
else
    printf '  - %s\n' "${FAILURES[@]}"
    echo "check_bundle: ${#FAILURES[@]} check(s) FAILED (logs kept in $WORK/logs)"
    exit 1
fi
if [ "$DEB" = 1 ]; then
    packaging/build_deb.sh || exit 1
fi
