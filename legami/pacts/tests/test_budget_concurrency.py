"""Two expenses of the same pact recorded at the same moment, on PostgreSQL: the pact's row lock makes them take
turns between the check of the line's spent amount and the write, so that they cannot both pass under the limit.

The check is slowed down (where a race would slip in without the lock) and both writes start in threads at once.
"""

import time

import pytest
from django.db import connection
from django.utils import timezone

from legami.core.tests.concurrency import run_together
from legami.pacts.models import BudgetLine, Expense, ExpenseStatus
from legami.pacts.services import budget as services
from legami.pacts.tests.factories import open_case, signed_pact

pytestmark = [
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrent writers need PostgreSQL"),
    pytest.mark.django_db(transaction=True),
]


@pytest.fixture
def slow_check(monkeypatch):
    real = services.spent_on_line

    def slow(pact, line_key):
        found = real(pact, line_key)
        time.sleep(0.3)
        return found

    monkeypatch.setattr(services, "spent_on_line", slow)


def test_two_expenses_at_once_cannot_both_pass_under_the_limit(cast, slow_check):
    pact = signed_pact(open_case(cast))
    key = str(BudgetLine.objects.get(version_id=pact.current_version_id).key)

    def spend(actor):
        return lambda: services.record_expense(
            actor=actor,
            pact=pact,
            data={"line": key, "amount": "400,00", "spent_on": timezone.localdate(), "description": "Corso"},
        )

    results = run_together(spend(cast.case_manager), spend(cast.partner_staff))
    assert not [r for r in results if isinstance(r, Exception)], results
    statuses = sorted(Expense.objects.values_list("status", flat=True))
    assert statuses == sorted([ExpenseStatus.RECORDED, ExpenseStatus.AWAITING_APPROVAL])
