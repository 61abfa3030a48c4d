from django.apps import AppConfig


class AccountsConfig(AppConfig):
    name = "portal.accounts"
    label = "accounts"
    verbose_name = "Accounts and roles"

    def ready(self) -> None:
        from django.db.models.signals import post_migrate

        from portal.accounts.roles import sync_role_groups

        post_migrate.connect(sync_role_groups, sender=self)
