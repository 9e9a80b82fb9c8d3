"""Public forms against floods. The form carries a signed stamp, made when the page is shown; on submission
the stamp must be genuine and less than a day old, the form must not have been filled faster than a person
could (a few seconds), and each stamp is accepted once: a script cannot replay one page's stamp to post many
times. Used by the public need report and the survey answer page; the honeypot field stays each form's own.
`too_many_posts` limits how often one address may send a public form (LEGAMI_PUBLIC_FORM_POSTS_PER_HOUR)."""

from __future__ import annotations

import datetime
import secrets
import time

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from legami.core import ratelimit
from legami.core.http import client_address
from legami.core.models import UsedFormStamp

MAX_AGE_SECONDS = 24 * 3600
MIN_FILL_SECONDS = 3


def new_stamp(salt: str) -> str:
    """A stamp for a form shown now (`salt`: one per kind of form, so a stamp of one is no use in another)."""
    return signing.dumps({"t": time.time(), "n": secrets.token_urlsafe(16)}, salt=salt)


def check_stamp(value: str, *, salt: str, min_seconds: float = MIN_FILL_SECONDS) -> str:
    """The stamp's nonce, if the stamp is genuine, fresh and not too fast; else a ValidationError
    (codes `stale`, `too_fast`). It does not spend the stamp: `spend_stamp` does, once the form is accepted."""
    try:
        payload = signing.loads(value or "", salt=salt, max_age=MAX_AGE_SECONDS)
        started, nonce = float(payload["t"]), str(payload["n"])
    except (signing.BadSignature, TypeError, KeyError, ValueError):
        started, nonce = 0.0, ""
    elapsed = time.time() - started
    if not nonce or elapsed > MAX_AGE_SECONDS:
        raise ValidationError(_("The form has expired. Check your answers and send it again."), code="stale")
    if elapsed < min_seconds:
        raise ValidationError(_("The form was sent too quickly. Please send it again."), code="too_fast")
    return nonce


def spend_stamp(nonce: str) -> None:
    """Accept a stamp once: a second use raises a ValidationError (code `reused`). Old records are dropped."""
    now = timezone.now()
    UsedFormStamp.objects.filter(used_at__lt=now - datetime.timedelta(seconds=MAX_AGE_SECONDS)).delete()
    try:
        with transaction.atomic():
            UsedFormStamp.objects.create(nonce=nonce, used_at=now)
    except IntegrityError:
        raise ValidationError(
            _("This form has already been sent. To send another one, open the page again."), code="reused"
        ) from None


def too_many_posts(request: HttpRequest, form: str) -> HttpResponse | None:
    """The 429 page when this address has sent `form` more than LEGAMI_PUBLIC_FORM_POSTS_PER_HOUR times this
    hour; None while it is within the limit (each call counts one post)."""
    return too_many_for(
        request, f"form:{form}:{client_address(request)}", limit=settings.LEGAMI_PUBLIC_FORM_POSTS_PER_HOUR
    )


def too_many_for(request: HttpRequest, key: str, *, limit: int, window: int = 3600) -> HttpResponse | None:
    """The 429 page (with Retry-After) once `key` has been counted more than `limit` times in `window` seconds;
    None while it is within the limit (each call counts one)."""
    wait = ratelimit.hit(key, limit=limit, window=window)
    if not wait:
        return None
    minutes = max(1, round(wait / 60))
    response = render(request, "components/too_many_posts.html", {"minutes": minutes}, status=429)
    response["Retry-After"] = str(wait)
    return response
