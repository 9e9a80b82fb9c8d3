from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "legami.core"
    label = "core"

    def ready(self) -> None:
        from legami.core import capabilities, checks  # noqa: F401  (checks: registers the system checks)
        from legami.core.navigation import autodiscover
        from legami.core.roles import register_capabilities

        register_capabilities(capabilities)
        # What the admin site changes (making someone a superuser, say) goes to the audit log too.
        from django.contrib.admin.models import LogEntry
        from django.db.models.signals import post_save

        from legami.core.audit import record_admin_change

        post_save.connect(record_admin_change, sender=LogEntry, dispatch_uid="legami.core.audit_admin_change")
        # Deleting many rows at once would write its log entries in bulk, past the audit: delete one by one.
        from django.contrib import admin

        admin.site.disable_action("delete_selected")
        # Every app's navigation.py adds its pages to the menu; the apps' models are all loaded by now.
        autodiscover()
