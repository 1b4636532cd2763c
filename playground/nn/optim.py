"""Optimizers that update parameters in place through the backend's fused update ops.

``SGD`` is PyTorch's SGD (``v = m*v + g + wd*p; p -= lr*v``). ``Adam`` is PyTorch's Adam; its
``weight_decay`` is decoupled (AdamW style: ``p -= lr*wd*p`` before the Adam step), done with the
backend's ``sgd_update`` on a zero gradient so it too never leaves the device.
"""

from __future__ import annotations

from collections.abc import Sequence

from playground.nn.layers import Param


class Optimizer:
    """Holds the parameters, one state buffer set per parameter, and the learning rate."""

    def __init__(self, params: Sequence[Param], be, lr: float) -> None:
        if not lr > 0:
            raise ValueError(f"learning rate must be > 0, got {lr}")
        self.params = list(params)
        self.be = be
        self.lr = float(lr)

    def _buffers(self) -> list:
        return [self.be.zeros(tuple(p.data.shape)) for p in self.params]

    def step(self) -> None:  # pragma: no cover - abstract
        raise NotImplementedError


class SGD(Optimizer):
    """Stochastic gradient descent with momentum and L2 weight decay."""

    def __init__(self, params, be, lr: float = 0.01, momentum: float = 0.0,
                 weight_decay: float = 0.0) -> None:
        super().__init__(params, be, lr)
        if not 0 <= momentum < 1:
            raise ValueError(f"momentum must be in [0, 1), got {momentum}")
        if weight_decay < 0:
            raise ValueError(f"weight decay must be >= 0, got {weight_decay}")
        self.momentum, self.weight_decay = float(momentum), float(weight_decay)
        self.velocity = self._buffers()

    def step(self) -> None:
        upd, lr, m, wd = self.be.sgd_update, self.lr, self.momentum, self.weight_decay
        for p, v in zip(self.params, self.velocity, strict=True):
            upd(p.data, p.grad, v, lr, m, wd)

    def __repr__(self) -> str:
        return (f"SGD(lr={self.lr:g}, momentum={self.momentum:g}, "
                f"weight_decay={self.weight_decay:g})")


class Adam(Optimizer):
    """Adam (Kingma & Ba) with bias correction; optional decoupled weight decay."""

    def __init__(self, params, be, lr: float = 1e-3, betas: tuple[float, float] = (0.9, 0.999),
                 eps: float = 1e-8, weight_decay: float = 0.0) -> None:
        super().__init__(params, be, lr)
        if weight_decay < 0:
            raise ValueError(f"weight decay must be >= 0, got {weight_decay}")
        self.beta1, self.beta2 = float(betas[0]), float(betas[1])
        self.eps, self.weight_decay = float(eps), float(weight_decay)
        self.m, self.v = self._buffers(), self._buffers()
        self.t = 0
        if self.weight_decay:
            self._zero = self._buffers()
            self._scratch = self._buffers()

    def step(self) -> None:
        self.t += 1
        be = self.be
        for i, p in enumerate(self.params):
            if self.weight_decay:
                # p -= lr*wd*p: sgd_update with g = 0, momentum 0, weight decay 1.
                be.sgd_update(p.data, self._zero[i], self._scratch[i],
                              self.lr * self.weight_decay, 0.0, 1.0)
            be.adam_update(p.data, p.grad, self.m[i], self.v[i], self.lr,
                           self.beta1, self.beta2, self.eps, self.t)

    def __repr__(self) -> str:
        return f"Adam(lr={self.lr:g}, betas=({self.beta1:g}, {self.beta2:g}), " \
               f"weight_decay={self.weight_decay:g})"


def make_optimizer(name: str, params, be, lr: float, momentum: float = 0.9,
                   weight_decay: float = 0.0) -> Optimizer:
    """``"sgd"`` or ``"adam"`` by name."""
    key = name.lower()
    if key == "sgd":
        return SGD(params, be, lr, momentum, weight_decay)
    if key == "adam":
        return Adam(params, be, lr, weight_decay=weight_decay)
    raise ValueError(f"optimizer must be 'sgd' or 'adam', got {name!r}")
