from django.urls import path

from brokerage.messaging import views

app_name = "messaging"

urlpatterns = [
    path("notify/callbacks/delivery/", views.notify_delivery, name="notify_delivery"),
    path("notify/callbacks/received-text/", views.notify_inbound_text, name="notify_inbound_text"),
    path("account/messages/", views.preferences, name="preferences"),
    path("messages/preferences/<str:token>/", views.preferences_link, name="preferences_link"),
]
