from django.apps import AppConfig


class RetentionConfig(AppConfig):
    name = "brokerage.retention"
    verbose_name = "Data retention"
