from django.apps import AppConfig


class ReferenceConfig(AppConfig):
    name = "brokerage.reference"
    label = "reference"
    verbose_name = "Areas, programmes and partners"
