from django.apps import AppConfig


class PipelineConfig(AppConfig):
    name = "brokerage.pipeline"
    label = "pipeline"
    verbose_name = "Brokerage pipeline"
