"""The corpus through the loaders and the command line: every input accepted sanely or refused
in one clear line; peak memory per input file under 1 GB.

The hand-made cases run in the default suite (seconds); ``pytest -m fuzz`` adds hundreds of
random mutations and measures every corpus file's peak memory, and prints the counts.
"""

from __future__ import annotations

import json
import os
import random
import subprocess
import sys
from pathlib import Path

import pytest

from tests.fuzz import corpus
from tests.fuzz.runners import Tally, try_cli, try_idx_file, try_image_file, try_model_file

KINDS = {
    "model": (corpus.model_corpus, try_model_file, ".npz"),
    "idx": (corpus.idx_corpus, try_idx_file, ""),
    "image": (corpus.image_corpus, try_image_file, ".png"),
}
FUZZ_N = int(os.environ.get("PLAYGROUND_FUZZ_N", "300"))
MEMORY_LIMIT = 1 << 30


def write_corpus(folder: Path, kind: str, n: int, seed: int = 0) -> list[Path]:
    """Writes one kind's corpus under ``folder/kind``; returns the files."""
    make, _, ext = KINDS[kind]
    out = folder / kind
    out.mkdir(parents=True, exist_ok=True)
    files = []
    for name, data in make(random.Random(seed), n):
        path = out / f"{name}{ext}"
        path.write_bytes(data)
        files.append(path)
    return files


def run_kind(files: list[Path], kind: str) -> Tally:
    tally = Tally()
    check = KINDS[kind][1]
    for path in files:
        outcome, detail = check(path)
        tally.add(path.name, outcome, detail)
    return tally


@pytest.fixture(scope="module")
def hand_made(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("corpus")
    for kind in KINDS:
        write_corpus(root, kind, 0)
    return root


def _report(tally: Tally, what: str) -> None:
    print(tally.line(what))
    assert not tally.bad, "\n".join(tally.bad)


@pytest.mark.parametrize("kind", list(KINDS))
def test_hand_made_corpus(hand_made, kind):
    files = sorted((hand_made / kind).iterdir())
    tally = run_kind(files, kind)
    _report(tally, kind)
    assert tally.counts["refused"] >= len(files) // 2  # the corpus is mostly hostile
    valid = [p for p in files if p.name.startswith("valid")]
    assert all(KINDS[kind][1](p)[0] == "ok" for p in valid)


def _cli_args(argv: list[str], root: Path, tmp: Path, model: Path, image: Path) -> list[str]:
    out = []
    for a in argv:
        if a.startswith("{file:"):
            kind, name = a[6:-1].split("/")
            a = str(root / kind / f"{name}{KINDS[kind][2]}")
        out.append(a.format(tmp=tmp, model=model, image=image))
    return out


def _run_cli_corpus(root: Path, tmp: Path, n: int) -> Tally:
    model = root / "model" / "valid.npz"
    image = root / "image" / "valid-digit.png"
    tally = Tally()
    for name, argv in corpus.cli_corpus(random.Random(1), n):
        outcome, detail = try_cli(_cli_args(argv, root, tmp, model, image))
        tally.add(name, outcome, detail)
    return tally


def test_hand_made_command_lines(hand_made, tmp_path):
    tally = _run_cli_corpus(hand_made, tmp_path, 0)
    _report(tally, "command lines")
    assert tally.counts["ok"] >= 1 and tally.counts["refused"] >= 30


# ------------------------------------------------------------------------------ peak memory
PEAK_CHILD = r"""
import json, sys
from pathlib import Path
sys.path.insert(0, sys.argv[1])
from tests.fuzz.runners import try_idx_file, try_image_file, try_model_file
check = {"model": try_model_file, "idx": try_idx_file, "image": try_image_file}
def hwm():
    for line in open("/proc/self/status"):
        if line.startswith("VmHWM:"):
            return int(line.split()[1]) * 1024
peaks = {}
for line in sys.stdin:
    kind, path = line.rstrip("\n").split("\t")
    with open("/proc/self/clear_refs", "w") as f:
        f.write("5")  # resets the peak resident size, so each file gets its own figure
    check[kind](Path(path))
    peaks[path] = hwm()
print(json.dumps(peaks))
"""


def peak_memory(files: list[tuple[str, Path]]) -> dict[str, int]:
    """Peak resident bytes while reading each file, in one child (the peak reset between)."""
    env = {**os.environ, "PLAYGROUND_BACKEND": "reference"}
    root = str(Path(__file__).resolve().parents[2])
    stdin = "".join(f"{k}\t{p}\n" for k, p in files)
    out = subprocess.run([sys.executable, "-c", PEAK_CHILD, root], input=stdin,
                         capture_output=True, text=True, env=env, timeout=3600)
    assert out.returncode == 0, out.stderr[-2000:]
    return json.loads(out.stdout.strip().splitlines()[-1])


needs_proc = pytest.mark.skipif(not Path("/proc/self/clear_refs").exists(),
                                reason="needs Linux's /proc/self/clear_refs")


@needs_proc
def test_peak_memory_of_the_bombs(hand_made):
    names = {"model": ["deflate-bomb", "huge-shape-1000000x1000000", "declared-size-bomb"],
             "idx": ["gz-bomb", "huge-declared", "gz-declared-huge"],
             "image": ["pixel-bomb-12000", "pixel-bomb-rgb-5000", "valid-wide"]}
    files = [(k, hand_made / k / f"{n}{KINDS[k][2]}") for k, ns in names.items() for n in ns]
    peaks = peak_memory(files)
    worst = max(peaks.values())
    print(f"peak memory of {len(peaks)} bombs: worst {worst / 2**20:.0f} MiB")
    assert worst < MEMORY_LIMIT, {p: v // 2**20 for p, v in peaks.items()}


# ------------------------------------------------------------------------------ the campaign
@pytest.mark.fuzz
def test_fuzz_campaign(tmp_path):
    """Hundreds of random mutations of every kind, the command lines, and every file's memory."""
    totals = Tally()
    files: list[tuple[str, Path]] = []
    for kind in KINDS:
        written = write_corpus(tmp_path, kind, FUZZ_N, seed=7)
        tally = run_kind(written, kind)
        print(tally.line(kind))
        totals.counts.update(tally.counts)
        totals.bad += tally.bad
        files += [(kind, p) for p in written if p.stat().st_size < 10 << 20]
    cli = _run_cli_corpus(tmp_path, tmp_path, FUZZ_N // 3)
    print(cli.line("command lines"))
    totals.counts.update(cli.counts)
    totals.bad += cli.bad
    if Path("/proc/self/clear_refs").exists():
        peaks = peak_memory(files)
        worst = max(peaks, key=peaks.get)
        print(f"peak memory over {len(peaks)} files under 10 MB: worst "
              f"{peaks[worst] / 2**20:.0f} MiB ({Path(worst).parent.name}/{Path(worst).name}), "
              f"median {sorted(peaks.values())[len(peaks) // 2] / 2**20:.0f} MiB")
        top = sorted(peaks, key=peaks.get, reverse=True)[:6]
        print("largest: " + ", ".join(f"{Path(p).parent.name}/{Path(p).name} "
                                      f"{peaks[p] / 2**20:.0f} MiB" for p in top))
        over = {p: v for p, v in peaks.items() if v >= MEMORY_LIMIT}
        assert not over, over
    print(totals.line("TOTAL"))
    assert not totals.bad, "\n".join(totals.bad[:50])
