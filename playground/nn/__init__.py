"""Neural networks on the engine backends: layers, models, losses, optimizers, training, files.

No Qt here. Parameters and activations live on the model's backend (NumPy for ``reference`` and
``cpu``, device arrays for ``cuda``); only backend ops touch them.
"""

from playground.nn.layers import (
    AvgPool2d,
    Conv2d,
    Dropout,
    Flatten,
    Layer,
    Linear,
    MaxPool2d,
    Param,
    ReLU,
    Sigmoid,
    Tanh,
)
from playground.nn.losses import SoftmaxCrossEntropy, cross_entropy
from playground.nn.metrics import Evaluation, confusion_matrix, evaluate
from playground.nn.model import ARCHITECTURES, Model, as_batch, build_model
from playground.nn.modelfile import ModelFileError, load_model, load_pretrained, save_model
from playground.nn.optim import SGD, Adam, make_optimizer
from playground.nn.training import (
    Progress,
    TrainConfig,
    TrainResult,
    default_config,
    run_training,
    train,
)

__all__ = [
    "ARCHITECTURES",
    "SGD",
    "Adam",
    "AvgPool2d",
    "Conv2d",
    "Dropout",
    "Evaluation",
    "Flatten",
    "Layer",
    "Linear",
    "MaxPool2d",
    "Model",
    "ModelFileError",
    "Param",
    "Progress",
    "ReLU",
    "Sigmoid",
    "SoftmaxCrossEntropy",
    "Tanh",
    "TrainConfig",
    "TrainResult",
    "as_batch",
    "build_model",
    "confusion_matrix",
    "cross_entropy",
    "default_config",
    "evaluate",
    "load_model",
    "load_pretrained",
    "make_optimizer",
    "run_training",
    "save_model",
    "train",
]
