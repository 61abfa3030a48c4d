from django.apps import AppConfig


class MessagingConfig(AppConfig):
    name = "brokerage.messaging"
    label = "messaging"
    verbose_name = "Emails and texts"
