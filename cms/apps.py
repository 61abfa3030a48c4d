from django.apps import AppConfig


class CmsConfig(AppConfig):
    name = "cms"
    label = "cms"
    verbose_name = "Front door pages"

    def ready(self) -> None:
        from cms import notifications, signals

        signals.connect()
        notifications.connect()
