"""Who may hold a role on a participant's record: one small check per role-bearing field.

A key worker holds a record, supporting workers share its care, team members may be granted
sight of each other's caseloads, and a care request asks for one of those roles. Every route
that sets one of these fields (the referral form, the CSV import, the assign page, care
requests, the Django and Wagtail admin) goes through these checks, so a user without the role
(an employer, say) is refused whatever the route, with a message on the field and nothing saved.

Each check raises ``ValidationError({field: message})``. The role is the key-worker group itself
(being a superuser is not being a key worker), on an active account, and — where the field
belongs to a programme — working on that programme (``user.programmes``).
"""

from django.core.exceptions import ValidationError

from portal.accounts.roles import Role


def _name(user) -> str:
    return user.get_full_name() or user.email


def works_on(user, programme) -> bool:
    return programme is not None and user.programmes.filter(pk=programme.pk).exists()


def key_worker_role_problem(user) -> str | None:
    """Why ``user`` is not an active key worker, whatever the programme (None when they are)."""
    if user is None:
        return "Choose a key worker"
    if not user.is_active:
        return f"{_name(user)} can no longer sign in, so cannot work with participants"
    if Role.KEY_WORKER not in user.roles:
        return f"{_name(user)} is not a key worker, so cannot work with participants"
    return None


def key_worker_problem(user, programme) -> str | None:
    """Why ``user`` may not hold a record on ``programme`` (None when they may)."""
    problem = key_worker_role_problem(user)
    if problem:
        return problem
    if not works_on(user, programme):
        return f"{_name(user)} does not work on {programme}, so cannot work with its participants"
    return None


def key_worker_check(*, user, programme) -> None:
    """Participant.key_worker: an active key worker on the participant's programme."""
    problem = key_worker_problem(user, programme)
    if problem:
        raise ValidationError({"key_worker": problem})


def supporting_worker_check(*, user, programme) -> None:
    """Participant.supporting_workers: the same as the key worker (they see the whole record)."""
    problem = key_worker_problem(user, programme)
    if problem:
        raise ValidationError({"supporting_workers": problem})


def team_member_check(*, user, team) -> None:
    """TeamMembership.user: an active key worker, on the team's programme when it has one."""
    problem = key_worker_role_problem(user)
    if problem:
        raise ValidationError({"user": problem})
    if team.programme_id and not works_on(user, team.programme):
        raise ValidationError({"user": f"{_name(user)} does not work on {team.programme}, the team's programme"})


def care_requester_check(*, user) -> None:
    """CareRequest.requested_by: only a key worker may ask to hold or share a record.

    They may work on another programme (that is why they ask); the coordinator's decision then
    applies ``key_worker_check`` or ``supporting_worker_check`` for the record's programme.
    """
    if key_worker_role_problem(user):
        raise ValidationError({"requested_by": "Only a key worker can ask for a transfer or shared care. "
                                               "Ask a key worker at your organisation to request it"})
