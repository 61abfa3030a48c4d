from django.urls import path

from brokerage.pipeline import evidence_views, views

app_name = "pipeline"

urlpatterns = [
    # Key workers and coordinators
    path("pipeline/", views.home, name="home"),
    path("pipeline/proposals/<int:pk>/", views.proposal_detail, name="proposal"),
    path("pipeline/proposals/<int:pk>/decide/", views.proposal_decide, name="proposal_decide"),
    path("pipeline/proposals/<int:pk>/start/", views.placement_start, name="placement_start"),
    path("pipeline/questions/<int:pk>/answer/", views.question_answer, name="question_answer"),
    path("pipeline/placements/<int:pk>/", views.placement_detail, name="placement"),
    path("pipeline/placements/<int:pk>/progression/", views.progression, name="progression"),
    path("pipeline/placements/<int:pk>/support/", views.support, name="support"),
    path("pipeline/placements/<int:pk>/leaver/", views.leaver, name="leaver"),
    path(
        "pipeline/checkpoints/<int:pk>/evidence/",
        views.checkpoint_evidence,
        name="checkpoint_evidence",
    ),
    path(
        "pipeline/checkpoints/<int:pk>/resend/", views.checkpoint_resend, name="checkpoint_resend"
    ),
    # The evidence ladder's key-worker rungs (services/evidence.py).
    path("pipeline/checkpoints/<int:pk>/call/", evidence_views.checkpoint_call, name="checkpoint_call"),
    path(
        "pipeline/checkpoints/<int:pk>/payslip/",
        evidence_views.checkpoint_payslip,
        name="checkpoint_payslip",
    ),
    path(
        "pipeline/checkpoints/<int:pk>/payslip/file/",
        evidence_views.checkpoint_payslip_file,
        name="checkpoint_payslip_file",
    ),
    path("pipeline/mentors/", views.mentors, name="mentors"),
    path("participants/<str:reference>/pipeline/", views.participant_pipeline, name="participant"),
    path("participants/<str:reference>/propose/", views.propose, name="propose"),
    path("participants/<str:reference>/route-way/", views.route_way, name="route_way"),
    path("participants/<str:reference>/mentoring/", views.mentor_choose, name="mentor_choose"),
    path(
        "participants/<str:reference>/mentoring/<int:mentor_pk>/",
        views.mentoring_agree,
        name="mentoring_agree",
    ),
    # Mentors (employer volunteers) and key workers
    path("mentoring/<int:pk>/", views.mentoring_agreement, name="mentoring_agreement"),
    path("mentoring/<int:pk>/close/", views.mentoring_close, name="mentoring_close"),
    # Employers
    path("employer/candidates/", views.employer_candidates, name="employer_candidates"),
    path("employer/candidates/<int:pk>/", views.employer_candidate, name="employer_candidate"),
    path(
        "employer/candidates/<int:pk>/question/", views.employer_question, name="employer_question"
    ),
    path("employer/candidates/<int:pk>/decide/", views.employer_decide, name="employer_decide"),
    path(
        "employer/candidates/<int:pk>/interview/",
        views.employer_interview,
        name="employer_interview",
    ),
    path("employer/candidates/<int:pk>/decline/", views.employer_decline, name="employer_decline"),
    path("employer/checkpoints/<int:pk>/", views.employer_checkpoint, name="employer_checkpoint"),
    path("employer/mentoring/", views.employer_mentoring, name="employer_mentoring"),
    # The emailed confirmation link (no login)
    path("checkpoints/confirm/<str:token>/", views.checkpoint_link, name="checkpoint_link"),
]
