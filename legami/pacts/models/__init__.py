"""Cases and generative pacts (patti gener-attivi).

A Case is the services' taking a person in charge (presa in carico), followed by a case team: a case manager
and members from partner organisations (CaseMember). Only the team and the privacy officer see a case; for
everyone else it does not exist. Assessments score the person's situation in eight domains at the start and at
every review, so that change can be measured.

A Pact is the agreement signed with the person: its content lives in numbered PactVersions (objectives with their
expected results, supports, budget lines, commitments, give-back among them). A signed version is never edited:
a change makes a new version, and the history compares any two. Rows of a version carry a `key` that stays the
same from one version to the next, so that expenses (against a budget line) and give-back hours (against a
commitment) follow the line or the commitment across versions.

Every free text here is case data: EncryptedTextField, never in the audit in clear, never in `str()`.
"""

from legami.pacts.models.cases import (
    Assessment,
    AssessmentKind,
    AssessmentScore,
    Case,
    CaseCloseReason,
    CaseEvent,
    CaseMember,
    CaseStatus,
    Domain,
    TeamRole,
)
from legami.pacts.models.money import (
    Expense,
    ExpenseStatus,
    GiveBackHours,
    GiveBackSource,
    GiveBackStatus,
)
from legami.pacts.models.pacts import (
    CONTENT_WRITABLE_STATES,
    MONEY,
    BudgetCategory,
    BudgetLine,
    Commitment,
    CommitmentParty,
    ExpectedResult,
    InterruptReason,
    Objective,
    Pact,
    PactEvent,
    PactParty,
    PactStatus,
    PactVersion,
    PartyKind,
    SignatureMethod,
    Support,
    VersionRow,
    content_writable,
)
from legami.pacts.models.reviews import (
    ItemRating,
    Reminder,
    ReminderKind,
    Review,
    ReviewItem,
    ReviewOutcome,
)

__all__ = [
    "CONTENT_WRITABLE_STATES",
    "content_writable",
    "Assessment",
    "AssessmentKind",
    "AssessmentScore",
    "BudgetCategory",
    "BudgetLine",
    "Case",
    "CaseCloseReason",
    "CaseEvent",
    "CaseMember",
    "CaseStatus",
    "Commitment",
    "CommitmentParty",
    "Domain",
    "ExpectedResult",
    "Expense",
    "ExpenseStatus",
    "GiveBackHours",
    "GiveBackSource",
    "GiveBackStatus",
    "InterruptReason",
    "ItemRating",
    "MONEY",
    "Objective",
    "Pact",
    "PactEvent",
    "PactParty",
    "PactStatus",
    "PactVersion",
    "PartyKind",
    "Reminder",
    "ReminderKind",
    "Review",
    "ReviewItem",
    "ReviewOutcome",
    "SignatureMethod",
    "Support",
    "TeamRole",
    "VersionRow",
]
