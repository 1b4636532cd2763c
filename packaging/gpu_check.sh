#!/usr/bin/env bash
# One-shot check on a machine with a real NVIDIA GPU (numba + numba-cuda already installed, no
# internet): the CUDA tests, then the engine and training benchmarks on the cuda backend.
# Usage: bash packaging/gpu_check.sh   (logs go to $OUT when set, else /tmp/gpu_check)
set -u
cd "$(dirname "$0")/.."
PY=${PYTHON:-python3}; LOGS=${OUT:-${TMPDIR:-/tmp}/gpu_check}; TMP=${TMPDIR:-/tmp}/gpu_check_tmp
mkdir -p "$LOGS" "$TMP"
export PYTHONUNBUFFERED=1 PLAYGROUND_CACHE_DIR=${PLAYGROUND_CACHE_DIR:-$TMP/cache}  # no platformdirs
unset NUMBA_ENABLE_CUDASIM
$PY -c "import playground" 2>/dev/null || $PY -m pip install -q --no-deps --no-build-isolation -e . \
    || export PYTHONPATH="$PWD${PYTHONPATH:+:$PYTHONPATH}"
if ! $PY -c "import numpy; numpy.row_stack" 2>/dev/null; then  # numba-cuda <= 0.30 needs it
    printf 'import numpy\ndef row_stack(tup):\n    return numpy.vstack(tup)\nnumpy.row_stack = row_stack\n' \
        > "$TMP/sitecustomize.py"; export PYTHONPATH="$TMP${PYTHONPATH:+:$PYTHONPATH}"; fi
{ nvidia-smi -L; $PY -c "import numpy, numba, numba_cuda as c; print(numpy.__version__, numba.__version__, c.__version__)"; } 2>&1 | tee "$LOGS/gpu_check_env.log"
timeout 120 $PY -m pytest -m cuda tests/engine/test_cuda.py tests/nn/test_nn_cuda.py -q -rs \
    -p no:cacheprovider -W ignore::pytest.PytestConfigWarning \
    -W "ignore:The 'generic' unit:DeprecationWarning" 2>&1 | tee "$LOGS/gpu_check_tests.log"
tests=${PIPESTATUS[0]}
grep -q " passed" "$LOGS/gpu_check_tests.log" || tests=1  # all skipped: CUDA was not found
timeout 150 $PY -m playground bench engine --backend cuda --repeat 300 2>&1 | tee "$LOGS/gpu_check_bench.log"
bench=${PIPESTATUS[0]}
timeout 120 $PY -m playground bench train --backend cuda --epochs 2 2>&1 | tee "$LOGS/gpu_check_train.log"
train=${PIPESTATUS[0]}
echo "gpu_check: tests rc=$tests, bench engine rc=$bench, bench train rc=$train" \
    | tee "$LOGS/gpu_check_summary.log"
[ "$tests" -eq 0 ] && [ "$bench" -eq 0 ] && [ "$train" -eq 0 ]
