"""How refusals become JSON: Django's PermissionDenied -> 403, services' ValidationError -> 422.

Service errors keep the shape of django-ninja's own 422s (`{"detail": [{"type", "loc", "msg"}]}`),
with `loc` = ("body", "payload", <field>) so a client handles both kinds of error the same way. A refusal about
the state of things is a 409 (`Conflict`): `{"detail": <the messages>, "code": <the service's code>}`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator, Sequence
from contextlib import contextmanager
from typing import Any

from django.conf import settings
from django.core.exceptions import NON_FIELD_ERRORS, PermissionDenied, RequestDataTooBig
from django.core.exceptions import ValidationError as DjangoValidationError
from django.http import Http404, HttpRequest, HttpResponse
from django.utils.translation import gettext_lazy as _
from ninja import NinjaAPI, Schema
from ninja.errors import AuthenticationError, HttpError
from ninja.errors import ValidationError as NinjaValidationError

BODY = ("body", "payload")
# A multipart/form-data body: django-ninja names its fields ("form", <field>) and its files ("file", <name>).
FORM = ("form",)


def _items(exc: DjangoValidationError, loc: Sequence[str], files: Collection[str] = ()) -> list[dict[str, Any]]:
    items: list[dict[str, Any]] = []
    if hasattr(exc, "error_dict"):
        for field, errors in exc.error_dict.items():
            where = [*loc] if field == NON_FIELD_ERRORS else ["file", field] if field in files else [*loc, field]
            for error in errors:
                for message in error.messages:
                    items.append({"type": error.code or "invalid", "loc": where, "msg": str(message)})
    else:
        for error in exc.error_list:
            for message in error.messages:
                items.append({"type": error.code or "invalid", "loc": [*loc], "msg": str(message)})
    return items


def field_error(loc: Sequence[str], message: Any, code: str = "invalid") -> NinjaValidationError:
    """A 422 about one input value, raised by the API itself (e.g. a reference that does not resolve)."""
    return NinjaValidationError([{"type": code, "loc": [*loc], "msg": str(message)}])


@contextmanager
def service_errors(loc: Sequence[str] = BODY, files: Collection[str] = ()) -> Iterator[None]:
    """Turn a service's ValidationError into a 422 whose locations point at the request body's fields (at
    ("file", <name>) for the uploaded `files` of a multipart body)."""
    try:
        yield
    except DjangoValidationError as exc:
        raise NinjaValidationError(_items(exc, loc, files)) from exc


def refuse_unknown_form(request: HttpRequest, schema: type[Schema], files: Collection[str]) -> None:
    """A 422 for every field of a multipart body that `schema` does not have and every file not in `files`, as a
    JSON body's unknown fields get (django-ninja reads a form's known fields only)."""
    unknown = [(*FORM, name) for name in request.POST if name not in schema.model_fields]
    unknown += [("file", name) for name in request.FILES if name not in files]
    if unknown:
        raise NinjaValidationError(
            [{"type": "extra_forbidden", "loc": list(loc), "msg": "Extra inputs are not permitted"} for loc in unknown]
        )


class Conflict(HttpError):
    """A refusal about the state of things (409): its messages, and the service's code for programs (None when the
    service gave none)."""

    def __init__(self, message: str, code: str | None = None) -> None:
        super().__init__(409, message)
        self.code = code


def conflict(exc: DjangoValidationError) -> Conflict:
    """The 409 of a service's ValidationError: every message, and the code of the first error that has one."""
    errors = [e for found in exc.error_dict.values() for e in found] if hasattr(exc, "error_dict") else exc.error_list
    code = next((e.code for e in errors if e.code), None)
    return Conflict(" ".join(str(m) for m in exc.messages), code)


@contextmanager
def conflict_errors() -> Iterator[None]:
    """Turn a service's ValidationError about the state of things (not the input) into a 409."""
    try:
        yield
    except DjangoValidationError as exc:
        raise conflict(exc) from exc


@contextmanager
def refusals(loc: Sequence[str] = BODY, files: Collection[str] = ()) -> Iterator[None]:
    """A service's refusal: about input fields (a ValidationError naming fields) a 422 as `service_errors` gives
    (`loc` and `files`: where the fields are); about the state of things (the process closed, the phase not open,
    already done) a 409 with the service's code."""
    try:
        with service_errors(loc, files):
            yield
    except NinjaValidationError as exc:
        cause = exc.__cause__
        if isinstance(cause, DjangoValidationError) and not hasattr(cause, "error_dict"):
            raise conflict(cause) from cause
        raise


class RateLimited(Exception):
    """Too many requests for this token or user (or refused tokens from this address) in the current minute, at
    most `limit` (LEGAMI_API_REQUESTS_PER_MINUTE unless said); retry after `seconds`."""

    def __init__(self, seconds: int, limit: int | None = None) -> None:
        super().__init__(seconds)
        self.seconds = seconds
        self.limit = settings.LEGAMI_API_REQUESTS_PER_MINUTE if limit is None else limit


def install_exception_handlers(api: NinjaAPI) -> None:
    """Register the handlers that give every refusal a JSON body."""

    @api.exception_handler(AuthenticationError)
    def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
        message = _("Authentication required: send a valid personal access token (Authorization: Bearer …).")
        return api.create_response(request, {"detail": str(message)}, status=401)

    @api.exception_handler(Http404)
    def not_found(request: HttpRequest, exc: Http404) -> HttpResponse:
        # The same answer whether the thing does not exist or the caller may not know it exists.
        return api.create_response(request, {"detail": str(_("Not found."))}, status=404)

    @api.exception_handler(PermissionDenied)
    def permission_denied(request: HttpRequest, exc: PermissionDenied) -> HttpResponse:
        return api.create_response(request, {"detail": str(_("You do not have permission to do this."))}, status=403)

    @api.exception_handler(Conflict)
    def conflicting(request: HttpRequest, exc: Conflict) -> HttpResponse:
        body = {"detail": exc.message, **({"code": exc.code} if exc.code else {})}
        return api.create_response(request, body, status=409)

    @api.exception_handler(RateLimited)
    def rate_limited(request: HttpRequest, exc: RateLimited) -> HttpResponse:
        message = _("Too many requests: at most %(limit)s a minute. Try again in %(seconds)s seconds.") % {
            "limit": exc.limit,
            "seconds": exc.seconds,
        }
        response = api.create_response(request, {"detail": str(message)}, status=429)
        response["Retry-After"] = str(exc.seconds)
        return response

    @api.exception_handler(RequestDataTooBig)
    def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
        limit = settings.DATA_UPLOAD_MAX_MEMORY_SIZE or 0
        message = _("The request body is larger than the API takes (%(size)s bytes at most).") % {"size": limit}
        return api.create_response(request, {"detail": str(message)}, status=413)

    @api.exception_handler(DjangoValidationError)
    def validation_error(request: HttpRequest, exc: DjangoValidationError) -> HttpResponse:
        # A safety net: endpoints wrap service calls in service_errors() so that locations are exact.
        return api.create_response(request, {"detail": _items(exc, BODY)}, status=422)
