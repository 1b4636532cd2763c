"""Property tests over the engine's public API with malformed shapes, dtypes and settings.

Every call goes to the cpu backend and to the reference backend. Both must refuse it with a
ValueError or TypeError that has a message, or both must return the same result (within float32
rounding): never another exception, never a crash, never garbage. A short run is in the default
suite; ``pytest -m fuzz`` runs many more examples and prints the counts.
"""

from __future__ import annotations

import os
import warnings
from collections import Counter

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from playground import engine

DTYPES = ["float32", "float64", "float16", "int32", "uint8", "bool", "complex64", "object", ">f4"]
TALLY: Counter = Counter()
BAD: list[str] = []


def _cast(a: np.ndarray, dtype: str, noncontig: bool) -> np.ndarray:
    with warnings.catch_warnings(), np.errstate(all="ignore"):
        warnings.simplefilter("ignore")
        out = np.asarray(a).astype(dtype)  # a 0-d result stays an array
    if noncontig and out.ndim >= 1 and out.shape[-1] > 1:
        out = np.repeat(out, 2, axis=-1)[..., ::2]  # same values, a strided view
    return out


@st.composite
def arrays(draw, shape=None, *, any_dtype: bool = True):
    """An array of ``shape`` (or a random one), usually float32, sometimes odd or non-finite."""
    if shape is None:
        shape = tuple(draw(st.lists(st.integers(0, 5), min_size=0, max_size=5)))
    n = int(np.prod(shape, dtype=np.int64))
    seed = draw(st.integers(0, 2**32 - 1))
    a = np.random.default_rng(seed).standard_normal(n).reshape(shape) * draw(
        st.sampled_from([1.0, 3.0, 1e3]))
    if n and draw(st.integers(0, 19)) == 0:
        a.flat[draw(st.integers(0, n - 1))] = draw(st.sampled_from([np.nan, np.inf, -np.inf]))
    dtype = draw(st.sampled_from(DTYPES)) if any_dtype and draw(st.booleans()) else "float32"
    return _cast(a, dtype, draw(st.integers(0, 4)) == 0)


def _perturb(draw, shape: tuple[int, ...]) -> tuple[int, ...]:
    """The shape, or (sometimes) one axis off by one, or an axis added or dropped."""
    choice = draw(st.integers(0, 11))
    if choice == 0 and shape:
        i = draw(st.integers(0, len(shape) - 1))
        return (*shape[:i], max(0, shape[i] + draw(st.sampled_from([-1, 1]))), *shape[i + 1:])
    if choice == 1:
        return shape[1:] if shape else (1,)
    if choice == 2:
        return (1, *shape)
    return shape


strides = st.one_of(st.just(1), st.just(1), st.integers(1, 3), st.integers(-1, 3),
                    st.tuples(st.integers(0, 3), st.integers(1, 3)),
                    st.sampled_from(["2", 1.5, None, True, (1, 2, 3)]))
paddings = st.one_of(st.just(0), st.just("same"), st.integers(0, 2), st.integers(-1, 3),
                     st.sampled_from(["same", "valid", "SAME", "bogus"]),
                     st.tuples(st.integers(0, 2), st.integers(0, 2)),
                     st.tuples(st.integers(0, 2), st.integers(0, 2), st.integers(0, 2),
                               st.integers(-1, 2)), st.just(2.5))
sizes = st.one_of(st.just(2), st.integers(1, 3), st.integers(-1, 4),
                  st.tuples(st.integers(0, 3), st.integers(1, 3)), st.just("2"))


@st.composite
def conv_call(draw, backward: bool = False):
    n, c, k = draw(st.integers(0, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 3))
    h, w, fh, fw = (draw(st.integers(1, 7)) for _ in range(4))
    x = draw(arrays(_perturb(draw, (n, c, h, w))))
    wt = draw(arrays(_perturb(draw, (k, c, fh, fw))))
    stride, padding = draw(strides), draw(paddings)
    if backward:
        ho, wo = max(h - fh + 1, 0), max(w - fw + 1, 0)
        dy = draw(arrays(_perturb(draw, (n, k, ho, wo))))
        return "conv2d_backward", (x, wt, dy), {"stride": stride, "padding": padding}
    b = draw(st.one_of(st.none(), arrays(_perturb(draw, (k,)))))
    return "conv2d", (x, wt, b), {"stride": stride, "padding": padding}


@st.composite
def pool_call(draw, op: str):
    n, c, h, w = (draw(st.integers(0, 3)), draw(st.integers(1, 3)), draw(st.integers(1, 7)),
                  draw(st.integers(1, 7)))
    x = draw(arrays(_perturb(draw, (n, c, h, w))))
    size = draw(sizes)
    stride = draw(st.one_of(st.none(), strides))
    if op.endswith("backward"):
        s = size if isinstance(size, int) and size > 0 else 2
        dy = draw(arrays(_perturb(draw, (n, c, max(h - s, 0) // s + 1, max(w - s, 0) // s + 1))))
        return op, (x, dy, size, stride), {}
    return op, (x, size, stride), {}


@st.composite
def dense_call(draw, op: str):
    n, f, o = draw(st.integers(0, 4)), draw(st.integers(0, 5)), draw(st.integers(1, 4))
    x = draw(arrays(_perturb(draw, (n, f))))
    w = draw(arrays(_perturb(draw, (o, f))))
    if op == "linear":
        return op, (x, w, draw(st.one_of(st.none(), arrays(_perturb(draw, (o,)))))), {}
    return op, (x, w, draw(arrays(_perturb(draw, (n, o))))), {}


@st.composite
def other_call(draw):
    op = draw(st.sampled_from(["relu", "relu_backward", "softmax", "softmax_cross_entropy",
                               "conv1d", "feature_maps"]))
    if op == "relu":
        return op, (draw(arrays()),), {}
    if op == "relu_backward":
        x = draw(arrays())
        return op, (x, draw(arrays(_perturb(draw, x.shape)))), {}
    if op == "softmax":
        return op, (draw(arrays(_perturb(draw, (draw(st.integers(0, 4)),
                                                 draw(st.integers(0, 6)))))),), {}
    if op == "softmax_cross_entropy":
        n, c = draw(st.integers(0, 4)), draw(st.integers(0, 6))
        z = draw(arrays(_perturb(draw, (n, c))))
        labels = np.array(draw(st.lists(st.integers(-2, 8), min_size=n, max_size=n)))
        if draw(st.integers(0, 5)) == 0:
            labels = labels.astype(draw(st.sampled_from(["float64", "uint8", "object"])))
        return op, (z, labels), {}
    if op == "conv1d":
        x = draw(arrays(_perturb(draw, (draw(st.integers(1, 3)), draw(st.integers(1, 9))))))
        w = draw(arrays(_perturb(draw, (draw(st.integers(1, 4)),))))
        return op, (x, w), {"stride": draw(strides), "padding": draw(paddings)}
    img = draw(arrays(_perturb(draw, (draw(st.integers(1, 2)), draw(st.integers(1, 9)),
                                      draw(st.integers(1, 9))))))
    w = draw(arrays(_perturb(draw, (draw(st.integers(1, 3)), img.shape[0] if img.ndim else 1,
                                    3, 3))))
    return op, (img, w), {"stride": draw(strides), "padding": draw(paddings),
                          "activation": draw(st.sampled_from(["relu", "none", "tanh"])),
                          "pool": draw(st.sampled_from(["max", "avg", "none", "min"])),
                          "pool_size": draw(sizes)}


calls = st.one_of(conv_call(), conv_call(True), dense_call("linear"),
                  dense_call("linear_backward"), other_call(),
                  *(pool_call(op) for op in ("max_pool2d", "avg_pool2d", "max_pool2d_backward",
                                             "avg_pool2d_backward")))


def _outcome(op: str, args, kwargs, backend: str):
    try:
        with np.errstate(all="ignore"):
            return "ok", getattr(engine, op)(*args, **kwargs, backend=backend)
    except (ValueError, TypeError) as exc:
        return ("refused", str(exc)) if str(exc) else ("bad", f"{type(exc).__name__} no message")
    except Exception as exc:
        return "bad", f"{type(exc).__name__}: {exc}"


def _flat(result) -> list[np.ndarray]:
    if isinstance(result, engine.FeatureMaps):
        result = (result.conv, result.activated, result.pooled)
    if not isinstance(result, tuple):
        result = (result,)
    return [np.asarray(r) for r in result if r is not None]


def _same(a, b) -> bool:
    fa, fb = _flat(a), _flat(b)
    if len(fa) != len(fb):
        return False
    for x, y in zip(fa, fb, strict=True):
        if x.shape != y.shape or x.dtype != y.dtype:
            return False
        if x.size:
            scale = max(1.0, float(np.abs(y.astype(np.float64)).max()))
            if not np.allclose(x, y, rtol=1e-3, atol=1e-4 * scale):
                return False
    return True


def check_call(call) -> str:
    """Runs one call on cpu and reference; returns ``ok``/``refused``/``bad`` (and records it)."""
    op, args, kwargs = call
    cpu, ref = _outcome(op, args, kwargs, "cpu"), _outcome(op, args, kwargs, "reference")
    if "bad" in (cpu[0], ref[0]):
        verdict = "bad"
        BAD.append(f"{op}: cpu {cpu[1]!s:.120} / reference {ref[1]!s:.120}")
    elif cpu[0] != ref[0]:
        verdict = "bad"
        BAD.append(f"{op}: cpu {cpu[0]} but reference {ref[0]} ({(cpu[1], ref[1])!s:.200})")
    elif cpu[0] == "ok" and not _same(cpu[1], ref[1]):
        verdict = "bad"
        BAD.append(f"{op}: cpu and reference differ on {[np.shape(a) for a in args]}")
    else:
        verdict = cpu[0]
    TALLY[verdict] += 1
    return verdict


PROFILE = {"deadline": None, "suppress_health_check": list(HealthCheck), "database": None}


@settings(max_examples=150, derandomize=True, **PROFILE)
@given(calls)
def test_engine_calls_are_refused_cleanly_or_right(call):
    assert check_call(call) != "bad", BAD[-1]


@pytest.mark.fuzz
@settings(max_examples=int(os.environ.get("PLAYGROUND_FUZZ_ENGINE", "20000")), **PROFILE)
@given(calls)
def test_engine_fuzz_campaign(call):
    check_call(call)


@pytest.mark.fuzz
def test_engine_fuzz_campaign_counts():
    """Runs after the campaign (same module, file order): prints and checks its counts."""
    print(f"engine calls: tried {sum(TALLY.values())} / answered right {TALLY['ok']} / "
          f"refused cleanly {TALLY['refused']} / bad {TALLY['bad']}")
    assert TALLY["bad"] == 0, "\n".join(BAD[:30])
