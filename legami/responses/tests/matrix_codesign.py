"""Permission-matrix rows of co-programming rounds and co-design tables (read by
legami/core/tests/test_permission_matrix.py)."""

from legami.core.tests.matrix import Row

VIEW = "responses.view_responses"
MANAGE = "responses.manage_coprogramming"
CONTRIBUTE = "responses.contribute"
SCORE = "responses.score_applications"

ROUTES: dict[str, Row] = {
    # Co-programming: every role that follows responses reads the rounds, their files and their outcome.
    "responses:coprogramming": Row(VIEW),
    "responses:coprogramming_detail": Row(VIEW, obj="codesign_round"),
    "responses:coprogramming_pdf": Row(VIEW, obj="codesign_round"),
    "responses:contribution_file": Row(VIEW, obj="codesign_contribution"),
    "responses:coprogramming_create": Row(MANAGE),
    "responses:coprogramming_close": Row(MANAGE, obj="codesign_round"),
    "responses:coprogramming_contribute": Row(CONTRIBUTE, obj="codesign_round"),
    # Co-design tables.
    "responses:calls": Row(VIEW),
    "responses:call_detail": Row(VIEW, obj="codesign_call"),
    "responses:call_ranking": Row(VIEW, obj="codesign_ranked"),
    "responses:call_create": Row(MANAGE),
    "responses:call_update": Row(MANAGE, obj="codesign_draft"),
    "responses:call_move": Row(MANAGE, obj="codesign_move", kwargs={"transition": "evaluate"}),
    "responses:call_award": Row(MANAGE, obj="codesign_ranked"),
    "responses:criterion_create": Row(MANAGE, obj="codesign_draft"),
    "responses:criterion_update": Row(MANAGE, obj="codesign_criterion"),
    "responses:criterion_delete": Row(MANAGE, obj="codesign_criterion"),
    "responses:application_create": Row(CONTRIBUTE, obj="codesign_call"),
    # An application is read by operators, evaluators and its own organisation's staff; a funder reads the ranking.
    "responses:application_detail": Row(VIEW, obj="codesign_application", overrides={"funder": 404}),
    "responses:application_withdraw": Row(CONTRIBUTE, obj="codesign_application"),
    "responses:application_exclude": Row(MANAGE, obj="codesign_application"),
    "responses:application_score": Row(SCORE, obj="codesign_scored"),
    # The convention of the Response a table made.
    "responses:convention_pdf": Row(VIEW, obj="codesign_response"),
}


def objects(cast) -> dict:
    """A round with a contribution and its file, an open call with an application of the partner staff's
    organisation, a draft with a criterion, a call under evaluation, a ranked one and an awarded one's Response."""
    from django.core.files.base import ContentFile

    from legami.responses.models import CallStatus, Contribution
    from legami.responses.services.awards import create_response_from_application
    from legami.responses.tests.factories_codesign import (
        ApplicationFactory,
        CallFactory,
        CriterionFactory,
        RoundFactory,
        public_body,
    )

    network = cast.network
    body = public_body(network, name="Comune di Cremona (matrice)")
    round_ = RoundFactory(
        network=network, public_body=body, lead=cast.organization, title="Co-programmazione (matrice)"
    )
    contribution = Contribution(
        network=network, coprogramming=round_, organization=cast.organization, kind="data", title="Dati", body="Dati"
    )
    contribution.file.save("dati.csv", ContentFile(b"comune;bisogni\nCremona;12\n"), save=False)
    contribution.save()
    open_call = CallFactory(network=network, status=CallStatus.OPEN, title="Tavolo aperto (matrice)")
    CriterionFactory(call=open_call, weight=100)
    application = ApplicationFactory(call=open_call, organization=cast.organization)
    draft = CallFactory(network=network, title="Tavolo in bozza (matrice)")
    criterion = CriterionFactory(call=draft, weight=100)
    evaluation = CallFactory(network=network, status=CallStatus.EVALUATION, title="Tavolo in valutazione (matrice)")
    CriterionFactory(call=evaluation, weight=100)
    from legami.core.tests import factories as f

    other = f.OrganizationFactory(network=network, name="Associazione (matrice)")
    scored = ApplicationFactory(call=evaluation, organization=other)
    ranked = CallFactory(network=network, status=CallStatus.RANKED, title="Tavolo graduato (matrice)")
    CriterionFactory(call=ranked, weight=100)
    ApplicationFactory(call=ranked, organization=other, rank=1, total_score=80)
    awarded = CallFactory(network=network, status=CallStatus.AWARDED, title="Tavolo aggiudicato (matrice)")
    winner = ApplicationFactory(call=awarded, organization=other, status="selected")
    response = create_response_from_application(actor=cast.coordinator, application=winner)
    return {
        "codesign_round": round_,
        "codesign_contribution": contribution,
        "codesign_call": open_call,
        "codesign_move": open_call,
        "codesign_draft": draft,
        "codesign_criterion": criterion,
        "codesign_application": application,
        "codesign_scored": scored,
        "codesign_ranked": ranked,
        "codesign_response": response,
    }
