"""The package's public surface: every name it exports exists, and so does every module's."""

import importlib

import pytest

import overparam

MODULES = ["models", "fit", "prune", "theory", "experiments", "plots", "widgets", "checks", "authoring"]


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
