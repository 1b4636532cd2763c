"""The architecture registry and the builders agree; menus and the CLI read the registry."""

from __future__ import annotations

import pytest

from playground import nn
from playground.nn.registry import ARCHITECTURE_NAMES, bundled_architectures, display_name
from playground.paths import resource_path


def test_every_registered_architecture_builds_and_no_builder_is_unlisted():
    assert ARCHITECTURE_NAMES.keys() == tuple(nn.ARCHITECTURES)
    for key in ARCHITECTURE_NAMES:
        assert nn.build_model(key).name == key


def test_display_names_and_bundled_files():
    assert display_name("lenet5") == "LeNet-5" and display_name("custom") == "custom"
    assert bundled_architectures() == ("fcnn", "lenet5")
    for key in bundled_architectures():
        assert resource_path(f"{key}.npz").is_file()


def test_cli_model_choices_come_from_the_registry(capsys):
    from playground.cli import main

    with pytest.raises(SystemExit):
        main(["train", "--model", "resnet", "--save", "x.npz"])
    err = capsys.readouterr().err
    assert "'fcnn', 'lenet5-small', 'lenet5'" in err
