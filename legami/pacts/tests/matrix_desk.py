"""Permission-matrix rows of the case manager's desk (read by legami/core/tests/test_permission_matrix.py).

The desk is everyone's own: whoever holds pacts.work_on_cases opens theirs (it lists only the cases whose team they
are on; off the team it is simply empty). The privacy officer has no desk (403: they read cases from the cases
list, without working on them); the other roles neither.
"""

from legami.core.tests.matrix import Row

WORK = "pacts.work_on_cases"

ROUTES: dict[str, Row] = {
    "pacts:desk": Row(WORK),
}


def objects(cast) -> dict:
    """A case of the cast's team (case manager and partner staff) with a pact in force, so the desk has rows."""
    from legami.pacts.tests.factories import open_case, signed_pact

    signed_pact(open_case(cast))
    return {}
