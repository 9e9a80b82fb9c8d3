"""Django admin for referrals: view-only, since every write goes through the audited services.

What the sentinel wrote and what the triage decided in words (the subject, where, what was seen, the consent's
note, the reporter's contact, the service it was sent to, the messages) is case data: it stays in the application,
where only the district's triage reads it and every read is audited.
"""

from django.contrib import admin

from legami.network.admin import ViewOnlyAdmin
from legami.referrals.models import Referral

CASE_TEXT = ("subject", "where", "observed", "consent_note", "reporter_contact", "redirected_to")


@admin.register(Referral)
class ReferralAdmin(ViewOnlyAdmin):
    list_display = ("pk", "network", "municipality", "urgency", "status", "due_at", "created_at", "decided_at")
    list_filter = ("status", "urgency", "network")
    list_select_related = ("network", "municipality")
    exclude = CASE_TEXT
