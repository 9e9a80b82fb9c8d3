"""The one rule of small numbers (legami.core.smallnumbers): under k people, hidden from roles without the people."""

import pytest

from legami.core import smallnumbers
from legami.core.capabilities import SEE_SMALL_NUMBERS
from legami.core.roles import OPERATORS

SEE = ["coordinator", "case_manager", "community_worker", "district_case_manager"]
HIDDEN_FROM = ["partner_staff", "evaluator", "funder", "citizen", "privacy_officer", "outsider", "anonymous"]


def test_the_roles_that_work_with_people_see_small_numbers():
    assert SEE_SMALL_NUMBERS == "core.see_small_numbers"
    assert SEE_SMALL_NUMBERS.roles == OPERATORS


@pytest.mark.parametrize("persona", SEE)
def test_who_works_with_the_people_has_no_limit(cast, persona):
    assert smallnumbers.sees_small_numbers(getattr(cast, persona), cast.network)
    assert smallnumbers.limit_for(getattr(cast, persona), cast.network) is None
    assert not smallnumbers.hidden(1, None)


@pytest.mark.parametrize("persona", HIDDEN_FROM)
def test_anyone_else_has_k_as_limit(cast, persona, settings):
    settings.LEGAMI_K_ANONYMITY = 5
    user = getattr(cast, persona)
    assert not smallnumbers.sees_small_numbers(user, cast.network)
    limit = smallnumbers.limit_for(user, cast.network)
    assert limit == 5
    assert smallnumbers.hidden(4, limit) and smallnumbers.hidden(1, limit)
    assert not smallnumbers.hidden(5, limit)
    assert not smallnumbers.hidden(0, limit) and not smallnumbers.hidden(None, limit)  # nobody: nothing to hide


def test_k_follows_the_setting(settings):
    settings.LEGAMI_K_ANONYMITY = 3
    assert smallnumbers.k() == 3
    assert smallnumbers.is_small(2) and not smallnumbers.is_small(3) and not smallnumbers.is_small(0)
