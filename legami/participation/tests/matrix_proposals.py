"""Permission-matrix rows of proposals and moderation (read by legami/core/tests/test_permission_matrix.py).

Proposals of a published process are public; taking part (proposing, supporting, commenting, reporting)
needs a role in the network; answering and moderating are the operators'. The objects: a published process
whose current phase opens proposals, supports and comments today, a proposal of the citizen in it, and a
comment on that proposal.
"""

from legami.core.tests.matrix import PUBLIC, Row

TAKE_PART = "participation.take_part"
MODERATE = "participation.moderate"
ANSWER = "participation.answer_proposals"

# Only its author withdraws a proposal: every other member is refused.
_NOT_THE_AUTHOR = dict.fromkeys(
    [
        "coordinator",
        "case_manager",
        "community_worker",
        "partner_staff",
        "evaluator",
        "funder",
        "privacy_officer",
        "sentinel",
        "district_case_manager",
    ],
    403,
)

ROUTES: dict[str, Row] = {
    "participation:proposals": Row(PUBLIC, obj="proposals_process"),
    "participation:proposal_create": Row(TAKE_PART, obj="proposals_process"),
    "participation:proposal_detail": Row(PUBLIC, obj="proposals_proposal"),
    # Support and take back: GET shows a confirmation, POST acts.
    "participation:proposal_support": Row(TAKE_PART, obj="proposals_proposal"),
    "participation:proposal_unsupport": Row(TAKE_PART, obj="proposals_proposal"),
    "participation:proposal_comment": Row(TAKE_PART, obj="proposals_proposal"),
    "participation:proposal_answer": Row(ANSWER, obj="proposals_proposal"),
    "participation:proposal_withdraw": Row(TAKE_PART, obj="proposals_proposal", overrides=_NOT_THE_AUTHOR),
    "participation:moderation": Row(MODERATE),
    "participation:proposal_report": Row(TAKE_PART, obj="proposals_proposal"),
    "participation:proposal_hide": Row(MODERATE, obj="proposals_proposal"),
    "participation:proposal_show": Row(MODERATE, obj="proposals_proposal"),
    "participation:comment_report": Row(TAKE_PART, obj="proposals_comment"),
    "participation:comment_hide": Row(MODERATE, obj="proposals_comment"),
    "participation:comment_show": Row(MODERATE, obj="proposals_comment"),
}


def objects(cast) -> dict:
    """An open process of the cast's network, the citizen's proposal in it and a comment on the proposal."""
    from legami.participation.tests.factories import open_process
    from legami.participation.tests.factories_proposals import CommentFactory, ProposalFactory

    process = open_process(cast.network, title="Laboratorio Cremona Nord (matrice)", support_limit=3)
    proposal = ProposalFactory(process=process, author=cast.citizen, title="Uno spazio compiti (matrice)")
    comment = CommentFactory(proposal=proposal, author=cast.funder, body="D'accordo (matrice)")
    return {"proposals_process": process, "proposals_proposal": proposal, "proposals_comment": comment}
