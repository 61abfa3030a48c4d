from django.urls import path

from brokerage.employers import views

app_name = "employers"

urlpatterns = [
    # Employer users: their organisation
    path("employer/", views.dashboard, name="dashboard"),
    path("employer/organisation/new/", views.organisation_create, name="organisation_create"),
    path("employer/join/", views.join, name="join"),
    path("employer/invitations/<str:token>/", views.invitation_accept, name="invitation_accept"),
    path("employer/organisation/<int:pk>/", views.organisation, name="organisation"),
    path("employer/organisation/<int:pk>/edit/", views.organisation_edit, name="organisation_edit"),
    path("employer/organisation/<int:pk>/sites/add/", views.site_add, name="site_add"),
    path("employer/organisation/<int:pk>/sites/<int:site_pk>/remove/", views.site_remove, name="site_remove"),
    path("employer/organisation/<int:pk>/contacts/add/", views.contact_add, name="contact_add"),
    path(
        "employer/organisation/<int:pk>/contacts/<int:contact_pk>/remove/",
        views.contact_remove, name="contact_remove",
    ),
    path("employer/organisation/<int:pk>/members/", views.members, name="members"),
    path("employer/organisation/<int:pk>/members/<int:membership_pk>/", views.member_edit, name="member_edit"),
    path(
        "employer/organisation/<int:pk>/invitations/<int:invitation_pk>/withdraw/",
        views.invitation_cancel, name="invitation_cancel",
    ),
    path(
        "employer/organisation/<int:pk>/join-requests/<int:request_pk>/",
        views.join_request_decide, name="join_request_decide",
    ),
    path(
        "employer/organisation/<int:pk>/partners/<int:relationship_pk>/",
        views.partner_request, name="partner_request",
    ),
    path("employer/organisation/<int:pk>/activity/", views.activity, name="activity"),
    # Partner staff and coordinators
    path("staff/employers/", views.staff_list, name="staff_list"),
    path("staff/employers/partner-requests/", views.partner_requests, name="partner_requests"),
    path(
        "staff/employers/partner-requests/<int:pk>/",
        views.partner_request_review, name="partner_request_review",
    ),
    path("staff/employers/new/", views.staff_create, name="staff_create"),
    path("staff/employers/duplicates/", views.duplicates, name="duplicates"),
    path("staff/employers/merge/<int:first>/<int:second>/", views.merge, name="merge"),
    path("staff/employers/<int:pk>/", views.staff_detail, name="staff_detail"),
    path(
        "staff/employers/<int:pk>/join-requests/<int:request_pk>/",
        views.staff_join_request_decide, name="staff_join_request_decide",
    ),
    path("staff/employers/<int:pk>/edit/", views.staff_edit, name="staff_edit"),
    path("staff/employers/<int:pk>/sites/add/", views.staff_site_add, name="staff_site_add"),
    path("staff/employers/<int:pk>/contacts/add/", views.staff_contact_add, name="staff_contact_add"),
    path("staff/employers/<int:pk>/interactions/add/", views.interaction_add, name="interaction_add"),
    path("staff/employers/<int:pk>/relationship/", views.relationship, name="relationship"),
]
