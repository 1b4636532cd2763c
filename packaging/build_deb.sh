#!/usr/bin/env bash
# Wraps the PyInstaller bundle (dist/conv-playground, from packaging/check_bundle.sh) in a .deb:
#
#   /opt/conv-playground/                      the bundle, unchanged
#   /usr/bin/conv-playground{,-gui}            links to its two executables
#   /usr/share/applications/conv-playground.desktop   (checked with desktop-file-validate)
#   /usr/share/icons/hicolor/{scalable,NxN}/apps/conv-playground.{svg,png}
#   /usr/share/doc/conv-playground/copyright  MIT licence and the MNIST notice
#
# Depends: is computed from the bundle by packaging/bundle_deps.py: libc6 (>= the highest GLIBC_
# symbol version the ELF files import), the packages owning the libraries the bundle needs but
# does not ship (dpkg -S on this machine), and fontconfig-config + fonts-dejavu-core (the bundle
# ships libfontconfig but no fonts). No maintainer scripts: Debian's desktop-file-utils and
# hicolor icon cache triggers fire on the installed paths by themselves.
#
#   packaging/build_deb.sh [DIST_DIR]   ->  dist/conv-playground_<version>_<arch>.deb
#   DEB_MAINTAINER="Name <mail>" overrides the Maintainer field; DEB_COMPRESS=zstd builds in
#   seconds instead of minutes (~180 MB instead of ~130 MB; dpkg >= 1.21.18, Ubuntu >= 21.10).
set -euo pipefail
cd "$(dirname "$0")/.."
ROOT=$PWD
DIST=${1:-$ROOT/dist/conv-playground}
PKG=conv-playground
MAINTAINER=${DEB_MAINTAINER:-Convolution Playground developers <maintainers@conv-playground.invalid>}
for tool in dpkg-deb dpkg desktop-file-validate objdump; do
    command -v "$tool" > /dev/null || { echo "build_deb: $tool is missing (apt-get install dpkg-dev desktop-file-utils binutils)" >&2; exit 1; }
done
[ -x "$DIST/$PKG" ] && [ -x "$DIST/$PKG-gui" ] \
    || { echo "build_deb: no bundle in $DIST (run packaging/check_bundle.sh first)" >&2; exit 1; }

t0=$(date +%s)
VERSION=$("$DIST/$PKG" --version | awk '{print $2}')
ARCH=$(dpkg --print-architecture)
DEPENDS=$(python3 packaging/bundle_deps.py "$DIST" --depends)
desktop-file-validate packaging/linux/$PKG.desktop

STAGE=$ROOT/build/deb/${PKG}_${VERSION}_$ARCH
rm -rf "$STAGE"
mkdir -p "$STAGE/DEBIAN" "$STAGE/opt" "$STAGE/usr/bin" "$STAGE/usr/share/applications" \
    "$STAGE/usr/share/doc/$PKG" "$STAGE/usr/share/icons/hicolor/scalable/apps"
cp -a "$DIST" "$STAGE/opt/$PKG"
ln -s "/opt/$PKG/$PKG" "$STAGE/usr/bin/$PKG"
ln -s "/opt/$PKG/$PKG-gui" "$STAGE/usr/bin/$PKG-gui"
install -m 644 packaging/linux/$PKG.desktop "$STAGE/usr/share/applications/"
install -m 644 resources/icons/$PKG.svg "$STAGE/usr/share/icons/hicolor/scalable/apps/"
for png in resources/icons/$PKG-*.png; do
    size=${png##*-}; size=${size%.png}
    install -D -m 644 "$png" "$STAGE/usr/share/icons/hicolor/${size}x${size}/apps/$PKG.png"
done
{ echo "Convolution Playground $VERSION"; echo; cat LICENSE; echo; cat NOTICE-MNIST.md; } \
    > "$STAGE/usr/share/doc/$PKG/copyright"
chmod -R u+rwX,go+rX,go-w "$STAGE"

cat > "$STAGE/DEBIAN/control" <<EOF
Package: $PKG
Version: $VERSION
Architecture: $ARCH
Maintainer: $MAINTAINER
Installed-Size: $(du -sk --exclude=DEBIAN "$STAGE" | cut -f1)
Depends: $DEPENDS
Section: education
Priority: optional
Homepage: https://github.com/conv-playground/conv-playground
Description: draw a digit, edit kernels and watch a CNN see it, live
 Convolution Playground teaches convolutional neural networks: draw a digit
 or open an image, edit convolution kernels, padding, stride and pooling, and
 see every feature map update as you type; train LeNet-5 and watch it learn.
 .
 A self-contained build (Python, Qt, NumPy and Numba inside /opt/$PKG).
 Commands: $PKG-gui (the window) and $PKG (command line: train, eval,
 predict, bench, --self-test).
EOF

mkdir -p "$ROOT/dist"
OUTPUT=$ROOT/dist/${PKG}_${VERSION}_$ARCH.deb
dpkg-deb --root-owner-group "-Z${DEB_COMPRESS:-xz}" --build "$STAGE" "$OUTPUT" > /dev/null
echo "build_deb: $(basename "$OUTPUT"): $(du -h "$OUTPUT" | cut -f1), installed $(( $(du -sk --exclude=DEBIAN "$STAGE" | cut -f1) / 1024 )) MiB, built in $(( $(date +%s) - t0 )) s"
echo "  Depends: $DEPENDS"
