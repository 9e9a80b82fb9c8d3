"""Pages of one network, under /<network-slug>/."""

from django.urls import path

from legami.core.decorators import network_view
from legami.core.imports.views import import_urls, legacy_job_url
from legami.network.services.imports import PEOPLE_IMPORT
from legami.network.views import (
    audit,
    households,
    imports,
    members,
    organizations,
    people,
    personal_data,
    privacy,
    public,
    ties,
)

app_name = "network"

urlpatterns = [
    path("", public.network_home, name="home"),
    path("dashboard/", public.dashboard, name="dashboard"),
    # partner organisations and their roles in the partnership
    path("partners/", organizations.organization_list, name="organizations"),
    path("partners/new/", organizations.organization_create, name="organization_create"),
    path("partners/<int:pk>/", organizations.organization_detail, name="organization_detail"),
    path("partners/<int:pk>/edit/", organizations.organization_update, name="organization_update"),
    path("partners/<int:pk>/delete/", organizations.organization_delete, name="organization_delete"),
    path("partners/<int:pk>/roles/new/", organizations.partnership_create, name="partnership_create"),
    path("partners/roles/<int:pk>/delete/", organizations.partnership_delete, name="partnership_delete"),
    # members (users with a role) and invitations
    path("members/", members.member_list, name="members"),
    path("members/invite/", members.member_invite, name="member_invite"),
    path("members/invitations/<int:pk>/revoke/", members.invitation_revoke, name="invitation_revoke"),
    path("members/<int:pk>/deactivate/", members.membership_deactivate, name="membership_deactivate"),
    # person registry
    path("people/", people.person_list, name="people"),
    path("people/new/", people.person_create, name="person_create"),
    path("people/export/", imports.people_export, name="people_export"),
    # the people import: people/import/, people/import/template/, people/import/jobs/<pk>/
    *import_urls(PEOPLE_IMPORT, guard=network_view, prefix="people/"),
    path("people/<int:pk>/", people.person_detail, name="person_detail"),
    path("people/<int:pk>/edit/", people.person_update, name="person_update"),
    path("people/<int:pk>/delete/", people.person_delete, name="person_delete"),
    path("people/<int:pk>/consents/", people.person_consents, name="person_consents"),
    # a person's rights (GDPR Art. 15, 17, 20): the privacy officer's export and anonymisation
    path("people/<int:pk>/data-export/", personal_data.person_data_export, name="person_data_export"),
    path("people/<int:pk>/anonymise/", personal_data.person_anonymise, name="person_anonymise"),
    # The people import's job page was once here: the old address redirects to the new one.
    legacy_job_url(PEOPLE_IMPORT, "jobs/<int:pk>/", guard=network_view, name="job_detail"),
    # households
    path("households/", households.household_list, name="households"),
    path("households/new/", households.household_create, name="household_create"),
    path("households/<int:pk>/", households.household_detail, name="household_detail"),
    path("households/<int:pk>/edit/", households.household_update, name="household_update"),
    path("households/<int:pk>/delete/", households.household_delete, name="household_delete"),
    # ties between people and organisations
    path("ties/", ties.tie_list, name="ties"),
    path("ties/new/", ties.tie_create, name="tie_create"),
    path("ties/<int:pk>/edit/", ties.tie_update, name="tie_update"),
    path("ties/<int:pk>/delete/", ties.tie_delete, name="tie_delete"),
    # privacy: audit log and register of processings (legal bases)
    path("audit/", audit.audit_list, name="audit"),
    path("audit/verify/", audit.audit_verify, name="audit_verify"),
    path("privacy/processings/", privacy.processing_list, name="processings"),
    path("privacy/processings/new/", privacy.processing_create, name="processing_create"),
    path("privacy/processings/<int:pk>/edit/", privacy.processing_update, name="processing_update"),
    path("privacy/processings/<int:pk>/consenting/", personal_data.processing_consenting, name="processing_consenting"),
]
