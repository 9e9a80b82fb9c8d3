from typing import Any

from django.apps import AppConfig


def _audit_failed_login(sender: Any, credentials: dict, request: Any = None, **kwargs: Any) -> None:
    from legami.accounts.services.accounts import record_failed_login

    record_failed_login(
        username=credentials.get("username"), locked_out=bool(getattr(request, "axes_locked_out", False))
    )


class AccountsConfig(AppConfig):
    name = "legami.accounts"
    label = "accounts"

    def ready(self) -> None:
        from django.contrib.auth.signals import user_login_failed

        from legami.accounts import checks  # noqa: F401  (registers the system checks)

        # Every refused log-in (the site's form, the admin's) goes to the audit log; axes counts it too.
        user_login_failed.connect(_audit_failed_login, dispatch_uid="legami.accounts.audit_failed_login")
