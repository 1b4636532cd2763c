#!/usr/bin/env sh
# Trains the two pretrained models shipped in resources/ (run from the repository root).
#
#   resources/lenet5.npz  LeNet-5, the default training settings for 20 epochs
#   resources/fcnn.npz    the lecture's FCNN (784-128-10), the same settings
#
# Both train on the bundled 5,000 digits with 1,000 held out for validation (seed 0), on the cpu
# backend; each file records its settings, per-epoch history and data provenance in its header
# (`python -c "from playground.nn.modelfile import read_header; print(read_header('resources/lenet5.npz'))"`).
# One BLAS thread: Numba's threads already use every core, and two thread pools on the same cores
# make training several times slower.
set -eu
PYTHON=${PYTHON:-.venv/bin/python}
export OPENBLAS_NUM_THREADS=1 OMP_NUM_THREADS=1 MKL_NUM_THREADS=1

"$PYTHON" -m playground train --model lenet5 --epochs 20 --seed 0 --backend cpu --save resources/lenet5.npz
"$PYTHON" -m playground train --model fcnn --epochs 20 --seed 0 --backend cpu --save resources/fcnn.npz
