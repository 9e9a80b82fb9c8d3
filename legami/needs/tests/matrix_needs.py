"""Permission-matrix rows for this part of the needs app (read by legami/core/tests/test_permission_matrix.py)."""

from legami.core.tests.matrix import PERSONAS, PUBLIC, Row

VIEW = "needs.view_needs"
CHANGE = "needs.change_needs"
MANAGE_AREAS = "needs.manage_areas"
# POST-only actions: whoever holds the capability and opens them with GET is told the method is not allowed.
CHANGE_POST_ONLY = {"coordinator": 405, "case_manager": 405, "community_worker": 405, "district_case_manager": 405}
AREAS_POST_ONLY = {"coordinator": 405}

ROUTES: dict[str, Row] = {
    "needs:needs": Row(VIEW),
    "needs:need_create": Row(CHANGE),
    "needs:need_detail": Row(VIEW, obj="needs_need"),
    "needs:need_update": Row(CHANGE, obj="needs_need"),
    "needs:need_status": Row(CHANGE, obj="needs_need", overrides=CHANGE_POST_ONLY),
    "needs:need_delete": Row(CHANGE, obj="needs_need"),
    # The taxonomy is read by every operator and edited by the coordinator.
    "needs:areas": Row(VIEW),
    "needs:area_create": Row(MANAGE_AREAS),
    "needs:area_load_defaults": Row(MANAGE_AREAS, overrides=AREAS_POST_ONLY),
    "needs:area_update": Row(MANAGE_AREAS, obj="needs_area"),
    "needs:area_toggle": Row(MANAGE_AREAS, obj="needs_area", overrides=AREAS_POST_ONLY),
    "needs:area_move": Row(MANAGE_AREAS, obj="needs_area", overrides=AREAS_POST_ONLY),
    "needs:area_delete": Row(MANAGE_AREAS, obj="needs_area"),
    # The citizens' report form: anyone, logged in or not, from any network.
    "needs:report": Row(PUBLIC, overrides=dict.fromkeys(PERSONAS, 200)),
    "needs:report_thanks": Row(PUBLIC),
}


def objects(cast) -> dict:
    """The objects this part's <pk> routes point at, all in the cast's network and in Cremona."""
    from legami.needs.tests.factories import NeedAreaFactory, NeedFactory

    need = NeedFactory(
        network=cast.network,
        area=NeedAreaFactory(network=cast.network, code="b-casa", name="Casa (bisogni)"),
        municipality=cast.municipalities[0],
    )
    # An area without needs, so that its delete page is a confirmation rather than a refusal.
    return {"needs_need": need, "needs_area": NeedAreaFactory(network=cast.network, code="b-lavoro", name="Lavoro (b)")}
