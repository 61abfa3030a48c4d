"""Apprenticeships ask for the standard, the training provider and the off-the-job training, and
pay is checked at the apprentice rate; work experience asks for safeguarding and insurance, with
the evidence uploaded privately and shown to the key worker before anyone is proposed."""

from decimal import Decimal
from pathlib import Path

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.urls import reverse

from brokerage.opportunities.models import Opportunity, OpportunityStatus, OpportunityType
from brokerage.reference.apprenticeships import apprenticeship_standard, apprenticeship_standards
from portal.accounts.roles import Role
from portal.core.files import EICAR
from tests.factories.employers import EmployerMembershipFactory
from tests.factories.opportunities import OpportunityFactory, in_days
from tests.factories.reference import UserFactory

pytestmark = pytest.mark.django_db
S = OpportunityStatus
PDF = b"%PDF-1.4\n% risk assessment\n%%EOF\n"
DOCX = b"PK\x03\x04" + b"\x00" * 40


@pytest.fixture
def member():
    return EmployerMembershipFactory()


def _answers(**overrides) -> dict:
    start, close = in_days(40), in_days(20)
    data = {
        "title": "Trainee", "description": "Learning on the job.", "sector": "logistics",
        "postcode": "TS18 1AA", "places": "2", "hours_per_week": "37.5",
        "start_date_day": start.day, "start_date_month": start.month, "start_date_year": start.year,
        "closing_date_day": close.day, "closing_date_month": close.month,
        "closing_date_year": close.year, "candidate_route": "key_worker", "duration_weeks": "60",
        "continue": "1",
    }
    data.update(overrides)
    return data


def _new(member, kind: str) -> str:
    url = reverse("opportunities:employer_new_details", args=[kind])
    return f"{url}?employer={member.employer.pk}"


def _private_files(settings) -> list[Path]:
    root = Path(settings.PRIVATE_MEDIA_ROOT)
    return [p for p in root.rglob("*") if p.is_file()] if root.exists() else []


# --- the standards list -----------------------------------------------------------------------


def test_the_standards_list_is_read_from_the_file_in_the_repository():
    standards = apprenticeship_standards()
    assert len(standards) >= 25
    assert apprenticeship_standard("st0070").label == "Business administrator (level 3, ST0070)"
    assert all(2 <= s.level <= 7 and s.reference.startswith("ST") for s in standards.values())


# --- apprenticeships --------------------------------------------------------------------------

APPRENTICESHIP = {
    "apprenticeship_standard": "ST0259", "training_provider": "Stockton Riverside College",
    "off_the_job_hours_per_week": "6", "pay_pence": "8.00", "pay_basis": "hour",
}


def test_an_employer_offers_an_apprenticeship_with_its_standard_and_training(login, member):
    client = login(member.user)
    form = client.get(_new(member, "apprenticeship")).content.decode()
    assert "Supply chain warehouse operative (level 2, ST0259)" in form
    assert "Off-the-job training, hours per week" in form
    response = client.post(_new(member, "apprenticeship"), _answers(**APPRENTICESHIP))
    opportunity = Opportunity.objects.get()
    assert response.url == reverse("opportunities:employer_check", args=[opportunity.pk])
    assert (opportunity.apprenticeship_standard, opportunity.apprenticeship_level) == ("ST0259", 2)
    assert opportunity.off_the_job_hours_per_week == Decimal("6")
    check = client.get(response.url).content.decode()
    assert "Supply chain warehouse operative (level 2, ST0259)" in check
    assert "Stockton Riverside College" in check and "6 hours a week" in check
    client.post(response.url)
    opportunity.refresh_from_db()
    assert opportunity.status == S.SUBMITTED


@pytest.mark.parametrize(
    ("overrides", "message"),
    [
        ({"apprenticeship_standard": ""}, "Select the apprenticeship standard"),
        ({"apprenticeship_standard": "ST9999"}, "Select an apprenticeship standard from the list"),
        ({"training_provider": ""}, "Enter the name of the training provider"),
        ({"off_the_job_hours_per_week": ""}, "Enter the hours of off-the-job training each week"),
        ({"off_the_job_hours_per_week": "lots"}, "Off-the-job training must be a number of hours"),
        ({"off_the_job_hours_per_week": "4"},
         "Off-the-job training must be at least 6 hours a week: an apprentice working 30 hours"),
        ({"hours_per_week": "20", "off_the_job_hours_per_week": "3"},
         "Off-the-job training must be at least 4 hours a week: 20% of the 20 hours"),
        ({"pay_pence": "7.00"}, "the legal minimum for apprentices"),
    ],
)
def test_bad_apprenticeship_answers_are_refused_clearly_and_nothing_is_saved(
    login, member, overrides, message
):
    response = login(member.user).post(
        _new(member, "apprenticeship"), _answers(**{**APPRENTICESHIP, **overrides})
    )
    body = response.content.decode()
    assert response.status_code == 200 and "There is a problem" in body and message in body
    assert not Opportunity.objects.exists()


# --- work experience: safeguarding --------------------------------------------------------------


def _work_experience(**overrides) -> dict:
    return _answers(**{
        "duration_weeks": "2", "hours_per_week": "30", "paid": "no", "min_age": "16",
        "supervisor_name": "Karen Whitfield", "insurance_confirmed": "on",
        "risk_assessment": SimpleUploadedFile("risk-assessment.docx", DOCX),
        "insurance_certificate": SimpleUploadedFile("el-insurance.pdf", PDF),
        **overrides,
    })


def test_work_experience_for_under_18s_keeps_the_safeguarding_evidence_privately(
    login, member, settings
):
    client = login(member.user)
    response = client.post(_new(member, "work_experience"), _work_experience())
    opportunity = Opportunity.objects.get()
    assert response.url == reverse("opportunities:employer_check", args=[opportunity.pk])
    assert opportunity.supervisor_name == "Karen Whitfield" and opportunity.insurance_confirmed
    assert opportunity.risk_assessment.name.startswith("risk-assessments/")
    assert opportunity.insurance_certificate.name.startswith("insurance-certificates/")
    assert len(_private_files(settings)) == 2
    client.post(response.url)
    opportunity.refresh_from_db()
    assert opportunity.status == S.SUBMITTED

    detail = client.get(reverse("opportunities:employer_detail", args=[opportunity.pk]))
    link = reverse("opportunities:employer_evidence", args=[opportunity.pk, "risk-assessment"])
    assert f'href="{link}"' in detail.content.decode()
    download = client.get(link)
    assert download.status_code == 200 and b"".join(download.streaming_content) == DOCX
    assert download["Content-Disposition"] == (
        f'attachment; filename="opportunity-{opportunity.pk}-risk-assessment.docx"'
    )


def test_missing_safeguarding_answers_are_named_and_nothing_is_saved(login, member):
    response = login(member.user).post(
        _new(member, "work_experience"),
        _answers(duration_weeks="2", hours_per_week="30", paid="no", min_age="16"),
    )
    body = response.content.decode()
    assert "Enter the name of the person who will supervise young people" in body
    assert "Upload the risk assessment for the placement" in body
    assert "Confirm you hold employer&#x27;s liability insurance" in body
    assert "Upload your employer&#x27;s liability insurance certificate" in body
    assert not Opportunity.objects.exists()


@pytest.mark.parametrize(
    ("field", "name", "content", "message"),
    [
        ("risk_assessment", "risk.exe", b"MZ\x90\x00", "The risk assessment must be a PDF or Word"),
        ("risk_assessment", "risk.pdf", b"<html></html>", "The risk assessment must be a PDF or Word"),
        ("insurance_certificate", "cert.pdf", b"%PDF" + b"0" * (10 * 1024 * 1024),
         "The insurance certificate must be smaller than 10MB"),
    ],
)
def test_a_wrong_type_or_oversize_file_is_refused_and_nothing_is_saved(
    login, member, settings, field, name, content, message
):
    for action in ("continue", "draft"):
        data = _work_experience()
        data.pop("continue")
        data[action] = "1"
        data[field] = SimpleUploadedFile(name, content)
        body = login(member.user).post(_new(member, "work_experience"), data).content.decode()
        assert "There is a problem" in body and message in body
        assert not Opportunity.objects.exists()
        assert _private_files(settings) == []


def test_a_file_the_virus_scanner_refuses_is_not_kept(login, member, settings):
    settings.PRIVATE_FILES_VIRUS_SCANNER = "portal.core.files.virus_scan_eicar_test"
    data = _work_experience(
        insurance_certificate=SimpleUploadedFile("cert.pdf", b"%PDF-1.4\n" + EICAR)
    )
    body = login(member.user).post(_new(member, "work_experience"), data).content.decode()
    assert "The selected file contains a virus" in body
    assert not Opportunity.objects.exists()
    assert _private_files(settings) == []


# --- what the key worker sees, and who gets the files --------------------------------------------


@pytest.fixture
def placement(login, member):
    client = login(member.user)
    client.post(_new(member, "work_experience"), _work_experience())
    opportunity = Opportunity.objects.get()
    Opportunity.objects.filter(pk=opportunity.pk).update(status=S.LIVE)
    client.logout()
    return opportunity


def test_the_key_worker_sees_safeguarding_before_proposing_and_opens_the_evidence(
    login, placement
):
    client = login(UserFactory(role=Role.KEY_WORKER))
    page = client.get(reverse("opportunities:staff_detail", args=[placement.pk])).content.decode()
    assert "Safeguarding and insurance" in page and "Karen Whitfield" in page
    assert "open to people under 18" in page and "is missing" not in page
    link = reverse("opportunities:staff_evidence", args=[placement.pk, "insurance-certificate"])
    assert f'href="{link}"' in page
    response = client.get(link)
    assert response.status_code == 200 and b"".join(response.streaming_content) == PDF


def test_the_key_worker_is_warned_when_safeguarding_is_missing(login):
    opportunity = OpportunityFactory(
        opportunity_type=OpportunityType.WORK_EXPERIENCE, status=S.LIVE, min_age=None
    )
    page = login(UserFactory(role=Role.KEY_WORKER)).get(
        reverse("opportunities:staff_detail", args=[opportunity.pk])
    ).content.decode()
    assert "Do not propose anyone until the employer has added it" in page
    assert "Download" not in page


@pytest.mark.parametrize("who", ["other_employer", "employer_on_staff_url", "editor"])
def test_people_not_entitled_get_404_for_the_evidence(login, placement, who):
    kinds = ("risk-assessment", "insurance-certificate")
    if who == "other_employer":
        client = login(EmployerMembershipFactory().user)
        urls = [reverse("opportunities:employer_evidence", args=[placement.pk, k]) for k in kinds]
    elif who == "employer_on_staff_url":
        client = login(EmployerMembershipFactory().user)
        urls = [reverse("opportunities:staff_evidence", args=[placement.pk, k]) for k in kinds]
        urls += [reverse("opportunities:moderation_evidence", args=[placement.pk, k]) for k in kinds]
    else:
        client = login(UserFactory(role=Role.EDITOR))
        urls = [reverse("opportunities:staff_evidence", args=[placement.pk, k]) for k in kinds]
    for url in urls:
        assert client.get(url).status_code == 404


def test_a_key_worker_cannot_open_a_draft_placements_evidence_and_strangers_sign_in(
    client, login, placement
):
    url = reverse("opportunities:staff_evidence", args=[placement.pk, "risk-assessment"])
    response = client.get(url)
    assert response.status_code == 302 and "login" in response.url
    Opportunity.objects.filter(pk=placement.pk).update(status=S.DRAFT)
    assert login(UserFactory(role=Role.KEY_WORKER)).get(url).status_code == 404
    other = reverse("opportunities:staff_evidence", args=[placement.pk, "payslip"])
    assert client.get(other).status_code == 404


# --- demo data ----------------------------------------------------------------------------------


def test_the_demo_has_a_complete_apprenticeship_and_work_experience_placement(settings):
    from io import StringIO

    from brokerage.opportunities import demo
    from brokerage.opportunities.rules import opportunity_errors
    from tests.factories.employers import EmployerFactory

    EmployerFactory(name="Tees Components Ltd", postcode="TS18 2NT")
    EmployerFactory(name="Thornaby Freight Services Ltd", postcode="TS17 6BL")
    for _ in range(2):  # idempotent: no second copy of the evidence
        demo._load_tees(StringIO())
        demo._load_answers(StringIO())
    apprenticeship = Opportunity.objects.get(title="Engineering apprentice")
    assert (apprenticeship.apprenticeship_standard, apprenticeship.apprenticeship_level) == (
        "ST0457", 3
    )
    placement = Opportunity.objects.get(title="Warehouse work experience")
    assert placement.supervisor_name and placement.insurance_confirmed
    assert placement.risk_assessment and placement.insurance_certificate
    assert len(_private_files(settings)) == 2
    for opportunity in (apprenticeship, placement):
        errors = opportunity_errors(opportunity)
        assert not set(errors) & {
            "apprenticeship_standard", "training_provider", "off_the_job_hours_per_week",
            "supervisor_name", "risk_assessment", "insurance_confirmed", "insurance_certificate",
            "pay_pence",
        }, errors
