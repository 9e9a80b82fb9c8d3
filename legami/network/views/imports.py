"""The export of the person registry (its import's pages are the pipeline's: legami.core.imports.views)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.http import require_GET

from legami.core.exports import EXPORT_FORMATS
from legami.core.imports.views import bad_format
from legami.network.decorators import network_view
from legami.network.models import Network
from legami.network.services.imports import export_people


@require_GET
@network_view("network.export_people")
def people_export(request: HttpRequest, network: Network) -> HttpResponseBase:
    """Download the people the viewer may see as CSV (default) or XLSX, in the import format."""
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return bad_format(request, fmt, nav="people")
    return export_people(actor=request.user, network=network, fmt=fmt)
