#!/usr/bin/env bash
# Build the wheel and sdist, check them, install the WHEEL (not editable) into a fresh venv and
# use it as a new user would: from another folder, with a fresh HOME and XDG folders.
#
#   bash packaging/check_wheel.sh [PYTHON]     # PYTHON: a venv's python with the dev extra
#                                              # (default .venv/bin/python)
# Prints each step's time; exits non-zero on the first failure. Called by .ci/run.
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
PY=${1:-.venv/bin/python}
WORK=$(mktemp -d)
trap 'rm -rf "$WORK"' EXIT
T0=$(date +%s)
step() { echo "== [$(( $(date +%s) - T0 )) s] $*"; }

step "build wheel and sdist"
"$PY" -m build --outdir "$WORK/dist" . > "$WORK/build.log" 2>&1 || { tail -40 "$WORK/build.log"; exit 1; }
WHEEL=$(ls "$WORK"/dist/*.whl)
SDIST=$(ls "$WORK"/dist/*.tar.gz)
ls -l "$WORK"/dist

step "twine check, check-wheel-contents"
"$PY" -m twine check --strict "$WORK"/dist/*
"$(dirname "$PY")/check-wheel-contents" "$WHEEL"

step "the wheel and the sdist hold the subpackages, resources and licences"
need_in() {  # need_in LISTING PATH...: every PATH appears in the listing
  local listing=$1; shift
  for path in "$@"; do
    grep -qxF "$path" "$listing" || { echo "missing from $(basename "$listing" .txt): $path"; exit 1; }
  done
}
"$PY" -c "import sys, zipfile; print('\n'.join(zipfile.ZipFile(sys.argv[1]).namelist()))" \
  "$WHEEL" > "$WORK/wheel.txt"
tar tzf "$SDIST" | sed 's|^[^/]*/||' > "$WORK/sdist.txt"
DIST_INFO=$(basename "$WHEEL" | cut -d- -f1,2).dist-info
need_in "$WORK/wheel.txt" playground/commands/__init__.py playground/commands/train.py \
  playground/resources/__init__.py playground/resources/mnist_5k.npz \
  playground/resources/lenet5.npz playground/resources/icons/conv-playground.svg \
  playground/resources/icons/conv-playground-256.png \
  playground/resources/lessons/lecture.json playground/resources/images/parrot-64.png \
  "$DIST_INFO/licenses/LICENSE" "$DIST_INFO/licenses/NOTICE-MNIST.md"
need_in "$WORK/sdist.txt" playground/commands/__init__.py playground/commands/eval.py \
  resources/__init__.py resources/mnist_5k.npz resources/lenet5.npz resources/fcnn.npz \
  resources/icons/conv-playground.svg resources/lessons/lecture.json LICENSE NOTICE-MNIST.md setup.py pyproject.toml \
  packaging/linux/conv-playground.desktop tests/conftest.py
echo "wheel $(du -k "$WHEEL" | cut -f1) KiB, sdist $(du -k "$SDIST" | cut -f1) KiB"

step "install the wheel into a fresh venv"
python3 -m venv "$WORK/venv"
"$WORK/venv/bin/pip" install -q "$WHEEL"
test -x "$WORK/venv/bin/conv-playground-gui"

step "run it from another folder with a fresh HOME"
USER_DIR="$WORK/user"
mkdir -p "$USER_DIR/home" "$USER_DIR/here"
cd "$USER_DIR/here"
run() {
  env -u PLAYGROUND_CACHE_DIR -u PLAYGROUND_BACKEND -u NUMBA_CACHE_DIR -u PYTHONPATH \
    HOME="$USER_DIR/home" XDG_CONFIG_HOME="$USER_DIR/home/.config" \
    XDG_CACHE_HOME="$USER_DIR/home/.cache" XDG_DATA_HOME="$USER_DIR/home/.local/share" \
    QT_QPA_PLATFORM=offscreen "$WORK/venv/bin/$@"
}
run python -c "import playground, sys; sys.exit('playground imported from the checkout' \
  if playground.__file__.startswith('$ROOT/') else 0)"
step "conv-playground --version"
run conv-playground --version
step "conv-playground --self-test"
run conv-playground --self-test
step "conv-playground train --epochs 1 --save m.npz"
run conv-playground train --epochs 1 --save m.npz
test -s m.npz
step "conv-playground eval m.npz"
run conv-playground eval m.npz
step "wheel checks passed"
