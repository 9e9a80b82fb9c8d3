"""The needs map and dashboard: the members' page, the public page, and their downloads."""

from __future__ import annotations

import threading
from collections import OrderedDict
from html import escape
from typing import Any

from django.conf import settings
from django.http import HttpRequest, HttpResponse, HttpResponseBadRequest
from django.http.response import HttpResponseBase
from django.shortcuts import render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import timezone
from django.utils.formats import number_format
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import get_language
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from legami.core import smallnumbers
from legami.core.charts import bar_chart
from legami.core.decorators import network_view
from legami.core.exports import EXPORT_FORMATS, export_response
from legami.needs.capabilities import VIEW_NEEDS_MAP
from legami.needs.forms.map import MapFilterForm
from legami.needs.selectors.map import (
    MEASURES,
    Figure,
    NeedsFigures,
    export_rows,
    needs_figures,
    sees_exact_figures,
)
from legami.needs.services.map import record_map_export
from legami.network.models import Network


def _measure_labels() -> dict[str, str]:
    return {"needs": _("Needs"), "people": _("People concerned"), "subjects": _("Distinct subjects")}


def _suppressed_label(k: int) -> str:
    # One mark for every hidden figure, whether under k itself or hidden with it: were the two told apart, a
    # row's total would bound the small one (statistical offices mark both alike for the same reason).
    return _("hidden")


def _map_payload(figures: NeedsFigures, measure: str) -> dict[str, Any]:
    """What the map script draws: shown figures only (a suppressed one never reaches the page)."""
    label = _measure_labels()[measure]
    return {
        "tiles": {"url": settings.LEGAMI_MAP_TILES_URL, "attribution": settings.LEGAMI_MAP_TILES_ATTRIBUTION},
        "label": label,
        "markers": [
            {
                "name": m.label,
                "lat": m.latitude,
                "lon": m.longitude,
                "value": m.figure.value(measure) or 0,
                "text": f"{m.label}: {m.figure.value(measure) or 0} ({label.lower()})",
            }
            for m in figures.markers
        ],
    }


def _shown(value: int | None) -> str:
    value = value or 0
    # Under a thousand there is nothing to group: what number_format returns, without its cost per cell.
    return str(value) if -1000 < value < 1000 else number_format(value, force_grouping=True)


def _cell(figure: Figure, measure: str, hidden: str) -> str:
    """A figure as the page shows it: the number, or the suppression mark."""
    return hidden if figure.suppressed else _shown(figure.value(measure))


def _triple(figure: Figure, hidden: str) -> list[str]:
    return [_cell(figure, m, hidden) for m in MEASURES]


def _presented(figures: NeedsFigures, measure: str, hidden: str) -> dict[str, Any]:
    """The tables as display strings, so that templates never see a suppressed number."""
    cross = figures.cross
    tables = {
        name: {
            "lines": [(ln.label, _triple(ln.figure, hidden)) for ln in table.lines],
            "total": _triple(table.total, hidden),
        }
        for name, table in (
            ("area", figures.by_area),
            ("place", figures.by_place),
            ("target", figures.by_target),
            ("status", figures.by_status),
            ("origin", figures.by_origin),
            ("channel", figures.by_channel),
            ("period", figures.by_period),
        )
    }
    # Shown with the places as rows and the areas as columns: a province has a hundred Comuni and a
    # dozen areas, and a table reads down far better than across.
    return {
        "columns": [row.label for row in cross.rows],
        "column_totals": [_cell(row.figure, measure, hidden) for row in cross.rows],
        "rows": [
            (
                column.label,
                [_cell(cross.cell(row.key, column.key), measure, hidden) for row in cross.rows],
                _cell(column.figure, measure, hidden),
            )
            for column in cross.columns
        ],
        "total": _cell(cross.total, measure, hidden),
        "totals": _triple(cross.total, hidden),
        "tables": tables,
    }


def _cross_body(rows: list[tuple[str, list[str], str]]) -> SafeString:
    """The cross table's body rows as HTML, every label and value escaped.

    A province has a hundred Comuni and a dozen areas: some 1,500 cells, which the template language (or
    format_html) renders in tens of milliseconds and plain escaping in one or two.
    """
    lines = []
    for label, cells, total in rows:
        values = "".join(f'<td class="text-end">{escape(value)}</td>' for value in cells)
        total_cell = f'<td class="text-end fw-semibold">{escape(total)}</td>'
        lines.append(f'<tr><th scope="row">{escape(label)}</th>{values}{total_cell}</tr>')
    return mark_safe("\n".join(lines))  # noqa: S308 - every label and value is escaped just above


def _charts(figures: NeedsFigures, measure: str) -> dict[str, Any]:
    unit = _measure_labels()[measure].lower()
    return {
        "area": bar_chart(figures.by_area.chart_items(measure), title=_("Needs by area"), unit=unit),
        "target": bar_chart(figures.by_target.chart_items(measure), title=_("Needs by target group"), unit=unit),
        "status": bar_chart(figures.by_status.chart_items(measure), title=_("Needs by status"), unit=unit),
        "origin": bar_chart(figures.by_origin.chart_items(measure), title=_("Expressed and detected needs"), unit=unit),
        "channel": bar_chart(figures.by_channel.chart_items(measure), title=_("Needs by channel"), unit=unit),
        "period": bar_chart(figures.by_period.chart_items(measure), title=_("Needs over time"), unit=unit),
    }


# (figures, measure, page, filters' query, language) -> the figures' part of the page. Kept while needs_figures()
# returns the very same figures object, which it does until the network's revision moves.
_PARTS: OrderedDict[tuple, tuple[NeedsFigures, dict[str, Any], SafeString]] = OrderedDict()
_PARTS_KEPT = 48
_PARTS_LOCK = threading.Lock()


def _figures_part(
    figures: NeedsFigures | None, measure: str, context: dict[str, Any]
) -> tuple[dict[str, Any] | None, SafeString]:
    """The tables as strings and the figures' part of the page (summary, map, tables, charts), rendered once per
    figures object: what the page shows of the figures depends only on them and on the keys below."""
    key = (id(figures), measure, context["public"], context["query"], context["period"], get_language())
    kept = _PARTS.get(key)
    if kept is not None and kept[0] is figures:
        return kept[1], kept[2]
    shown = _presented(figures, measure, context["suppressed_label"]) if figures else None
    if shown is not None:
        shown["body"] = _cross_body(shown["rows"])
    part = {
        **context,
        "shown": shown,
        "charts": _charts(figures, measure) if figures else {},
        "map_payload": _map_payload(figures, measure) if figures else None,
    }
    html = render_to_string("needs/map/_figures.html", part)
    if figures is not None:
        with _PARTS_LOCK:
            _PARTS[key] = (figures, shown or {}, html)
            while len(_PARTS) > _PARTS_KEPT:
                _PARTS.popitem(last=False)
    return shown, html


def _dashboard(request: HttpRequest, network: Network, *, public: bool) -> HttpResponse:
    exact = sees_exact_figures(request.user, network, public=public)
    # Always bound: with no filters every field is empty, which is valid.
    form = MapFilterForm(request.GET, viewer=request.user, network=network, exact=exact)
    figures = None
    measure = "needs"
    if form.is_valid():
        filters = form.filters()
        measure = form.chosen_measure
        figures = needs_figures(request.user, network, filters, public=public)
    hidden = _suppressed_label(smallnumbers.k())
    query = request.GET.urlencode()
    export_name = "needs:map_public_export" if public else "needs:map_export"
    context = {
        "nav": "needs_map",
        "public": public,
        "exact": exact,
        "form": form,
        "filtered": form.is_filtered,
        "figures": figures,
        "measure": measure,
        "measure_label": _measure_labels()[measure],
        "suppressed_label": hidden,
        "k": smallnumbers.k(),
        "export_url": reverse(export_name, args=[network.slug]),
        "query": query,
        "page_url": reverse("needs:map_public" if public else "needs:map", args=[network.slug]),
        "period": form.cleaned_data.get("period") if form.is_valid() else "",
    }
    context["shown"], context["figures_html"] = _figures_part(figures, measure, context)
    return render(request, "needs/map/dashboard.html", context)


@require_GET
@network_view(VIEW_NEEDS_MAP)
def needs_map(request: HttpRequest, network: Network) -> HttpResponse:
    """The members' needs dashboard and map: exact figures for operators, suppressed ones for the others."""
    return _dashboard(request, network, public=False)


@require_GET
@network_view()
def needs_map_public(request: HttpRequest, network: Network) -> HttpResponse:
    """The network's public needs figures and map, with every small cell suppressed."""
    return _dashboard(request, network, public=True)


def _export(request: HttpRequest, network: Network, *, public: bool, fmt: str) -> HttpResponseBase:
    exact = sees_exact_figures(request.user, network, public=public)
    form = MapFilterForm(request.GET, viewer=request.user, network=network, exact=exact)
    if not form.is_valid():
        problems = "; ".join(f"{form.fields[name].label}: {' '.join(errors)}" for name, errors in form.errors.items())
        return HttpResponseBadRequest(_("The filters are not valid: %(problems)s") % {"problems": problems})
    filters = form.filters()
    figures = needs_figures(request.user, network, filters, public=public)
    if not public:
        record_map_export(actor=request.user, network=network, filters=filters, fmt=fmt, exact=exact)
    place = _("Neighbourhood") if figures.cross.place_kind == "neighbourhood" else _("Comune")
    header = [_("Area"), place, _("Needs"), _("People concerned"), _("Distinct subjects")]
    rows = export_rows(figures, suppressed_label=_suppressed_label(figures.k), total_label=_("Total"))
    kind = "public-needs" if public else "needs"
    filename = f"{network.slug}-{kind}-{timezone.localdate():%Y-%m-%d}.{fmt}"
    return export_response(rows=rows, header=header, filename=filename, fmt=fmt)


@require_GET
@network_view(VIEW_NEEDS_MAP)
def needs_map_export(request: HttpRequest, network: Network) -> HttpResponseBase:
    """The cross table (area × Comune or neighbourhood) as CSV or XLSX, with the page's filters and suppression."""
    fmt = request.GET.get("format", "csv")
    if fmt not in EXPORT_FORMATS:
        return HttpResponseBadRequest(_("Unknown format: choose csv or xlsx."))
    return _export(request, network, public=False, fmt=fmt)


@require_GET
@network_view()
def needs_map_public_export(request: HttpRequest, network: Network) -> HttpResponseBase:
    """The public cross table as CSV, suppressed as on the public page."""
    return _export(request, network, public=True, fmt="csv")
