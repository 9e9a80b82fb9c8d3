"""The differences between two versions, as plain data: rows matched by key, added / removed / changed fields."""

from decimal import Decimal

from legami.pacts.models import BudgetLine, Commitment, Objective
from legami.pacts.selectors.pacts import version_content, version_diff
from legami.pacts.services import pacts as services
from legami.pacts.tests.factories import open_case, signed_pact


def test_the_diff_names_each_change_with_its_old_and_new_value(cast):
    pact = signed_pact(open_case(cast))
    services.open_review(actor=cast.case_manager, pact=pact)
    v1 = pact.current_version
    v2 = services.create_version(actor=cast.case_manager, pact=pact, data={"change_note": "Più ore"})
    assert version_diff(v1, v2) == []
    commitment = Commitment.objects.get(version=v2, is_give_back=True)
    commitment.hours_per_week = Decimal("3")
    commitment.save()
    line = BudgetLine.objects.get(version=v2)
    line.amount = Decimal("1200.50")
    line.save()
    Objective.objects.create(version=v2, text="Imparare l'italiano", position=2)
    Commitment.objects.filter(version=v2, is_give_back=False).delete()
    v2.review_every_weeks = 8
    v2.save()
    sections = {s.name: s for s in version_diff(v1, v2)}
    assert set(sections) == {"header", "objectives", "budget", "commitments"}
    assert [(c.old, c.new) for c in sections["header"].rows[0].changes] == [("12", "8")]
    assert [(r.status, r.title) for r in sections["objectives"].rows] == [("added", "Imparare l'italiano")]
    [budget] = sections["budget"].rows
    assert budget.status == "changed" and [(c.old, c.new) for c in budget.changes] == [("600.00", "1,200.50")]
    statuses = sorted((r.status, r.title) for r in sections["commitments"].rows)
    assert statuses == [
        ("changed", "Aiuto al doposcuola del quartiere"),
        ("removed", "Accompagnare ai colloqui al centro per l'impiego"),
    ]
    changed = next(r for r in sections["commitments"].rows if r.status == "changed")
    assert [(c.old, c.new) for c in changed.changes] == [("2.00", "3.00")]


def test_a_versions_content_takes_a_fixed_number_of_queries(cast, django_assert_num_queries):
    pact = signed_pact(open_case(cast))
    with django_assert_num_queries(6):
        content = version_content(pact.current_version)
    assert content.budget_total == Decimal("600.00") and len(content.give_back) == 1
