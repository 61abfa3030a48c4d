from django.urls import path

from search import views

app_name = "search"

urlpatterns = [
    path("search/", views.staff_search, name="staff_search"),
    path("search/saved/", views.saved_searches, name="saved_searches"),
    path("search/saved/<int:pk>/", views.saved_search_open, name="saved_search_open"),
    path("search/saved/<int:pk>/delete/", views.saved_search_delete, name="saved_search_delete"),
    path("participants/<str:reference>/matches/", views.participant_matches, name="participant_matches"),
    path(
        "participants/<str:reference>/matches/<int:opportunity_pk>/archive/",
        views.participant_match_archive, name="participant_match_archive",
    ),
    path("participants/<str:reference>/matches/archived/", views.participant_archived, name="participant_archived"),
    path("opportunities/<int:pk>/candidates/", views.opportunity_candidates, name="opportunity_candidates"),
    path("opportunities/<int:pk>/candidates/archived/", views.opportunity_archived, name="opportunity_archived"),
    path(
        "opportunities/<int:pk>/candidates/<str:reference>/archive/",
        views.candidate_archive, name="candidate_archive",
    ),
]
