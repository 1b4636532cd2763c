"""Image-folder datasets: classes from sub-folders, grey or RGB, resizing, and every refusal."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image

from playground.data import (
    DataError,
    Digits,
    image_fit,
    load_dataset,
    load_image_folder,
    open_dataset,
)
from playground.data import folder as folder_mod
from playground.data.idx import write_idx
from tests.data.folders import colour_folder, grey_folder


def test_a_grey_folder_loads_like_mnist_with_class_names(tmp_path):
    root = grey_folder(tmp_path / "shapes", {"post": 6, "bar": 7})
    data, report = load_image_folder(root)
    assert data.images.shape == (13, 28, 28) and data.images.dtype == np.uint8
    assert data.class_names == ("bar", "post")  # sorted by name: bar is label 0
    assert data.class_counts().tolist() == [7, 6] and report.counts == (7, 6)
    assert report.channels == 1 and report.warnings == ()
    bar = data.images[data.labels == 0][0]
    assert bar[14, 4:24].min() > 100 and bar[4:10, 14].max() < 30  # horizontal, not vertical
    assert "2 classes, 13 images, grey" in report.summary()


def test_colour_is_kept_as_three_channels(tmp_path):
    root = colour_folder(tmp_path / "c")
    grey_folder(root, {"grey": 5})  # a grey class among colour ones
    data, report = load_image_folder(root)
    assert data.images.shape == (29, 3, 28, 28) and data.channels == 3
    red = data.images[data.labels == data.class_names.index("red")][0]
    assert red[0, 14, 14] > 150 and red[1, 14, 14] < 80  # the red blob is red
    g = data.images[data.labels == data.class_names.index("grey")][0]
    np.testing.assert_array_equal(g[0], g[1])  # grey images repeated into all channels
    assert any("5 of 29 images are grey" in w for w in report.warnings)
    np.testing.assert_array_equal(load_image_folder(root, channels=1)[0].images.shape,
                                  (29, 28, 28))


def test_odd_sizes_keep_their_aspect_padded_with_the_border_colour(tmp_path):
    sub = tmp_path / "f" / "tall"
    sub.mkdir(parents=True)
    img = np.full((90, 30), 200, np.uint8)  # light paper
    img[10:80, 10:20] = 0  # a dark stroke
    for i in range(5):
        Image.fromarray(img).save(sub / f"{i}.png")
    grey_folder(tmp_path / "f", {"post": 5})
    data, _ = load_image_folder(tmp_path / "f", size=(28, 28))
    x = data.images[data.labels == data.class_names.index("tall")][0]
    assert x[:, :9].min() >= 195 and x[:, -9:].min() >= 195  # padded with the paper's grey
    assert x[3:25, 14].max() < 60  # the stroke spans the height: scaled to 28 tall, not cropped
    wide, _ = load_image_folder(tmp_path / "f", size=(16, 40))
    assert wide.images.shape == (10, 16, 40)


def test_broken_non_image_and_nested_entries_are_skipped_and_reported(tmp_path):
    root = grey_folder(tmp_path / "j", {"bar": 6, "post": 6})
    (root / "bar" / "broken.png").write_bytes(b"\x89PNG\r\n\x1a\n" + b"\x00" * 40)
    (root / "bar" / "truncated.jpg").write_bytes(
        (root / "bar" / "1.png").read_bytes()[:30])
    Image.new("L", (8, 8)).save(root / "post" / "tiff-in-disguise.png", format="TIFF")
    (root / "post" / "readme.txt").write_text("not an image")
    (root / "post" / "nested").mkdir()
    Image.new("L", (8, 8)).save(root / "post" / "nested" / "deep.png")
    (root / ".hidden").mkdir()
    (root / "notes.md").write_text("junk at the top")
    data, report = load_image_folder(root)
    assert report.counts == (6, 6) and len(data) == 12
    assert {f for f, _why in report.skipped} == {"bar/broken.png", "bar/truncated.jpg",
                                                 "post/tiff-in-disguise.png"}
    assert report.n_ignored == 3  # readme.txt, nested/, notes.md
    text = report.summary()
    assert "skipped 3 unreadable files" in text and "bar/broken.png" in text
    assert "ignored 3 entries" in text


def test_a_huge_image_is_refused_from_its_header(tmp_path, monkeypatch):
    root = grey_folder(tmp_path / "h", {"bar": 5, "post": 5})
    Image.new("L", (300, 200)).save(root / "bar" / "huge.png")
    monkeypatch.setattr(image_fit, "MAX_PIXELS", 50_000)
    decoded = []
    real = image_fit._to_rgb
    monkeypatch.setattr(image_fit, "_to_rgb", lambda img: decoded.append(img.size) or real(img))
    _, report = load_image_folder(root)
    assert [f for f, _ in report.skipped] == ["bar/huge.png"]
    assert "300x200 pixels" in report.skipped[0][1]
    assert (300, 200) not in decoded  # refused before decoding


@pytest.mark.parametrize(("make", "match"), [
    (lambda p: p.write_text("x"), "not a folder"),
    (lambda p: None, "no such folder"),
    (lambda p: (p.mkdir(), Image.new("L", (9, 9)).save(p / "a.png")),
     "no class sub-folders; it holds 1 image file itself"),
    (lambda p: grey_folder(p, {"only": 6}), "only one class sub-folder"),
    (lambda p: (grey_folder(p, {"bar": 6, "post": 6}), (p / "empty").mkdir(),
                (p / "empty" / "x.txt").write_text("")), "'empty' holds no images"),
    (lambda p: grey_folder(p, {"bar": 6, "post": 3, "tee": 1}),
     r"at least 5 images; too few in 'post' \(3\), 'tee' \(1\)"),
])
def test_unusable_folders_are_refused_with_a_reason(tmp_path, make, match):
    path = tmp_path / "data"
    make(path)
    with pytest.raises(DataError, match=match):
        load_image_folder(path)


def test_a_class_of_only_broken_files_and_all_broken(tmp_path):
    root = grey_folder(tmp_path / "b", {"bar": 6})
    (root / "post").mkdir()
    for i in range(6):
        (root / "post" / f"{i}.png").write_bytes(b"garbage")
    with pytest.raises(DataError, match=r"no readable images in 'post' \(6 unreadable files"):
        load_image_folder(root)
    for f in (root / "bar").iterdir():
        f.write_bytes(b"garbage")
    with pytest.raises(DataError, match="none of the 12 image files could be read"):
        load_image_folder(root)


def test_imbalanced_classes_are_a_warning_with_counts(tmp_path):
    _, report = load_image_folder(grey_folder(tmp_path / "i", {"bar": 20, "post": 5}))
    assert report.warnings and "'bar' has 20 images, 'post' only 5 (4.0x)" in report.warnings[0]


def test_limits_are_checked_before_decoding(tmp_path, monkeypatch):
    root = grey_folder(tmp_path / "l", {"bar": 6, "post": 6})
    monkeypatch.setattr(folder_mod, "MAX_FILES", 10)
    with pytest.raises(DataError, match="more than 10 image files"):
        load_image_folder(root)
    monkeypatch.setattr(folder_mod, "MAX_FILES", 100)
    monkeypatch.setattr(folder_mod, "MAX_DATASET_BYTES", 12 * 3 * 28 * 28 - 1)
    with pytest.raises(DataError, match="would take"):
        load_image_folder(root)


def test_unfinished_work_opens_when_not_strict(tmp_path):
    root = grey_folder(tmp_path / "u", {"bar": 2})
    (root / "post").mkdir()
    data, report = load_image_folder(root, strict=False)
    assert data.class_names == ("bar", "post") and report.counts == (2, 0)


def test_save_and_reopen_is_exact(tmp_path):
    rng = np.random.default_rng(3)
    images = rng.integers(0, 256, (12, 28, 28), dtype=np.uint8)
    labels = np.repeat(np.arange(3, dtype=np.uint8), 4)
    data = Digits(images, labels, "drawn", ("A", "B", "circle"))
    folder_mod.save_image_folder(tmp_path / "saved", data)
    again, _ = load_image_folder(tmp_path / "saved", strict=False)
    assert again.class_names == ("A", "B", "circle")
    np.testing.assert_array_equal(again.images, images)
    np.testing.assert_array_equal(again.labels, labels)
    fewer = Digits(images[:4], labels[:4], "drawn", ("A",))  # classes removed since
    folder_mod.save_image_folder(tmp_path / "saved", fewer)
    assert sorted(p.name for p in (tmp_path / "saved").iterdir()) == ["A"]


@pytest.mark.parametrize("name", ["", " ", "a/b", "..", ".hidden", "x" * 41, "tab\there"])
def test_bad_label_names_are_refused(name):
    with pytest.raises(ValueError):
        folder_mod.check_label_name(name)


def test_datasets_are_told_apart_by_their_content(tmp_path):
    root = colour_folder(tmp_path / "pics", per_class=5)
    train, test, report = open_dataset(root)
    assert test is None and report.channels == 3 and train.class_names == ("blue", "green",
                                                                            "red")
    assert load_dataset(root)[0].images.shape == (15, 3, 28, 28)
    idx = tmp_path / "idx"
    idx.mkdir()
    for stem, n in (("train", 4), ("t10k", 2)):
        write_idx(idx / f"{stem}-images-idx3-ubyte", np.zeros((n, 28, 28), np.uint8))
        write_idx(idx / f"{stem}-labels-idx1-ubyte", np.zeros(n, np.uint8))
    train, test, report = open_dataset(idx)
    assert report is None and len(train) == 4 and len(test) == 2
    (tmp_path / "neither").mkdir()
    (tmp_path / "neither" / "file.txt").write_text("")
    with pytest.raises(DataError, match="neither a folder of IDX files"):
        open_dataset(tmp_path / "neither")
