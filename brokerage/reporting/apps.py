from django.apps import AppConfig


class ReportingConfig(AppConfig):
    name = "brokerage.reporting"
    label = "reporting"
    verbose_name = "Reporting"

    def ready(self) -> None:
        from brokerage.reporting import summaries

        summaries.connect()
