from django.urls import path

from brokerage.api import views

# The API itself is at /api/v1/ (``brokerage.api.api.api.urls``, included in portal/urls.py: the
# django-ninja URLs carry their own namespace, so they cannot sit inside this app's).
app_name = "api"

urlpatterns = [
    path("partner/api-tokens/", views.token_list, name="token_list"),
    path("partner/api-tokens/new/", views.token_create, name="token_create"),
    path("partner/api-tokens/<int:pk>/revoke/", views.token_revoke, name="token_revoke"),
]
