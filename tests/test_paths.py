"""Finding the bundled resources: installed package first, then a frozen bundle, then the source.

Each case lays out a fake installation in a temporary folder and asks a fresh interpreter (``-S``:
no site-packages, so the editable install of this checkout cannot answer instead) where the
resources are.
"""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from playground import paths

PACKAGE = Path(paths.__file__).resolve().parent


def _copy_package(site: Path) -> None:
    shutil.copytree(PACKAGE, site / "playground", ignore=shutil.ignore_patterns("__pycache__"))


def _resource_dir(site: Path, meipass: Path | None = None) -> Path:
    setup = f"import sys; sys._MEIPASS = {str(meipass)!r}; " if meipass else ""
    code = f"{setup}from playground.paths import resource_dir; print(resource_dir())"
    out = subprocess.run([sys.executable, "-S", "-c", code], cwd=site, capture_output=True,
                         text=True, check=True, env={"PYTHONPATH": str(site)})
    return Path(out.stdout.strip())


def _fake_resources(folder: Path) -> Path:
    folder.mkdir(parents=True)
    (folder / "__init__.py").write_text("")
    (folder / "mnist_5k.npz").write_bytes(b"digits")
    return folder


def test_an_unrelated_resources_folder_beside_the_package_is_ignored(tmp_path):
    site = tmp_path / "site-packages"
    _copy_package(site)
    installed = _fake_resources(site / "playground" / "resources")
    (site / "resources").mkdir()  # some other distribution's empty data folder
    assert _resource_dir(site) == installed


def test_the_frozen_bundle_data_folder_is_found(tmp_path):
    site = tmp_path / "bundle"
    _copy_package(site)  # a bundle whose playground package has no resources subpackage
    bundled = _fake_resources(site / "_internal" / "playground" / "resources")
    assert _resource_dir(site, meipass=site / "_internal") == bundled


def test_the_source_tree_is_the_last_resort(tmp_path):
    site = tmp_path / "checkout"
    _copy_package(site)
    source = _fake_resources(site / "resources")
    assert _resource_dir(site) == source


def test_this_checkout_finds_the_bundled_files():
    assert (paths.resource_dir() / "mnist_5k.npz").is_file()
    assert (paths.resource_dir() / "icons" / "conv-playground.svg").is_file()


def test_a_missing_resource_names_itself():
    with pytest.raises(FileNotFoundError, match=r"no-such-file\.npz"):
        paths.resource_path("no-such-file.npz")
