"""Permission-matrix rows for a person's rights (read by legami/core/tests/test_permission_matrix.py)."""

from legami.core.models import LegalBasis, Processing
from legami.core.tests.matrix import Row

ROUTES: dict[str, Row] = {
    # Everything held about a person, case data included: the privacy officer alone.
    "network:person_data_export": Row("network.export_person_data", obj="person"),
    "network:person_anonymise": Row("network.anonymise_people", obj="person"),
    # Who consents now, with their contacts: those who may export the registry.
    "network:processing_consenting": Row("network.export_people", obj="consent_processing"),
}


def objects(cast) -> dict:
    """A processing based on consent (the register's other one rests on a public task)."""
    return {
        "consent_processing": Processing.objects.create(
            network=cast.network,
            code="newsletter",
            name="Newsletter",
            purpose="Informare sulle attività della rete.",
            legal_basis=LegalBasis.CONSENT,
        )
    }
