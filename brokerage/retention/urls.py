from django.urls import path

from brokerage.retention import views

app_name = "retention"

urlpatterns = [
    path("retention/", views.schedule, name="schedule"),
]
