from django.apps import AppConfig


class OpportunitiesConfig(AppConfig):
    name = "brokerage.opportunities"
    label = "opportunities"
    verbose_name = "Opportunities"
