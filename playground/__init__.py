"""Convolution Playground: see how convolutional networks see."""

__version__ = "0.1.0"
