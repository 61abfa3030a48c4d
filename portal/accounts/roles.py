"""Roles are Django groups. Each role's model permissions are listed here, in one place.

Object-level access (which caseload, which employer, which programme) is decided by each
app's selectors from the user's memberships and assignments, never by the role alone.
"""

from django.db import models


class Role(models.TextChoices):
    EMPLOYER = "employer", "Employer"
    PARTNER_STAFF = "partner_staff", "Partner staff"
    KEY_WORKER = "key_worker", "Key worker"
    COORDINATOR = "coordinator", "Coordinator"
    FINANCE_OFFICER = "finance_officer", "Finance officer"
    EDITOR = "editor", "Editor"


# Roles whose users must use two-factor authentication.
STAFF_ROLES = frozenset(
    {Role.PARTNER_STAFF, Role.KEY_WORKER, Role.COORDINATOR, Role.FINANCE_OFFICER, Role.EDITOR}
)

# Roles that may open the Wagtail admin (editors for pages; coordinators for routing rules,
# partners and reference data kept there as snippets).
ADMIN_ROLES = frozenset({Role.EDITOR, Role.COORDINATOR})

_PAGE_EDITING = [
    "wagtailadmin.access_admin",
    "wagtailimages.add_image",
    "wagtailimages.change_image",
    "wagtailimages.choose_image",
    "wagtaildocs.add_document",
    "wagtaildocs.change_document",
    "wagtaildocs.choose_document",
    "cms.change_sitesettings",
]

# role -> "app_label.codename" permissions. Apps add their models' permissions here.
ROLE_PERMISSIONS: dict[str, list[str]] = {
    Role.EMPLOYER: [],
    Role.PARTNER_STAFF: [],
    Role.KEY_WORKER: [],
    Role.COORDINATOR: [
        "wagtailadmin.access_admin",
        "reference.add_partner",
        "reference.change_partner",
        "reference.view_partner",
        "reference.view_area",
        "reference.view_programme",
        "reference.change_programme",
        "reference.view_target",
        "reference.add_target",
        "reference.change_target",
        # Enquiry routing rules (brokerage.enquiries), edited as snippets.
        "enquiries.add_routingrule",
        "enquiries.change_routingrule",
        "enquiries.delete_routingrule",
        "enquiries.view_routingrule",
        # Opportunity gateway rules (brokerage.opportunities), edited as snippets.
        "opportunities.add_opportunityrule",
        "opportunities.change_opportunityrule",
        "opportunities.delete_opportunityrule",
        "opportunities.view_opportunityrule",
        "opportunities.add_minimumwagerate",
        "opportunities.change_minimumwagerate",
        "opportunities.view_minimumwagerate",
        "opportunities.add_bannedphrase",
        "opportunities.change_bannedphrase",
        "opportunities.delete_bannedphrase",
        "opportunities.view_bannedphrase",
        # Participants (brokerage.participants): eligibility rules and teams, as snippets.
        "participants.add_eligibilityrule",
        "participants.change_eligibilityrule",
        "participants.delete_eligibilityrule",
        "participants.view_eligibilityrule",
        "participants.add_team",
        "participants.change_team",
        "participants.view_team",
        # Pipeline (brokerage.pipeline): checkpoint rules and route-ways, as snippets.
        "pipeline.add_checkpointrule",
        "pipeline.change_checkpointrule",
        "pipeline.view_checkpointrule",
        "pipeline.add_routeway",
        "pipeline.change_routeway",
        "pipeline.view_routeway",
        # Reports (brokerage.reporting): which opportunity types count toward each measure.
        "reporting.add_measurerule",
        "reporting.change_measurerule",
        "reporting.delete_measurerule",
        "reporting.view_measurerule",
        # Flexible fund (brokerage.payments): budgets, limits, catalogue, suppliers, as snippets.
        "payments.add_fundbudget",
        "payments.change_fundbudget",
        "payments.view_fundbudget",
        "payments.add_fundsettings",
        "payments.change_fundsettings",
        "payments.view_fundsettings",
        "payments.add_fundcatalogueitem",
        "payments.change_fundcatalogueitem",
        "payments.view_fundcatalogueitem",
        "payments.add_supplier",
        "payments.change_supplier",
        "payments.view_supplier",
        # Employer incentive schemes (brokerage.payments), as snippets.
        "payments.add_incentivescheme",
        "payments.change_incentivescheme",
        "payments.view_incentivescheme",
        # How long personal data is kept (brokerage.retention), as snippets.
        "retention.add_retentionschedule",
        "retention.change_retentionschedule",
        "retention.view_retentionschedule",
    ],
    Role.FINANCE_OFFICER: [],
    Role.EDITOR: _PAGE_EDITING
    + [
        "reference.add_partner",
        "reference.change_partner",
        "reference.view_partner",
    ],
}


def sync_role_groups(**kwargs) -> None:
    """Create one group per role and give it exactly the permissions listed above.

    Runs after every ``migrate``; safe to run any number of times.
    """
    from django.contrib.auth.models import Group, Permission

    for role in Role:
        group, _ = Group.objects.get_or_create(name=role.label)
        wanted = []
        for dotted in ROLE_PERMISSIONS.get(role, []):
            app_label, codename = dotted.split(".", 1)
            perm = Permission.objects.filter(
                content_type__app_label=app_label, codename=codename
            ).first()
            if perm is not None:
                wanted.append(perm)
        group.permissions.set(wanted)
    _grant_editor_page_permissions()


def _grant_editor_page_permissions() -> None:
    """Editors add and change pages and submit them for moderation, but do not publish.

    Publishing is the "Moderators approval" workflow task, done by Wagtail's "Moderators"
    group (see docs/cms.md), so any publish permission left from earlier set-ups is removed.
    """
    from django.contrib.auth.models import Group, Permission
    from wagtail.models import GroupPagePermission, Page

    root = Page.get_first_root_node()
    if root is None:
        return
    editors = Group.objects.get(name=Role.EDITOR.label)
    for codename in ("add_page", "change_page"):
        perm = Permission.objects.filter(
            content_type__app_label="wagtailcore", codename=codename
        ).first()
        if perm is not None:
            GroupPagePermission.objects.get_or_create(group=editors, page=root, permission=perm)
    GroupPagePermission.objects.filter(
        group=editors, permission__content_type__app_label="wagtailcore",
        permission__codename="publish_page",
    ).delete()
