"""``conv-playground export``: the written files, and one-line errors with exit code 2."""

from __future__ import annotations

import errno
import sys

import pytest

from playground import fileio
from playground.cli import main
from playground.nn.arch import build_from_arch
from playground.nn.archtext import parse_arch
from playground.paths import resource_path

LENET5 = str(resource_path("lenet5.npz"))


def _one_line_error(capsys, code: int, *words: str) -> str:
    out, err = capsys.readouterr()
    assert code == 2 and out == ""
    lines = err.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("conv-playground: error: "), err
    for word in words:
        assert word in lines[0], lines[0]
    return lines[0]


def test_pytorch_script_of_the_bundled_model(tmp_path, capsys):
    out = tmp_path / "lenet5.py"
    assert main(["export", LENET5, "--to", "pytorch", str(out)]) == 0
    err = capsys.readouterr().err
    assert f"wrote {out} (pytorch, lenet5, 61,706 parameters" in err
    source = out.read_text()
    compile(source, str(out), "exec")
    assert "def load_model()" in source and "import playground" not in source


def test_the_format_comes_from_the_suffix(tmp_path, capsys):
    assert main(["export", LENET5, str(tmp_path / "m.py")]) == 0
    assert "(pytorch," in capsys.readouterr().err
    code = main(["export", LENET5, str(tmp_path / "m.bin")])
    _one_line_error(capsys, code, "cannot tell the format", "--to")


def test_a_designed_model_of_colour_inputs_exports(tmp_path, capsys):
    arch = parse_arch("input 3x16x16\nclasses 3\nconv 4 3x3 same\nrelu\nflatten\ndense 3")
    model_path = tmp_path / "colour.npz"
    build_from_arch(arch, seed=1, backend="reference").save(model_path)
    out = tmp_path / "colour.py"
    assert main(["export", str(model_path), "--to", "pytorch", str(out)]) == 0
    assert "INPUT_SHAPE = (3, 16, 16)" in out.read_text()


def test_onnx_file(tmp_path, capsys):
    onnx = pytest.importorskip("onnx")
    out = tmp_path / "lenet5.onnx"
    assert main(["export", LENET5, "--to", "onnx", str(out)]) == 0
    onnx.checker.check_model(onnx.load(str(out)), full_check=True)


def test_onnx_without_the_package_is_one_line(tmp_path, capsys, monkeypatch):
    monkeypatch.setitem(sys.modules, "onnx", None)
    code = main(["export", LENET5, "--to", "onnx", str(tmp_path / "m.onnx")])
    _one_line_error(capsys, code, "needs the onnx package", "pip install")
    assert not (tmp_path / "m.onnx").exists()


def test_unknown_format(tmp_path, capsys):
    code = main(["export", LENET5, "--to", "tensorflow", str(tmp_path / "m.py")])
    _one_line_error(capsys, code, "unknown export format 'tensorflow'", "pytorch, onnx")


@pytest.mark.parametrize("make, words", [
    (lambda d: d / "missing.npz", ("does not exist",)),
    (lambda d: d, ("is a folder",)),
    (lambda d: (d / "x.npz").write_bytes(b"PK\x03\x04garbage") and d / "x.npz",
     ("truncated or not a model file",)),
    (lambda d: (d / "t.npz").write_text("hello") and d / "t.npz", ("not a model file",)),
])
def test_bad_model_files(tmp_path, capsys, make, words):
    code = main(["export", str(make(tmp_path)), "--to", "pytorch", str(tmp_path / "o.py")])
    _one_line_error(capsys, code, *words)
    assert not (tmp_path / "o.py").exists()


def test_unwritable_out_and_a_full_disk_keep_the_old_file(tmp_path, capsys, monkeypatch):
    code = main(["export", LENET5, "--to", "pytorch", str(tmp_path / "nope" / "m.py")])
    _one_line_error(capsys, code, "cannot write", "does not exist")
    code = main(["export", LENET5, "--to", "pytorch", str(tmp_path)])
    _one_line_error(capsys, code, "it is a folder")
    old = tmp_path / "m.py"
    old.write_text("# old\n")

    def full_disk(_fd):
        raise OSError(errno.ENOSPC, "No space left on device")

    monkeypatch.setattr(fileio.os, "fsync", full_disk)
    code = main(["export", LENET5, "--to", "pytorch", str(old)])
    _one_line_error(capsys, code, "No space left on device")
    assert old.read_text() == "# old\n"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["m.py"]  # no temporary file left
