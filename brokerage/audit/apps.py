from django.apps import AppConfig


class AuditConfig(AppConfig):
    name = "brokerage.audit"
    label = "audit"
    verbose_name = "Audit trail"
