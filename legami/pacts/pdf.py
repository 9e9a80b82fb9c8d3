"""The pact as a PDF to read and sign: one version in plain Italian, A4, large type, with WeasyPrint.

The HTML template (pacts/pact_pdf.html) is rendered in Italian whatever the reader's language: it is the paper the
person signs. It loads nothing from the network (no fonts, no images): WeasyPrint gets no URL fetcher to use.
"""

from __future__ import annotations

from typing import Any

from django.template.loader import render_to_string
from django.utils import translation

from legami.pacts.models import PactVersion
from legami.pacts.selectors.pacts import version_content


def pact_html(version: PactVersion, *, network: Any) -> str:
    """The HTML of the printable pact (also what the tests read)."""
    pact = version.pact
    case = pact.case
    manager = case.members.filter(role="manager").select_related("user").first()
    context = {
        "network": network,
        "pact": pact,
        "case": case,
        "person": case.person,
        "processing": case.processing,
        "content": version_content(version),
        "version": version,
        "manager": manager.user if manager else None,
    }
    with translation.override("it"):
        return render_to_string("pacts/pact_pdf.html", context)


def _no_fetch(url: str, *args: Any, **kwargs: Any) -> dict:
    raise ValueError("The pact's PDF loads nothing from outside")


def pact_pdf(version: PactVersion, *, network: Any) -> bytes:
    """The PDF of `version`."""
    from weasyprint import HTML

    return HTML(string=pact_html(version, network=network), url_fetcher=_no_fetch).write_pdf()
