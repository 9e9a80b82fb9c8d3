"""Permission-matrix rows for this part of the needs app (read by legami/core/tests/test_permission_matrix.py)."""

from legami.core.tests.matrix import PUBLIC, Row

ROUTES: dict[str, Row] = {
    # Every member sees the needs figures: exact ones if an operator, suppressed ones otherwise.
    "needs:map": Row("needs.view_needs_map"),
    "needs:map_export": Row("needs.view_needs_map"),
    # The public page and its CSV carry only suppressed figures: anyone, even outside the network.
    "needs:map_public": Row(PUBLIC),
    "needs:map_public_export": Row(PUBLIC),
}


def objects(cast) -> dict:
    """The objects this part's <pk> routes point at, all in the cast's network and in Cremona."""
    return {}
