"""The export of needs (their import's pages are the pipeline's: legami.core.imports.views)."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponseBase
from django.views.decorators.http import require_GET

from legami.core.exports import EXPORT_FORMATS
from legami.core.imports.views import bad_format
from legami.needs.forms.needs import NeedFilterForm
from legami.needs.services.exports import export_needs
from legami.network.decorators import network_view
from legami.network.models import Network


@require_GET
@network_view("needs.export_needs")
def needs_export(request: HttpRequest, network: Network) -> HttpResponseBase:
    """Download the needs the viewer may see, with the list's filters, as CSV (default) or XLSX."""
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return bad_format(request, fmt, nav="needs")
    # The list's own filter form: the file holds exactly what the list shows (bad values ignored alike).
    form = NeedFilterForm(request.GET, viewer=request.user, network=network)
    return export_needs(actor=request.user, network=network, fmt=fmt, filters=form.filters())
