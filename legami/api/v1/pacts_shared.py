"""What the API of cases and pacts shares: who reads a case, the model choices spelled out, money as decimal strings,
the references to a person, a user, an organisation."""

from __future__ import annotations

from decimal import Decimal
from typing import Annotated, Any, Literal

from django.http import HttpRequest
from ninja import Schema
from pydantic import AfterValidator, Field

from legami.api.scoping import scoped_network
from legami.pacts.capabilities import (
    CASE_READERS,
)
from legami.pacts.models import (
    Case,
    Pact,
)
from legami.pacts.selectors.access import case_for, pact_for

# Reading a case: its team, or the privacy officer (who only reads), as the case pages.
READ = CASE_READERS

# The model choices spelled out (see the note in legami/api/schemas.py); a test keeps them equal.
CaseStatus = Literal["open", "closed"]
CaseCloseReason = Literal["goals_reached", "transferred", "moved", "withdrew", "consent_withdrawn", "other"]
TeamRole = Literal["manager", "member"]
LegalBasis = Literal[
    "consent", "contract", "legal_obligation", "vital_interests", "public_task", "legitimate_interests"
]
Domain = Literal["housing", "work", "income", "health", "relationships", "skills", "family_care", "autonomy"]
AssessmentKind = Literal["baseline", "review", "closing"]
PactStatus = Literal["draft", "proposed", "signed", "active", "under_review", "completed", "interrupted"]
InterruptReason = Literal[
    "person_withdrew", "commitments_not_kept", "situation_changed", "moved", "consent_withdrawn", "other"
]
SignatureMethod = Literal["paper", "digital", "witnessed"]
PartyKind = Literal["case_manager", "organization", "family", "other"]
BudgetCategory = Literal["housing", "bills", "food", "transport", "training", "health", "children", "work", "other"]
CommitmentParty = Literal["person", "case_manager", "organization", "family"]

CENT = Decimal("0.01")
# An amount as the API gives it: a decimal string with 2 decimals ("600.00"), never a float.
Money = Annotated[Decimal, AfterValidator(lambda value: value.quantize(CENT))]
# An amount as the API takes it: a decimal string, at most 2 decimals ("600", "600.5", "600.00").
MONEY_TEXT = r"^\d{1,8}(\.\d{1,2})?$"
MoneyText = Annotated[str, Field(pattern=MONEY_TEXT, examples=["600.00"])]


def amount(value: Any) -> Decimal | None:
    return None if value is None else Decimal(value).quantize(CENT)


# --- shared references -------------------------------------------------------------------------------------------


class CasePersonRef(Schema):
    """The person of a case (personal data: the case team and the privacy officer only)."""

    id: int
    name: str


def user_ref(user: Any) -> dict[str, Any] | None:
    return None if user is None else {"id": user.pk, "name": user.acting_name}


def named(row: Any) -> dict[str, Any] | None:
    return None if row is None else {"id": row.pk, "name": row.name}


def case_in(request: HttpRequest, pk: int, purpose: str) -> Case:
    return case_for(request.user, scoped_network(request), pk, purpose=purpose, select_related=("processing",))


def pact_in(request: HttpRequest, pk: int, purpose: str) -> Pact:
    return pact_for(request.user, scoped_network(request), pk, purpose=purpose)
