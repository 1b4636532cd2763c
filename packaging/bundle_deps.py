"""What a Linux one-folder bundle needs from the system, read from its ELF files (stdlib only).

    python3 packaging/bundle_deps.py DIST_DIR             # report; exit 1 if a library is missing
    python3 packaging/bundle_deps.py DIST_DIR --depends   # the Debian Depends: value, one line

- the glibc floor: the highest ``GLIBC_x.y`` version among the symbols the bundle's ELF files
  import (``objdump -T``, undefined symbols only);
- the system libraries: every ``NEEDED`` entry (``objdump -p``) that no file in the bundle
  provides (PyInstaller leaves out glibc, libGL/libEGL, libxcb and Wayland's client libraries on
  purpose: they must match the system's graphics stack), resolved with ``ldconfig -p`` and mapped
  to the Debian package that owns the file with ``dpkg -S``.

A library that does not resolve on the build machine was also left out of the bundle by
PyInstaller (it could not find it), so that is reported as an error rather than guessed.
"""

from __future__ import annotations

import argparse
import os
import re
import subprocess
import sys
from pathlib import Path

EXTRA_DEPENDS = ("fontconfig-config", "fonts-dejavu-core")
"""Not libraries but needed: the bundled libfontconfig reads /etc/fonts/fonts.conf (from
fontconfig-config) and the bundle ships no fonts, so without a fonts package text shows as boxes."""

_GLIBC = re.compile(r"\bGLIBC_(\d+(?:\.\d+)+)\b")
_ELF_MAGIC = b"\x7fELF"


def elf_files(root: Path) -> list[Path]:
    """Every regular ELF file (executables, libraries, extension modules) below ``root``."""
    found = []
    for path in sorted(root.rglob("*")):
        if path.is_file() and not path.is_symlink():
            with path.open("rb") as fh:
                if fh.read(4) == _ELF_MAGIC:
                    found.append(path)
    return found


def _objdump(flag: str, path: Path) -> str:
    return subprocess.run(["objdump", flag, str(path)], capture_output=True, text=True,
                          check=False).stdout


def needed(path: Path) -> set[str]:
    """The ``NEEDED`` sonames of one ELF file."""
    return {line.split()[1] for line in _objdump("-p", path).splitlines()
            if line.strip().startswith("NEEDED")}


def glibc_floor(files: list[Path]) -> tuple[int, ...]:
    """The highest GLIBC symbol version any of ``files`` imports, e.g. (2, 29)."""
    best: tuple[int, ...] = (2, 2, 5)
    for path in files:
        for line in _objdump("-T", path).splitlines():
            if "*UND*" in line:
                for version in _GLIBC.findall(line):
                    best = max(best, tuple(int(v) for v in version.split(".")))
    return best


def system_libraries(root: Path, files: list[Path]) -> set[str]:
    """Sonames the bundle's files need that no file (or link) in the bundle provides."""
    provided = {p.name for p in root.rglob("*")}
    wanted: set[str] = set()
    for path in files:
        wanted |= needed(path)
    return wanted - provided


def resolve(soname: str) -> str | None:
    """The path the dynamic loader would use for ``soname`` on this machine (x86-64/aarch64 ABI
    of this Python), or None."""
    out = subprocess.run(["ldconfig", "-p"], capture_output=True, text=True, check=False).stdout
    arch = "x86-64" if os.uname().machine == "x86_64" else os.uname().machine
    for line in out.splitlines():
        name, _, rest = line.strip().partition(" (")
        if name == soname and arch in rest.split(")")[0]:
            return line.rsplit("=> ", 1)[1].strip()
    return None


def debian_package(path: str) -> str | None:
    """The Debian package owning ``path`` (tried as given, /usr-merged and resolved), or None."""
    real = os.path.realpath(path)
    for candidate in dict.fromkeys([path, "/usr" + path, real, re.sub("^/usr", "", real)]):
        out = subprocess.run(["dpkg", "-S", candidate], capture_output=True, text=True,
                             check=False)
        if out.returncode == 0:
            return out.stdout.split(":", 1)[0].strip()
    return None


def depends(libs: dict[str, str | None], floor: tuple[int, ...]) -> str:
    """The Depends: value: libc6 with the glibc floor, the owning packages, fonts."""
    packages = {debian_package(path) for path in libs.values() if path}
    packages.discard(None)
    packages.discard("libc6")
    version = ".".join(str(v) for v in floor)
    return ", ".join([f"libc6 (>= {version})", *sorted(packages), *EXTRA_DEPENDS])


def main(argv: list[str] | None = None) -> int:
    """Command-line entry: report (exit 1 when a library is missing) or print Depends."""
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("dist", type=Path, help="the bundle folder (dist/conv-playground)")
    parser.add_argument("--depends", action="store_true", help="print the Debian Depends value")
    args = parser.parse_args(argv)
    if not args.dist.is_dir():
        print(f"bundle_deps: error: {args.dist} is not a folder", file=sys.stderr)
        return 2
    files = elf_files(args.dist)
    libs = {name: resolve(name) for name in sorted(system_libraries(args.dist, files))}
    missing = [name for name, path in libs.items() if path is None]
    floor = glibc_floor(files)
    if missing:
        print(f"bundle_deps: error: not found on this machine, so not bundled either: "
              f"{', '.join(missing)} (install them and rebuild the bundle)", file=sys.stderr)
        return 1
    if args.depends:
        print(depends(libs, floor))
        return 0
    print(f"{len(files)} ELF files; glibc floor {'.'.join(map(str, floor))}; from the system: "
          + ", ".join(f"{name} ({debian_package(path) or '?'})" for name, path in libs.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main())
