"""The API's spelled-out choices of cases and pacts are the models' own (pacts_shared says a test keeps them equal)."""

import typing

import pytest

from legami.api.v1 import pacts_shared as api
from legami.core.models import LegalBasis
from legami.pacts import models


@pytest.mark.parametrize(
    ("literal", "choices"),
    [
        (api.CaseStatus, models.CaseStatus),
        (api.CaseCloseReason, models.CaseCloseReason),
        (api.TeamRole, models.TeamRole),
        (api.LegalBasis, LegalBasis),
        (api.Domain, models.Domain),
        (api.AssessmentKind, models.AssessmentKind),
        (api.PactStatus, models.PactStatus),
        (api.InterruptReason, models.InterruptReason),
        (api.SignatureMethod, models.SignatureMethod),
        (api.PartyKind, models.PartyKind),
        (api.BudgetCategory, models.BudgetCategory),
        (api.CommitmentParty, models.CommitmentParty),
    ],
)
def test_the_api_choices_are_the_models(literal, choices):
    assert list(typing.get_args(literal)) == list(choices.values)
