"""Before proposing someone for work experience, the key worker sees its safeguarding and
insurance on the propose page (issue 21, item 4)."""

import pytest
from django.core.files.base import ContentFile
from django.urls import reverse

from brokerage.opportunities.models import OpportunityType

pytestmark = pytest.mark.django_db


def test_the_propose_page_shows_the_placements_safeguarding(
    login, key_worker, participant, opportunity
):
    opportunity.opportunity_type = OpportunityType.WORK_EXPERIENCE
    opportunity.min_age, opportunity.supervisor_name = 16, "Karen Whitfield"
    opportunity.insurance_confirmed = True
    opportunity.insurance_certificate.save("cert.pdf", ContentFile(b"%PDF-1.4\n"), save=False)
    opportunity.save()
    url = reverse("pipeline:propose", args=[participant.reference])
    page = login(key_worker).get(f"{url}?opportunity={opportunity.pk}").content.decode()
    assert "Safeguarding and insurance" in page and "Karen Whitfield" in page
    assert "Do not propose anyone until the employer has added it" in page  # no risk assessment
    cert = reverse("opportunities:staff_evidence", args=[opportunity.pk, "insurance-certificate"])
    assert f'href="{cert}"' in page
    # a vacancy, or no opportunity chosen yet: no card
    assert "Safeguarding and insurance" not in login(key_worker).get(url).content.decode()
