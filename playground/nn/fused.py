"""The training fast path: conv -> ReLU -> max pool run as one fused block where the backend can.

A backend with ``conv_relu_maxpool`` (the cpu backend) computes the three layers' forward in two
compiled passes and their backward (pool, ReLU and convolution) with no intermediate gradient
arrays; the ReLU's output, which the backward needs, lives in a buffer the block keeps from step
to step (remade only when the batch's shape changes). The layers stay separate objects, so names,
weights, summaries and ``forward_trace`` are unchanged; only training forwards take this path.
"""

from __future__ import annotations

from playground.nn.layers import Conv2d, Layer, MaxPool2d, ReLU


class FusedBlock:
    """Runs ``layers[start:start+3]`` (Conv2d, ReLU, MaxPool2d) through the backend's fused ops."""

    __slots__ = ("act", "conv", "dact", "dx", "inner", "pool", "pooled", "x")

    def __init__(self, conv: Conv2d, pool: MaxPool2d, inner: bool) -> None:
        self.conv, self.pool = conv, pool
        self.inner = inner
        """True when layers follow: its output and input gradient stay inside one step, so
        their buffers can be reused too (the network's own output is always a fresh array)."""
        self.x = self.act = self.dact = self.pooled = self.dx = None

    def forward(self, x):
        conv, pool = self.conv, self.pool
        pooled, self.act = conv.be.conv_relu_maxpool(
            x, conv.weight.data, conv.bias.data, conv.geometry, pool.size, pool.stride, self.act,
            self.pooled if self.inner else None)
        if self.inner:
            self.pooled = pooled
        self.x = x
        return pooled

    def backward(self, dpool):
        conv, pool = self.conv, self.pool
        if self.x is None:
            raise RuntimeError(f"{conv.name}: backward without a training forward")
        if self.dact is None or self.dact.shape != self.act.shape:
            self.dact = conv.be.zeros(tuple(self.act.shape))
        dx, conv.weight.grad, conv.bias.grad = conv.be.conv_relu_maxpool_backward(
            self.x, conv.weight.data, self.act, dpool, conv.geometry, pool.size, pool.stride,
            conv.need_input_grad, self.dact, self.dx)
        if dx is not None:
            self.dx = dx  # consumed by the layer before within this backward pass
        self.x = None
        return dx

    def clear(self) -> None:
        self.x = self.act = self.dact = self.pooled = self.dx = None


def fused_blocks(layers: list[Layer], be) -> dict[int, FusedBlock]:
    """``{start index: block}`` for every Conv2d, ReLU, MaxPool2d run when ``be`` fuses them."""
    if not hasattr(be, "conv_relu_maxpool"):
        return {}
    out, i = {}, 0
    while i + 2 < len(layers):
        a, b, c = layers[i:i + 3]
        if isinstance(a, Conv2d) and type(b) is ReLU and isinstance(c, MaxPool2d):
            out[i] = FusedBlock(a, c, inner=i + 3 < len(layers))
            i += 3
        else:
            i += 1
    return out
