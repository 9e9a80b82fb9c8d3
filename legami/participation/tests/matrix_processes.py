"""Permission-matrix rows of participatory processes (read by legami/core/tests/test_permission_matrix.py)."""

from legami.core.tests.matrix import PUBLIC, Row

MANAGE = "participation.manage_processes"

ROUTES: dict[str, Row] = {
    # A published process and the list are public pages: anyone may read them.
    "participation:processes": Row(PUBLIC),
    "participation:process_detail": Row(PUBLIC, obj="participation_process"),
    # Drafting, editing and moving a process, and shaping its phases: those who run processes.
    "participation:process_create": Row(MANAGE),
    "participation:process_update": Row(MANAGE, obj="participation_process"),
    "participation:process_publish": Row(MANAGE, obj="participation_draft"),
    "participation:process_close": Row(MANAGE, obj="participation_process"),
    "participation:process_reopen": Row(MANAGE, obj="participation_closed"),
    "participation:phase_create": Row(MANAGE, obj="participation_process"),
    "participation:phase_activate": Row(MANAGE, obj="participation_process"),
    "participation:phase_update": Row(MANAGE, obj="participation_phase"),
    "participation:phase_delete": Row(MANAGE, obj="participation_phase"),
    # Starting from an accepted demand asks for the demand too; those who run processes all see demands.
    "participation:process_from_demand": Row(MANAGE, obj="participation_demand"),
    "participation:process_from_map": Row(MANAGE),
}


def objects(cast) -> dict:
    """A published process with its phase, a draft, a closed process and an accepted demand, in Cremona."""
    from legami.aggregation.models import AggregatedDemand, DemandStatus
    from legami.needs.tests.factories import NeedAreaFactory
    from legami.participation.models import ProcessStatus
    from legami.participation.tests.factories import PhaseFactory, ProcessFactory, open_process

    network = cast.network
    process = open_process(network, title="Laboratorio del quartiere Po")
    process.municipalities.set([cast.municipalities[0]])
    draft = ProcessFactory(network=network, title="Bozza di laboratorio")
    PhaseFactory(process=draft)
    closed = ProcessFactory(network=network, title="Consultazione chiusa", status=ProcessStatus.CLOSED)
    PhaseFactory(process=closed)
    area = NeedAreaFactory(network=network, code="participation-matrix", name="Relazioni (matrice)")
    demand = AggregatedDemand.objects.create(
        network=network,
        title="Compagnia per anziani soli — Cremona",
        summary="12 anziani di Cremona chiedono compagnia",
        area=area,
        target_group="elderly",
        municipality=cast.municipalities[0],
        need_count=12,
        people_count=12,
        status=DemandStatus.ACCEPTED,
    )
    return {
        "participation_process": process,
        "participation_draft": draft,
        "participation_closed": closed,
        "participation_phase": process.current_phase,
        "participation_demand": demand,
    }
