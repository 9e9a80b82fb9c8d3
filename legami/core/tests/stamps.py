"""Form stamps for tests of public forms (see legami.core.formguard): made some seconds ago, as if a person
had spent that long on the page."""

import secrets
import time

from django.core import signing


def stamp_from(salt: str, seconds_ago: float = 60, nonce: str | None = None) -> str:
    return signing.dumps({"t": time.time() - seconds_ago, "n": nonce or secrets.token_urlsafe(16)}, salt=salt)
