"""MNIST-style preparation of drawings and photos, and reading image files."""

from __future__ import annotations

import numpy as np
import pytest
from PIL import Image, ImageDraw

from playground.data import (
    MNIST_CENTRE,
    DataError,
    image_to_digit_input,
    load_bundled,
    load_image_file,
    prepare_digit,
    to_mnist_style,
)


def _com(image: np.ndarray) -> tuple[float, float]:
    m = image.sum()
    return (image.sum(axis=1) @ np.arange(image.shape[0]) / m,
            image.sum(axis=0) @ np.arange(image.shape[1]) / m)


def _bbox(image: np.ndarray) -> tuple[int, int]:
    rows, cols = np.flatnonzero(image.any(axis=1)), np.flatnonzero(image.any(axis=0))
    return rows[-1] - rows[0] + 1, cols[-1] - cols[0] + 1


def _blob(shape=(120, 90)) -> np.ndarray:
    """An off-centre, lopsided scribble: a thick ring with a tail."""
    y, x = np.mgrid[: shape[0], : shape[1]]
    r = np.hypot(y - 30, x - 60)
    img = ((r > 12) & (r < 20)).astype(float)
    img[40:100, 70:76] = 1.0
    return img


@pytest.mark.parametrize("seed", range(5))
def test_centre_of_mass_and_box(seed):
    rng = np.random.default_rng(seed)
    img = np.zeros((rng.integers(40, 200), rng.integers(40, 200)))
    h, w = img.shape
    y0, x0 = rng.integers(0, h // 2), rng.integers(0, w // 2)
    img[y0: y0 + rng.integers(5, h // 2), x0: x0 + rng.integers(5, w // 2)] = 1.0
    img[y0: y0 + 3, x0: x0 + rng.integers(3, w // 2)] = 1.0
    out = to_mnist_style(img)
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert out.min() >= 0.0 and out.max() <= 1.0
    cy, cx = _com(out)
    assert abs(cy - MNIST_CENTRE[0]) <= 0.5 and abs(cx - MNIST_CENTRE[1]) <= 0.5
    assert max(_bbox(out)) == 20


def test_blob_is_centred_and_fits_20px():
    out = to_mnist_style(_blob())
    cy, cx = _com(out)
    assert abs(cy - 14.0) <= 0.5 and abs(cx - 14.0) <= 0.5
    assert max(_bbox(out)) <= 20


def test_aspect_ratio_is_kept():
    img = np.zeros((100, 100))
    img[10:70, 30:50] = 1.0  # 60 tall, 20 wide
    assert _bbox(to_mnist_style(img)) == (20, 7)
    img = np.zeros((50, 200))
    img[20:30, 10:190] = 1.0  # 10 tall, 180 wide
    assert _bbox(to_mnist_style(img)) == (1, 20)


def test_small_drawings_are_scaled_up():
    img = np.zeros((28, 28))
    img[2:7, 3:5] = 1.0
    out = to_mnist_style(img)
    assert _bbox(out) == (20, 8)


def test_blank_gives_zeros():
    assert not to_mnist_style(np.zeros((50, 40))).any()
    assert not to_mnist_style(np.zeros((28, 28), np.uint8)).any()
    assert not prepare_digit(np.ones((30, 30))).any()


def test_uint8_and_float_agree():
    img = (_blob() * 255).astype(np.uint8)
    np.testing.assert_allclose(to_mnist_style(img), to_mnist_style(img / 255.0), atol=1e-6)


def test_rejects_non_2d():
    with pytest.raises(ValueError, match="2-D"):
        to_mnist_style(np.zeros((3, 28, 28)))


def test_mnist_centre_is_where_mnist_puts_it():
    images = load_bundled().images[::10].astype(float)
    coms = np.array([_com(im) for im in images])
    np.testing.assert_allclose(coms.mean(axis=0), MNIST_CENTRE, atol=0.1)


def test_real_mnist_digits_come_back_almost_unchanged():
    digits = load_bundled()
    images = digits.images[::50].astype(np.float32) / 255
    again = np.stack([to_mnist_style(im) for im in images])
    assert np.abs(again - images).mean() < 0.02


def test_dark_on_light_is_inverted():
    white_on_black = _blob()
    a = prepare_digit(white_on_black)
    b = prepare_digit(1.0 - white_on_black)
    np.testing.assert_allclose(a, b, atol=1e-6)
    np.testing.assert_allclose(a, to_mnist_style(white_on_black), atol=1e-6)


def test_grey_paper_and_noise_are_removed():
    rng = np.random.default_rng(0)
    photo = 0.75 + 0.05 * rng.random((120, 90)) - 0.6 * _blob()
    out = prepare_digit(photo)
    assert max(_bbox(out)) <= 20
    clean = to_mnist_style(_blob())
    assert np.abs(out - clean).mean() < 0.05


def test_load_gray_png(tmp_path):
    array = np.arange(0, 240, dtype=np.uint8).reshape(12, 20)
    Image.fromarray(array).save(tmp_path / "g.png")
    img = load_image_file(tmp_path / "g.png")
    assert img.shape == (12, 20) and img.dtype == np.float32
    np.testing.assert_allclose(img, array / 255, atol=1e-6)


def test_load_rgb_png(tmp_path):
    array = np.zeros((10, 16, 3), np.uint8)
    array[..., 0] = 255  # pure red
    array[:, :8, 2] = 128
    Image.fromarray(array).save(tmp_path / "c.png")
    rgb = load_image_file(tmp_path / "c.png", rgb=True)
    assert rgb.shape == (3, 10, 16) and rgb.dtype == np.float32
    assert np.all(rgb[0] == 1.0) and np.all(rgb[1] == 0.0)
    np.testing.assert_allclose(rgb[2, :, :8], 128 / 255)
    gray = load_image_file(tmp_path / "c.png")
    assert gray.shape == (10, 16)
    assert 0.2 < gray[0, -1] < 0.4  # luminance of red ~ 0.3


def test_gray_file_read_as_rgb_has_three_equal_channels(tmp_path):
    Image.fromarray(np.full((4, 5), 100, np.uint8)).save(tmp_path / "g.png")
    rgb = load_image_file(tmp_path / "g.png", rgb=True)
    assert rgb.shape == (3, 4, 5) and np.all(rgb == rgb[0])


def test_transparent_background_becomes_white(tmp_path):
    rgba = np.zeros((8, 8, 4), np.uint8)
    rgba[2:6, 3:5] = (0, 0, 0, 255)  # black ink, transparent paper
    Image.fromarray(rgba).save(tmp_path / "t.png")
    img = load_image_file(tmp_path / "t.png")
    assert img[0, 0] == 1.0 and img[3, 3] == 0.0


def test_jpeg_and_16_bit_png(tmp_path):
    Image.fromarray(np.full((6, 6, 3), 200, np.uint8)).save(tmp_path / "p.jpg", quality=95)
    assert abs(float(load_image_file(tmp_path / "p.jpg").mean()) - 200 / 255) < 0.02
    deep = np.full((5, 5), 65535, np.uint16)
    deep[0, 0] = 0
    Image.fromarray(deep).save(tmp_path / "d.png")
    img = load_image_file(tmp_path / "d.png")
    assert img[0, 0] == 0.0 and img[1, 1] == pytest.approx(1.0)


def test_bad_files_raise_data_error(tmp_path):
    with pytest.raises(DataError, match="not found"):
        load_image_file(tmp_path / "absent.png")
    (tmp_path / "junk.png").write_bytes(b"this is not a picture")
    with pytest.raises(DataError, match=r"junk\.png"):
        load_image_file(tmp_path / "junk.png")
    Image.fromarray(np.zeros((64, 64), np.uint8)).save(tmp_path / "cut.png")
    data = (tmp_path / "cut.png").read_bytes()
    (tmp_path / "cut.png").write_bytes(data[: len(data) // 2])
    with pytest.raises(DataError, match=r"cut\.png"):
        load_image_file(tmp_path / "cut.png")
    with pytest.raises(DataError):
        load_image_file(tmp_path)  # a folder


def test_image_to_digit_input_from_a_photo_like_png(tmp_path):
    img = Image.new("L", (300, 400), 235)  # light paper
    draw = ImageDraw.Draw(img)
    draw.line([(80, 60), (220, 60), (120, 340)], fill=20, width=24)  # a dark "7"
    img.save(tmp_path / "seven.png")
    out = image_to_digit_input(tmp_path / "seven.png")
    assert out.shape == (28, 28) and out.dtype == np.float32
    assert out.max() == pytest.approx(1.0)
    assert out[0].max() == 0 and out[:, 0].max() == 0  # black background
    cy, cx = _com(out)
    assert abs(cy - 14.0) <= 0.5 and abs(cx - 14.0) <= 0.5
    assert out[4:10].sum() > out[18:24].sum()  # the bar of the 7 is at the top
