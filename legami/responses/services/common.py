"""What the co-programming and co-design writes share: on whose behalf a partner acts, uploaded files."""

from __future__ import annotations

import io
import re
import zipfile
from pathlib import Path
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext

from legami.core import inputs
from legami.core.permissions import grants
from legami.core.roles import Role
from legami.network.models import Network, Organization


def staff_organization_id(actor: Any, network: Network) -> int | None:
    """The organisation a partner staff member works for (Membership.organization), None for other roles."""
    for grant in grants(actor, network):
        if grant.role == Role.PARTNER_STAFF and grant.organization_id is not None:
            return grant.organization_id
    return None


def acts_only_for_own(actor: Any, network: Network) -> bool:
    """Partner staff act only for their own organisation; coordinators and community workers choose it."""
    roles = {grant.role for grant in grants(actor, network)}
    return Role.PARTNER_STAFF in roles and not roles & {Role.COORDINATOR, Role.COMMUNITY_WORKER}


def organization_ids_of(actor: Any, network: Network) -> set[int]:
    """Every organisation `actor`'s memberships in `network` are tied to (any role)."""
    return {grant.organization_id for grant in grants(actor, network) if grant.organization_id is not None}


def resolve_organization(actor: Any, network: Network, organization: Organization | None) -> Organization:
    """On whose behalf `actor` writes: partner staff always for their own organisation (another one is refused),
    the others for the organisation they chose (required)."""
    if acts_only_for_own(actor, network):
        own = staff_organization_id(actor, network)
        if own is None:
            raise ValidationError(
                gettext("Your role is not tied to an organisation: ask the coordinator to set it."),
                code="no_organization",
            )
        if organization is not None and organization.pk != own:
            raise ValidationError(
                {
                    "organization": [
                        ValidationError(gettext("You may act only for your own organisation."), code="not_own")
                    ]
                }
            )
        return Organization.objects.get(pk=own, network=network)
    if organization is None:
        raise ValidationError({"organization": [ValidationError(gettext("Choose the organisation."), code="required")]})
    return organization


class Euro(inputs.Decimal):
    """An amount in euro, 2 decimals: "50.000" is fifty thousand (Italian thousands), as "50.000,00" and "50000.00"."""

    def __init__(self, **kwargs: Any) -> None:
        super().__init__(places=2, **kwargs)

    def parse(self, value: Any, ctx: inputs.Context) -> Any:
        if isinstance(value, str) and re.fullmatch(r"\s*\d{1,3}(\.\d{3})+\s*", value):
            value = value.replace(".", "")
        return super().parse(value, ctx)


# --- uploaded files ---------------------------------------------------------------------------------------

MAX_UPLOAD_BYTES = 10 * 1024 * 1024
# The extensions accepted, each with how its content starts (checked as well: a renamed file is refused).
UPLOAD_EXTENSIONS = ("pdf", "odt", "docx", "xlsx", "csv", "png", "jpg", "jpeg")


def _zip_names(head: bytes, data: Any) -> set[str] | None:
    if not head.startswith(b"PK\x03\x04"):
        return None
    try:
        data.seek(0)
        with zipfile.ZipFile(io.BytesIO(data.read())) as archive:
            return set(archive.namelist())
    except (zipfile.BadZipFile, OSError, ValueError):
        return None


def _odt(head: bytes, data: Any) -> bool:
    names = _zip_names(head, data) or set()
    return "mimetype" in names and b"opendocument.text" in head[:100]


def _csv(head: bytes, data: Any) -> bool:
    data.seek(0)
    sample = data.read(64 * 1024)
    if b"\x00" in sample:
        return False
    for encoding in ("utf-8-sig", "cp1252"):
        try:
            sample.decode(encoding)
        except UnicodeDecodeError:
            continue
        return True
    return False


SNIFFERS = {
    "pdf": lambda head, data: head.startswith(b"%PDF-"),
    "png": lambda head, data: head.startswith(b"\x89PNG\r\n\x1a\n"),
    "jpg": lambda head, data: head.startswith(b"\xff\xd8\xff"),
    "jpeg": lambda head, data: head.startswith(b"\xff\xd8\xff"),
    "odt": _odt,
    "docx": lambda head, data: "word/document.xml" in (_zip_names(head, data) or set()),
    "xlsx": lambda head, data: "xl/workbook.xml" in (_zip_names(head, data) or set()),
    "csv": _csv,
}


def check_upload(upload: Any, *, field: str = "file") -> None:
    """ValidationError unless `upload` is a PDF, ODT, DOCX, XLSX, CSV, PNG or JPG of at most 10 MB whose content
    is what its extension says."""

    def refuse(message: str, code: str) -> ValidationError:
        return ValidationError({field: [ValidationError(message, code=code)]})

    extension = Path(getattr(upload, "name", "") or "").suffix.lower().lstrip(".")
    if extension not in UPLOAD_EXTENSIONS:
        raise refuse(gettext("Attach a PDF, ODT, DOCX, XLSX, CSV, PNG or JPG file."), "file_type")
    size = getattr(upload, "size", None) or 0
    if size > MAX_UPLOAD_BYTES:
        raise refuse(gettext("The file is larger than 10 MB."), "file_size")
    if size == 0:
        raise refuse(gettext("The file is empty."), "file_empty")
    upload.seek(0)
    head = upload.read(512)
    matches = SNIFFERS[extension](head, upload)
    upload.seek(0)
    if not matches:
        raise refuse(
            gettext("The file's content is not a %(kind)s file.") % {"kind": extension.upper()}, "file_content"
        )
