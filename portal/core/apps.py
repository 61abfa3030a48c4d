from django.apps import AppConfig


class CoreConfig(AppConfig):
    name = "portal.core"
    label = "core"
    verbose_name = "Portal"

    def ready(self):
        from django.db.models import JSONField

        from portal.core import files  # noqa: F401  (registers the private-files system check)
        from portal.core.lookups import HasItem

        JSONField.register_lookup(HasItem)

        from portal.core import public_cache

        public_cache.connect()  # forget cached public pages when what they show changes
