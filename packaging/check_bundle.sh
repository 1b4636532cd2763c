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
# Checks: every library the bundle needs resolves (packaging/bundle_deps.py), then
# packaging/smoke_test.sh with a fresh HOME from two working folders: --version, --self-test,
# train --epochs 1 --save m.npz, eval m.npz, --screenshot rendering real text (against a no-fonts
# twin), a second start under 6 s, exactly ONE Numba cache folder, in the app's per-user cache.
# Prints sizes and timings; exits 1 if any check failed.
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
PYTHON="$VENV/bin/python" packaging/smoke_test.sh "$DIST/conv-playground" "$DIST/conv-playground-gui" \
    || fail "smoke test (packaging/smoke_test.sh)"

echo "== result"
if [ "${#FAILURES[@]}" = 0 ]; then
    echo "check_bundle: all checks passed ($DIST, version $VERSION)"
else
    printf '  - %s\n' "${FAILURES[@]}"
    echo "check_bundle: ${#FAILURES[@]} check(s) FAILED"
    exit 1
fi
if [ "$DEB" = 1 ]; then
    packaging/build_deb.sh || exit 1
fi
