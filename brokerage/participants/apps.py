from django.apps import AppConfig


class ParticipantsConfig(AppConfig):
    name = "brokerage.participants"
    label = "participants"
    verbose_name = "Participants and caseloads"
