"""Permission-matrix rows of the aggregation app (read by legami/core/tests/test_permission_matrix.py)."""

from legami.core.tests.matrix import Row

VIEW = "aggregation.view_demands"
REVIEW = "aggregation.review_demands"
MANAGE_VOCABULARY = "aggregation.manage_vocabulary"

ROUTES: dict[str, Row] = {
    "aggregation:demands": Row(VIEW),
    "aggregation:demand_detail": Row(VIEW, obj="aggregation_demand"),
    # Each review action shows its form on GET and acts on POST.
    "aggregation:demand_accept": Row(REVIEW, obj="aggregation_demand"),
    "aggregation:demand_discard": Row(REVIEW, obj="aggregation_demand"),
    "aggregation:demand_rename": Row(REVIEW, obj="aggregation_demand"),
    "aggregation:demand_split": Row(REVIEW, obj="aggregation_demand"),
    "aggregation:demand_merge": Row(REVIEW, obj="aggregation_demand"),
    "aggregation:demand_remove_need": Row(REVIEW, obj="aggregation_demand"),
    "aggregation:demand_attach": Row(REVIEW, obj="aggregation_demand"),
    "aggregation:demand_answer": Row(REVIEW, obj="aggregation_demand"),
    "aggregation:demand_close": Row(REVIEW, obj="aggregation_demand"),
    "aggregation:demand_reopen": Row(REVIEW, obj="aggregation_demand"),
    "aggregation:runs": Row(REVIEW),
    "aggregation:run_detail": Row(REVIEW, obj="aggregation_job"),
    "aggregation:suggestions": Row(REVIEW),
    "aggregation:vocabulary": Row(REVIEW),
    "aggregation:vocabulary_download": Row(REVIEW),
    # Each change of the vocabulary shows its form on GET and acts on POST.
    "aggregation:vocabulary_add_term": Row(MANAGE_VOCABULARY),
    "aggregation:vocabulary_remove_term": Row(MANAGE_VOCABULARY),
    "aggregation:vocabulary_rename": Row(MANAGE_VOCABULARY),
    "aggregation:vocabulary_merge": Row(MANAGE_VOCABULARY),
    "aggregation:vocabulary_add_concept": Row(MANAGE_VOCABULARY),
    "aggregation:vocabulary_upload": Row(MANAGE_VOCABULARY),
    "aggregation:vocabulary_reset": Row(MANAGE_VOCABULARY),
    "aggregation:evidence_undo": Row(MANAGE_VOCABULARY, obj="aggregation_evidence"),
}


def objects(cast) -> dict:
    """A candidate demand of two needs in Cremona, and a finished aggregation run."""
    from legami.aggregation.models import AggregatedDemand, DemandItem, LearnedEvidence
    from legami.core.models import Job
    from legami.needs.tests.factories import NeedAreaFactory, NeedFactory

    network = cast.network
    cremona = cast.municipalities[0]
    area = NeedAreaFactory(network=network, code="aggregation-matrix", name="Istruzione (matrice)")
    job = Job.objects.create(
        network=network,
        kind="needs_aggregation",
        actor=cast.coordinator,
        status=Job.Status.SUCCEEDED,
        total=2,
        processed=2,
        result={
            "needs": 2,
            "candidates": 1,
            "grouped_needs": 2,
            "replaced": 0,
            "suggestions": 0,
            "settings": {"distance_km": 2.0, "min_group_size": 2},
        },
    )
    demand = AggregatedDemand.objects.create(
        network=network,
        title="Doposcuola — Cremona",
        summary="2 famiglie di Cremona chiedono un doposcuola",
        area=area,
        target_group="families",
        municipality=cremona,
        need_count=2,
        people_count=2,
        job=job,
    )
    for text in ("Serve un doposcuola per i miei figli", "Cerchiamo un doposcuola il pomeriggio"):
        need = NeedFactory(network=network, area=area, municipality=cremona, description=text)
        DemandItem.objects.create(demand=demand, need=need, similarity=0.8)
    evidence = LearnedEvidence.objects.create(
        network=network,
        kind="together",
        first=["doposcuola"],
        second=["compito"],
        action="merge",
        demand=demand,
        created_by=cast.coordinator,
    )
    return {"aggregation_demand": demand, "aggregation_job": job, "aggregation_evidence": evidence}
