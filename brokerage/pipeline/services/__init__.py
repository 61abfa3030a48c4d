"""Changes in the pipeline. Each function owns its transaction and writes an audit event.

One module per part of the pipeline:

- ``access``: who may act (the employer's members, the participant's key worker);
- ``transitions``: the proposal statuses and the only ways between them (``TRANSITIONS``);
  anything else raises ``IllegalTransition`` with a message a person can read;
- ``emails``: who hears about a change (sent after the transaction commits);
- ``outcomes``: facts that reporting and payments count, written once as ``OutcomeRecord`` rows
  (keyed, so nothing is double counted);
- ``proposals``, ``placements`` (starts and checkpoints), ``links`` (signed confirmation
  links), ``notices`` (reminders and missed checkpoints, run by the beat), ``in_work``,
  ``route_ways`` and ``mentoring``.

Code in this app imports from those modules; the names below are re-exported for callers in
other apps.
"""

from brokerage.pipeline.services.access import (
    EMPLOYER,
    KEY_WORKER,
    can_act_for_participant,
    is_employer_member,
)
from brokerage.pipeline.services.emails import employer_contact_emails
from brokerage.pipeline.services.in_work import progression_record, support_contact_record
from brokerage.pipeline.services.links import (
    LINK_MAX_AGE,
    LINK_SALT,
    LinkProblem,
    checkpoint_confirm_from_link,
    checkpoint_link_create,
    checkpoint_link_resend,
    checkpoint_link_resolve,
    checkpoint_link_url,
)
from brokerage.pipeline.services.mentoring import (
    mentor_profile_save,
    mentoring_agreement_close,
    mentoring_agreement_create,
    mentoring_contact_record,
)
from brokerage.pipeline.services.notices import NoticeRun, checkpoint_notices_send
from brokerage.pipeline.services.placements import (
    JOB_TYPES,
    checkpoint_confirm,
    checkpoints_schedule,
    placement_leave,
    placement_start,
)
from brokerage.pipeline.services.proposals import (
    identity_revealed,
    interview_book,
    proposal_create,
    proposal_open,
    proposal_transition,
    question_answer,
    question_ask,
)
from brokerage.pipeline.services.route_ways import route_way_completion_record
from brokerage.pipeline.services.transitions import ACTION_VERBS, TRANSITIONS
from portal.core.exceptions import IllegalTransition

__all__ = [
    "ACTION_VERBS",
    "EMPLOYER",
    "JOB_TYPES",
    "KEY_WORKER",
    "LINK_MAX_AGE",
    "LINK_SALT",
    "TRANSITIONS",
    "IllegalTransition",
    "LinkProblem",
    "NoticeRun",
    "can_act_for_participant",
    "checkpoint_confirm",
    "checkpoint_confirm_from_link",
    "checkpoint_link_create",
    "checkpoint_link_resend",
    "checkpoint_link_resolve",
    "checkpoint_link_url",
    "checkpoint_notices_send",
    "checkpoints_schedule",
    "employer_contact_emails",
    "identity_revealed",
    "interview_book",
    "is_employer_member",
    "mentor_profile_save",
    "mentoring_agreement_close",
    "mentoring_agreement_create",
    "mentoring_contact_record",
    "placement_leave",
    "placement_start",
    "progression_record",
    "proposal_create",
    "proposal_open",
    "proposal_transition",
    "question_answer",
    "question_ask",
    "route_way_completion_record",
    "support_contact_record",
]
