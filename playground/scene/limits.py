"""The Playground's limits and names: the one place the scene, the state and the widgets read.

Sizes are checked against these before anything is allocated or computed (a saved padding of 5000
once stalled start-up for an hour).
"""

from __future__ import annotations

from playground.engine.registry import ACTIVATIONS as _ACTIVATIONS
from playground.engine.registry import POOLS as _POOLS

MAX_KERNEL = 11
"""Largest kernel side (rows or columns)."""
MAX_KERNELS = 16
"""Most kernels (filters) in the layer."""
MAX_CHANNELS = 3
"""Most input channels (RGB)."""
MAX_INPUT_SIDE = 512
"""Largest input height or width."""
MAX_PADDING = 20
"""Largest custom zero padding per side."""
MAX_STRIDE = 10
"""Largest convolution stride."""
MAX_POOL = 10
"""Largest pooling window side and pooling stride."""
MAX_DILATION = 4
"""Largest convolution dilation (taps up to 4 cells apart)."""
MAX_JSON_CHARS = 16_000_000
"""Longest scene text :func:`loads` parses (a 3x512x512 input with 16 digits a number fits)."""

PADDING_MODES = ("valid", "same", "custom")
ACTIVATIONS = _ACTIVATIONS.keys()
"""Activation names (the engine's registry)."""
POOLS = _POOLS.keys()
"""Pooling kinds (the engine's registry)."""
INPUT_KINDS = ("drawing", "digit", "image", "rgb", "matrix", "vector")
"""What the input is: the canvas drawing, an MNIST digit, an image file (grey or RGB), the
lecture's matrix A or its 1-D vector."""
VIEWS = ("step-2d", "output-size", "step-1d", "channels", "cost", "symbolic")
"""The Playground's lower views (step-through, output size, 1-D, colour channels, cost, the
symbolic ``c_ij = a·w + …``)."""
BACKENDS = ("auto", "reference", "cpu", "cuda")
