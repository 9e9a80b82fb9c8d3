"""What the territory's service tests share: who is refused, the row counts, the errors' messages and codes."""

from legami.core.models import AuditEvent
from legami.territory.models import Neighbourhood, NetworkMunicipality, Place, SocialDistrict

# Everyone but the coordinator: only coordinators manage the territory.
REFUSED = [
    "case_manager",
    "community_worker",
    "partner_staff",
    "evaluator",
    "funder",
    "citizen",
    "privacy_officer",
    "district_case_manager",
    "outsider",
    "platform_admin",
    "anonymous",
]


def counts():
    """Rows of every table the territory services write, to prove a refusal wrote nothing."""
    return (
        NetworkMunicipality.objects.count(),
        SocialDistrict.objects.count(),
        Neighbourhood.objects.count(),
        Place.objects.count(),
        AuditEvent.objects.count(),
    )


def messages_of(exc, field):
    return " ".join(exc.value.message_dict[field])


def codes_of(exc):
    """Each field's error codes: what a form, the API and an import read."""
    return {field: [error.code for error in errors] for field, errors in exc.value.error_dict.items()}


def link_of(network, municipality):
    return NetworkMunicipality.objects.get(network=network, municipality=municipality)
