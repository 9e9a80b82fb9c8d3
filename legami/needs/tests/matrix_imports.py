"""Permission-matrix rows for this part of the needs app (read by legami/core/tests/test_permission_matrix.py)."""

from legami.core.models import Job
from legami.core.tests.matrix import Row

ROUTES: dict[str, Row] = {
    "needs:needs_import": Row("needs.import_needs"),
    "needs:needs_import_template": Row("needs.import_needs"),
    "needs:needs_import_job": Row("needs.import_needs", obj="imports_job"),
    "needs:needs_export": Row("needs.export_needs"),
}


def objects(cast) -> dict:
    """The objects this part's <pk> routes point at, all in the cast's network and in Cremona."""
    job = Job.objects.create(
        network=cast.network,
        kind="needs_import",
        actor=cast.coordinator,
        status=Job.Status.SUCCEEDED,
        original_name="bisogni.csv",
        result={"created": 0},
    )
    return {"imports_job": job}
