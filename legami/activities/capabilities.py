"""What the activities app lets a role do.

The public calendar of published public activities is open to everyone, without logging in. Running activities
(schedule, sessions, roll call, volunteers' hours) is the coordinator's, the community worker's and, for their own
organisation's activities only, the partner staff's. Enrolment lists and attendance name people, children among
them: only the operators and the organisers of the activity read them. Evaluators and funders see figures, never
names.
"""

from django.utils.translation import gettext_lazy as _

from legami.core.roles import ALL_ROLES, OPERATORS, Capability, Role

VIEW_ACTIVITIES = Capability(
    "activities.view_activities",
    _("See every activity of the network, drafts included, with its figures (enrolled, attendance rate)"),
    roles=OPERATORS | {Role.PARTNER_STAFF, Role.EVALUATOR, Role.FUNDER},
)
MANAGE_ACTIVITIES = Capability(
    "activities.manage_activities",
    _("Run activities: schedule, sessions, roll call and volunteers' hours (partner staff: their organisation's)"),
    roles={Role.COORDINATOR, Role.COMMUNITY_WORKER, Role.PARTNER_STAFF},
)
VIEW_ENROLLMENTS = Capability(
    "activities.view_enrollments",
    _("See who is enrolled in an activity, the waiting list and the attendance (partner staff: their activities)"),
    roles=OPERATORS | {Role.PARTNER_STAFF},
    case_data=True,
)
ENROLL_PEOPLE = Capability(
    "activities.enroll_people",
    _("Enrol people of the registry in activities and withdraw them (partner staff: their activities)"),
    roles=OPERATORS | {Role.PARTNER_STAFF},
)
ENROLL_OWN = Capability(
    "activities.enroll_own",
    _("Enrol oneself or a member of one's household in a public activity"),
    roles=ALL_ROLES,
)
