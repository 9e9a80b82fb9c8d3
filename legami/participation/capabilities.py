"""What the participation app lets a role do.

Published processes, their meetings and their proposals are public pages: anyone may read them. Taking
part (registering for a meeting, proposing, supporting, commenting, reporting) asks for a role in the
network; running the processes, taking the roll call, moderating and answering are the operators'.
"""

from django.utils.translation import gettext_lazy as _

from legami.core.roles import ALL_ROLES, Role, Capability

TAKE_PART = Capability(
    "participation.take_part",
    _("Take part in processes: register for meetings, propose, support, comment, report"),
    roles=ALL_ROLES,
)
MANAGE_PROCESSES = Capability(
    "participation.manage_processes",
    _("Run participatory processes: phases, meetings, registrations and roll call"),
    roles={Role.COORDINATOR, Role.COMMUNITY_WORKER},
)
MODERATE = Capability(
    "participation.moderate",
    _("Moderate proposals and comments: read reports, hide and show again"),
    roles={Role.COORDINATOR, Role.COMMUNITY_WORKER},
)
ANSWER_PROPOSALS = Capability(
    "participation.answer_proposals",
    _("Answer proposals on behalf of the partnership"),
    roles={Role.COORDINATOR, Role.COMMUNITY_WORKER},
)
