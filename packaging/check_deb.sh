#!/usr/bin/env bash
# Proves the .deb in a bare Debian: installs it with apt (so Depends: must pull in everything the
# bundle needs), starts it as an ordinary user, then purges it and shows nothing is left.
#
#   sudo packaging/check_deb.sh [DEB]        (root: debootstrap, chroot, mount)
#
# DEB defaults to the newest dist/conv-playground_*.deb (packaging/build_deb.sh). The bare system
# is a `debootstrap --variant=minbase` of this machine's Debian release, made once into
# $CHECK_DEB_BASE (default build/debian-base; needs the Debian mirror, a few minutes) and copied
# to a fresh folder for every run. Inside, as user "student" with a fresh HOME and offscreen Qt:
# --version (both executables), --self-test, train --epochs 1 + eval, --screenshot, checked for
# real text against a no-fonts rendering (packaging/png_text_check.py, run here on the host).
# Exits 1 if any step failed.
set -uo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
[ "$(id -u)" = 0 ] || { echo "check_deb: needs root (debootstrap, chroot, mount)" >&2; exit 2; }
DEB=${1:-$(ls -t "$ROOT"/dist/conv-playground_*.deb 2> /dev/null | head -1)}
[ -f "$DEB" ] || { echo "check_deb: no .deb (run packaging/build_deb.sh first)" >&2; exit 2; }
DEB=$(realpath "$DEB")
BASE=${CHECK_DEB_BASE:-$ROOT/build/debian-base}
SUITE=$(. /etc/os-release && echo "${VERSION_CODENAME:-bookworm}")
MIRROR=${DEBIAN_MIRROR:-http://deb.debian.org/debian}
PY=${PYTHON:-$ROOT/build/bundle-venv/bin/python}
FAILURES=()
fail() { FAILURES+=("$1"); echo "  FAIL: $1"; }
now() { date +%s.%N; }
since() { awk -v a="$1" -v b="$(now)" 'BEGIN { printf "%.2f", b - a }'; }

if [ ! -x "$BASE/usr/bin/apt-get" ]; then
    command -v debootstrap > /dev/null || { echo "check_deb: apt-get install debootstrap" >&2; exit 1; }
    echo "== debootstrap $SUITE (minbase) into $BASE"
    t=$(now)
    debootstrap --variant=minbase "$SUITE" "$BASE" "$MIRROR" > "$ROOT/build/debootstrap.log" 2>&1 \
        || { tail -5 "$ROOT/build/debootstrap.log"; echo "check_deb: debootstrap failed" >&2; exit 1; }
    echo "  done in $(since "$t") s"
fi

R=$(mktemp -d "${TMPDIR:-/tmp}/check_deb.XXXXXX")
cleanup() {
    for m in dev/pts dev proc; do mountpoint -q "$R/$m" && umount "$R/$m"; done
    if [ "${#FAILURES[@]}" = 0 ]; then rm -rf "$R"; else echo "check_deb: chroot kept in $R"; fi
}
trap cleanup EXIT
echo "== fresh chroot $R (copy of $BASE)"
cp -a "$BASE/." "$R/"
cp /etc/resolv.conf "$R/etc/resolv.conf"
mount -t proc proc "$R/proc" && mount --bind /dev "$R/dev" && mount --bind /dev/pts "$R/dev/pts" \
    || { fail "mounting /proc, /dev in the chroot"; exit 1; }
in_root() { chroot "$R" env -i PATH=/usr/sbin:/usr/bin:/sbin:/bin DEBIAN_FRONTEND=noninteractive "$@"; }
echo "  $(in_root sh -c '. /etc/os-release; echo "$PRETTY_NAME"'), $(in_root dpkg-query -f '.\n' -W | wc -l) packages"

echo "== apt-get install ./$(basename "$DEB")"
cp "$DEB" "$R/tmp/"
t=$(now)
if in_root apt-get update -qq > "$R/tmp/apt.log" 2>&1 \
        && in_root apt-get install -y -q --no-install-recommends "/tmp/$(basename "$DEB")" >> "$R/tmp/apt.log" 2>&1; then
    echo "  installed in $(since "$t") s; pulled in: $(grep -o '^Setting up [^ ]*' "$R/tmp/apt.log" | awk '{print $3}' | sed 's/:.*//' | grep -v '^conv-playground' | sort | tr '\n' ' ')"
else
    tail -20 "$R/tmp/apt.log"; fail "apt-get install"; exit 1
fi
echo "  Depends: $(in_root dpkg-query -W -f '${Depends}' conv-playground)"
ls -l "$R/usr/bin/conv-playground" "$R/usr/bin/conv-playground-gui" | sed "s|$R||; s/^/  /"
desktop-file-validate "$R/usr/share/applications/conv-playground.desktop" \
    && echo "  /usr/share/applications/conv-playground.desktop: desktop-file-validate clean" \
    || fail "installed .desktop file missing or invalid"
for icon in scalable/apps/conv-playground.svg 48x48/apps/conv-playground.png; do
    [ -f "$R/usr/share/icons/hicolor/$icon" ] || fail "icon $icon missing"
done

echo "== as user student, fresh HOME, QT_QPA_PLATFORM=offscreen"
in_root useradd --create-home --shell /bin/sh student
as_student() {  # NAME CMD... : runs CMD in /home/student as student, prints rc, time, last line
    local name=$1 t rc; shift
    t=$(now)
    chroot --userspec=student:student "$R" env -i PATH=/usr/bin:/bin HOME=/home/student \
        LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen sh -c 'cd "$HOME" && exec "$@"' sh "$@" \
        > "$R/tmp/$name.log" 2>&1; rc=$?
    printf '  %-28s rc=%s %6s s  %s\n' "$name" "$rc" "$(since "$t")" \
        "$(grep -v propagateSizeHints "$R/tmp/$name.log" | tail -1 | cut -c1-90)"
    if [ "$rc" != 0 ]; then tail -15 "$R/tmp/$name.log" | sed 's/^/      /'; fail "$name exited with $rc"; fi
}
as_student version conv-playground --version
as_student gui-version conv-playground-gui --version
as_student screenshot conv-playground --screenshot shot.png
as_student self-test conv-playground --self-test
as_student train conv-playground train --epochs 1 --save m.npz
as_student eval conv-playground eval m.npz
as_student second-start conv-playground --screenshot shot2.png
printf '<?xml version="1.0"?>\n<!DOCTYPE fontconfig SYSTEM "fonts.dtd">\n<fontconfig><cachedir>/tmp/nofonts-cache</cachedir></fontconfig>\n' \
    > "$R/tmp/nofonts.conf"
as_student nofonts-twin env FONTCONFIG_FILE=/tmp/nofonts.conf conv-playground --screenshot nofonts.png
if out=$("$PY" packaging/png_text_check.py "$R/home/student/shot.png" "$R/home/student/nofonts.png"); then
    echo "  $out"
else
    fail "$out"
fi
mkdir -p "$ROOT/build/check_deb" && cp "$R/home/student/shot.png" "$ROOT/build/check_deb/shot.png" \
    && echo "  screenshot copied to build/check_deb/shot.png"
echo "  Numba cache: $(cd "$R/home/student" && find . -name '*.nbi' -printf '%h\n' | sort -u | tr '\n' ' ')"
# root runs too (a teacher trying it with sudo): that must not leave files in /opt that purge misses
in_root env HOME=/root LANG=C.UTF-8 QT_QPA_PLATFORM=offscreen conv-playground eval /home/student/m.npz \
    > "$R/tmp/root-eval.log" 2>&1 || fail "eval as root"

echo "== apt-get purge conv-playground"
if in_root apt-get purge -y -q conv-playground > "$R/tmp/purge.log" 2>&1; then
    echo "  purged"
else
    tail -10 "$R/tmp/purge.log"; fail "apt-get purge"
fi
left=$(cd "$R" && ls -d opt/* usr/bin/conv-playground* usr/share/applications/conv-playground* \
    usr/share/icons/hicolor/*/apps/conv-playground* usr/share/doc/conv-playground 2> /dev/null)
echo "  /opt now: [$(ls -A "$R/opt" 2> /dev/null)]; /usr/bin/conv-playground*: [$(ls "$R"/usr/bin | grep conv-playground)]"
[ -z "$left" ] || fail "left after purge: $left"
in_root dpkg-query -W conv-playground > /dev/null 2>&1 && fail "dpkg still knows conv-playground"

echo "== result"
if [ "${#FAILURES[@]}" = 0 ]; then
    echo "check_deb: all checks passed ($(basename "$DEB") in a bare Debian $SUITE)"
else
    printf '  - %s\n' "${FAILURES[@]}"
    echo "check_deb: ${#FAILURES[@]} check(s) FAILED"
    exit 1
fi
