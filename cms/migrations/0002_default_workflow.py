"""Every page goes through moderation: assign the "Moderators approval" workflow to the root.

Wagtail creates this workflow on a fresh database; this makes sure of it (and is harmless
when it already exists). See docs/cms.md for who edits and who approves.
"""

from django.db import migrations


def ensure_default_workflow(apps, schema_editor):
    Group = apps.get_model("auth", "Group")
    ContentType = apps.get_model("contenttypes", "ContentType")
    Page = apps.get_model("wagtailcore", "Page")
    GroupApprovalTask = apps.get_model("wagtailcore", "GroupApprovalTask")
    Workflow = apps.get_model("wagtailcore", "Workflow")
    WorkflowTask = apps.get_model("wagtailcore", "WorkflowTask")
    WorkflowPage = apps.get_model("wagtailcore", "WorkflowPage")

    root = Page.objects.filter(depth=1).order_by("path").first()
    if root is None or WorkflowPage.objects.filter(page=root).exists():
        return
    moderators, _ = Group.objects.get_or_create(name="Moderators")
    task = GroupApprovalTask.objects.filter(active=True, groups=moderators).first()
    if task is None:
        content_type, _ = ContentType.objects.get_or_create(
            app_label="wagtailcore", model="groupapprovaltask"
        )
        task = GroupApprovalTask.objects.create(
            name="Moderators approval", content_type=content_type, active=True
        )
        task.groups.set([moderators])
    workflow = Workflow.objects.filter(active=True, workflow_tasks__task=task).first()
    if workflow is None:
        workflow = Workflow.objects.create(name="Moderators approval", active=True)
        WorkflowTask.objects.create(workflow=workflow, task=task, sort_order=0)
    WorkflowPage.objects.create(workflow=workflow, page=root)


class Migration(migrations.Migration):
    dependencies = [
        ("cms", "0001_initial"),
        ("auth", "0012_alter_user_first_name_max_length"),
        ("contenttypes", "0002_remove_content_type_name"),
        ("wagtailcore", "0098_apitoken"),
    ]

    operations = [migrations.RunPython(ensure_default_workflow, migrations.RunPython.noop)]
