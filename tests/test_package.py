"""The package's public surface: every name it exports exists, and so does every module's."""

import importlib

import pytest

import overparam

MODULES = ["models", "fit", "prune", "random_features", "theory", "experiments", "nn", "plots", "widgets", "checks", "authoring"]


def test_top_level_names_exist():
    missing = [name for name in overparam.__all__ if not hasattr(overparam, name)]
    assert missing == []


@pytest.mark.parametrize("module", MODULES)
def test_module_all_names_exist(module):
    mod = importlib.import_module(f"overparam.{module}")
    missing = [name for name in getattr(mod, "__all__", []) if not hasattr(mod, name)]
    assert missing == []


def test_star_import_works():
    namespace = {}
    exec("from overparam import *", namespace)
    assert "min_norm_least_squares" in namespace and "LinearProblem" in namespace


def _blas_threads_after_import(env_value):
    import json
    import os
    import subprocess
    import sys

    env = {k: v for k, v in os.environ.items() if k not in ("OMP_NUM_THREADS", "OPENBLAS_NUM_THREADS", "MKL_NUM_THREADS")}
    env.pop("OVERPARAM_BLAS_THREADS", None)
    if env_value is not None:
        env["OVERPARAM_BLAS_THREADS"] = env_value
    code = (
        "import json, overparam\n"
        "from threadpoolctl import threadpool_info\n"
        "print(json.dumps([i['num_threads'] for i in threadpool_info() if i['user_api'] == 'blas']))"
    )
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True)
    return json.loads(out.stdout)


def test_import_limits_every_loaded_blas_to_one_thread():
    threads = _blas_threads_after_import(None)
    assert threads and all(t == 1 for t in threads), threads


def test_blas_limit_can_be_chosen():
    import os

    threads = _blas_threads_after_import("2")
    assert threads and all(t == min(2, os.cpu_count()) for t in threads), threads
