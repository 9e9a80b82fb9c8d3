"""Platform-wide pages: the landing page, the health check and the receiver of CSP violation reports."""

import json
import logging
import re
from urllib.parse import urlsplit

from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.views.decorators.csrf import csrf_exempt
from django.views.decorators.http import require_GET, require_POST

from legami.core.tenancy import list_public_networks


@require_GET
def home(request: HttpRequest) -> HttpResponse:
    """The landing page: the networks hosted here."""
    return render(request, "core/home.html", {"networks": list_public_networks()})


@require_GET
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and database check for load balancers."""
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
    return JsonResponse({"status": "ok"})


csp_logger = logging.getLogger("legami.csp")
CSP_REPORT_MAX_BYTES = 16 * 1024
# Path segments this long are tokens (invitations, public surveys): they are secrets and stay out of the logs.
_TOKEN_SEGMENT = re.compile(r"[^/]{20,}")


def _origin(url: str) -> str:
    parts = urlsplit(url)
    return f"{parts.scheme}://{parts.netloc}" if parts.netloc else url[:40]


@csrf_exempt
@require_POST
def csp_report(request: HttpRequest) -> HttpResponse:
    """Log what the Content Security Policy blocked (directive, origin of the blocked resource, page path)."""
    if int(request.headers.get("Content-Length") or 0) > CSP_REPORT_MAX_BYTES:
        return HttpResponse(status=413)
    try:
        report = json.loads(request.body[:CSP_REPORT_MAX_BYTES] or b"null")
        body = report["csp-report"] if isinstance(report, dict) else None
        if not isinstance(body, dict):
            raise ValueError
    except (ValueError, KeyError):
        return HttpResponse(status=400)
    page = _TOKEN_SEGMENT.sub("…", urlsplit(str(body.get("document-uri", ""))).path)
    csp_logger.warning(
        "CSP blocked %s from %s on %s",
        str(body.get("effective-directive") or body.get("violated-directive") or "?")[:60],
        _origin(str(body.get("blocked-uri", "")))[:120],
        page[:200],
    )
    return HttpResponse(status=204)
