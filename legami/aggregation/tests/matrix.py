"""Permission-matrix rows for this part of the needs app (read by legami/core/tests/test_permission_matrix.py)."""

from legami.core.tests.matrix import Row

ROUTES: dict[str, Row] = {}


def objects(cast) -> dict:
    """The objects this part's <pk> routes point at, all in the cast's network and in Cremona."""
    return {}
