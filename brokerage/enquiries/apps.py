from django.apps import AppConfig


class EnquiriesConfig(AppConfig):
    name = "brokerage.enquiries"
    label = "enquiries"
    verbose_name = "Employer enquiries"
