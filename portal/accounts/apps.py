from django.apps import AppConfig, apps


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        post_migrate.connect(_sync_after_last_app, dispatch_uid="accounts.sync_role_groups")


def _sync_after_last_app(sender, **kwargs) -> None:
    """Sync the role groups once every app's permissions exist.

    ``migrate`` sends ``post_migrate`` once per app, in INSTALLED_APPS order, and Django creates
    each app's permissions in that app's turn; this app comes first, so syncing in its own turn
    would find none of the other apps' permissions. Run in the last app's turn instead.
    """
    from portal.accounts.roles import sync_role_groups

    with_models = [config for config in apps.get_app_configs() if config.models_module is not None]
    if with_models and sender.label == with_models[-1].label:
        sync_role_groups(**kwargs)
