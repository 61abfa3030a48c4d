from django.apps import AppConfig


class EmployersConfig(AppConfig):
    name = "brokerage.employers"
    label = "employers"
    verbose_name = "Employers"
