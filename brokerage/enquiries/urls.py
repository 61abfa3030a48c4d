from django.urls import path

from brokerage.enquiries import views

app_name = "enquiries"

urlpatterns = [
    path("employers/enquire/", views.enquiry_start, name="start"),
    path("employers/enquire/check/", views.enquiry_check, name="check"),
    path("employers/enquire/sent/", views.enquiry_sent, name="sent"),
    path("employers/enquire/<slug:step>/", views.enquiry_step, name="step"),
    path("employers/enquiry/", views.enquiry_follow, name="follow"),
    path("employers/enquiry/<str:token>/", views.enquiry_follow_link, name="follow_link"),
    path("partner/enquiries/", views.inbox, name="inbox"),
    path("partner/enquiries/responsiveness/", views.responsiveness, name="responsiveness"),
    path("partner/enquiries/<int:pk>/", views.item_detail, name="item"),
    path("partner/enquiries/<int:pk>/accept/", views.item_accept, name="accept"),
    path("partner/enquiries/<int:pk>/contact/", views.item_contact, name="contact"),
    path("partner/enquiries/<int:pk>/close/", views.item_close, name="close"),
    path("partner/enquiries/<int:pk>/reassign/", views.item_reassign, name="reassign"),
]
