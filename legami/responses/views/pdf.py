"""A page rendered as a PDF with WeasyPrint (the co-programming outcome, the co-design convention), in Italian."""

from __future__ import annotations

from typing import Any

from django.http import HttpRequest, HttpResponse
from django.template.loader import render_to_string
from django.utils import translation


def pdf_response(request: HttpRequest, template: str, context: dict[str, Any], *, filename: str) -> HttpResponse:
    """`template` rendered to HTML, then to PDF, sent as a download named `filename`."""
    from weasyprint import HTML  # heavy: imported when a PDF is asked for

    # The documents are Italian (dates, amounts, labels), whatever the reader's language.
    with translation.override("it"):
        html = render_to_string(template, context, request=request)
    pdf = HTML(string=html, base_url=None).write_pdf()
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="{filename}"'
    response["X-Content-Type-Options"] = "nosniff"
    return response
