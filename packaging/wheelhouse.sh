#!/usr/bin/env bash
# A folder of wheels a teacher copies to a USB stick: our wheel and every runtime dependency, for
# one Python version and platform, so a classroom installs with no network:
#
#   pip install --no-index --find-links wheelhouse conv-playground
#
# Usage: bash packaging/wheelhouse.sh [--out DIR] [--python-version 3.X] [--platform NAME]...
#                                     [--extra cuda] [--verify]
#   --out DIR             the folder to fill (default: wheelhouse)
#   --python-version 3.X  the classroom's Python (default: the python3 running this script)
#   --platform NAME       the classroom's platform: linux-x86_64, linux-aarch64, win-amd64,
#                         macos-arm64, macos-x86_64, or a raw pip platform tag such as
#                         manylinux_2_35_x86_64 (repeatable; default: this machine's)
#   --extra cuda          also the CUDA backend (numba-cuda); needs an NVIDIA driver to be useful
#   --verify              then install from the folder into a throwaway venv with no index and
#                         no pip configuration (this machine's platform and Python only)
# Needs the network while it builds; the folder it makes needs none. PYTHON=... picks the Python
# that builds and downloads (default python3).
set -euo pipefail
cd "$(dirname "$0")/.."
PYTHON=${PYTHON:-python3}
OUT=wheelhouse
PYVER=""
PLATFORMS=()
EXTRAS=()
VERIFY=0

platform_tags() {  # friendly name -> pip --platform tag (pip also accepts older tags of the family)
  case $1 in
    linux-x86_64) echo manylinux_2_35_x86_64 ;;   # glibc 2.35: Ubuntu 22.04, Debian 12 and newer
    linux-aarch64) echo manylinux_2_35_aarch64 ;;
    win-amd64|win_amd64) echo win_amd64 ;;
    macos-arm64) echo macosx_14_0_arm64 ;;        # macOS 14 and older wheels it can run
    macos-x86_64) echo macosx_14_0_x86_64 ;;
    *) echo "$1" ;;
  esac
}

while [ $# -gt 0 ]; do
  case $1 in
    --out) OUT=$2; shift 2 ;;
    --python-version) PYVER=$2; shift 2 ;;
    --platform) PLATFORMS+=("$(platform_tags "$2")"); shift 2 ;;
    --extra) EXTRAS+=("$2"); shift 2 ;;
    --verify) VERIFY=1; shift ;;
    -h|--help) sed -n '2,19p' "$0" | sed 's/^# \{0,1\}//'; exit 0 ;;
    *) echo "wheelhouse.sh: unknown option $1 (see --help)" >&2; exit 2 ;;
  esac
done
if [ "$VERIFY" = 1 ] && { [ -n "$PYVER" ] || [ ${#PLATFORMS[@]} -gt 0 ]; }; then
  echo "wheelhouse.sh: --verify installs on this machine; drop --python-version/--platform" >&2
  exit 2
fi

BUILD=$(mktemp -d)
trap 'rm -rf "$BUILD"' EXIT
echo "building the conv-playground wheel"
"$PYTHON" -m venv "$BUILD/venv"
"$BUILD/venv/bin/pip" install -q build
"$BUILD/venv/bin/python" -m build --wheel --outdir "$BUILD/dist" . > "$BUILD/build.log" 2>&1 \
  || { tail -30 "$BUILD/build.log"; exit 1; }
WHEEL=$(ls "$BUILD"/dist/*.whl)
mkdir -p "$OUT"
rm -f "$OUT"/conv_playground-*.whl
cp "$WHEEL" "$OUT/"

REQ="$OUT/$(basename "$WHEEL")"
if [ ${#EXTRAS[@]} -gt 0 ]; then
  REQ="$REQ[$(IFS=,; echo "${EXTRAS[*]}")]"
fi
TARGET=()
if [ -n "$PYVER" ] || [ ${#PLATFORMS[@]} -gt 0 ]; then
  TARGET+=(--only-binary=:all: --implementation cp)
  [ -n "$PYVER" ] && TARGET+=(--python-version "$PYVER")
  for tag in "${PLATFORMS[@]}"; do TARGET+=(--platform "$tag"); done
fi
echo "downloading the runtime dependencies (${PYVER:-this Python}, ${PLATFORMS[*]:-this platform})"
"$BUILD/venv/bin/pip" download -q --dest "$OUT" "${TARGET[@]}" "$REQ"

echo "$OUT: $(ls "$OUT"/*.whl | wc -l) wheels, $(du -sh "$OUT" | cut -f1)"
echo "install with: pip install --no-index --find-links $OUT conv-playground"

if [ "$VERIFY" = 1 ]; then
  echo "verifying: a fresh venv installs from $OUT alone"
  "$PYTHON" -m venv "$BUILD/check"
  env -u PIP_FIND_LINKS -u PIP_INDEX_URL -u PIP_EXTRA_INDEX_URL -u PIP_CONSTRAINT \
    PIP_CONFIG_FILE=/dev/null "$BUILD/check/bin/pip" install -q --no-index --find-links "$OUT" \
    conv-playground
  (cd "$BUILD" && "$BUILD/check/bin/conv-playground" --version)
fi
