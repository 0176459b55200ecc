"""Shared pytest fixtures and collection rules."""

import numpy as np
import pytest

# scikit-learn's array-API checks test dispatch to CuPy/torch arrays. groundup's from-scratch
# estimators are NumPy-only by design (DESIGN.md), and scikit-learn itself skips these checks
# unless SCIPY_ARRAY_API=1, so they can only ever skip: deselect them instead of reporting
# skips that prove nothing.
_NOT_APPLICABLE = ("check_array_api_input",)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    keep, drop = [], []
    for item in items:
        (drop if any(name in item.nodeid for name in _NOT_APPLICABLE) else keep).append(item)
    if drop:
        config.hook.pytest_deselected(items=drop)
        items[:] = keep


@pytest.fixture
def rng() -> np.random.Generator:
    """A seeded generator: every test is deterministic."""
    return np.random.default_rng(0)
