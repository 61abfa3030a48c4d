from django import template

from brokerage.opportunities.display import safeguarding_summary

register = template.Library()


@register.inclusion_tag("opportunities/_safeguarding.html")
def safeguarding_card(opportunity, evidence_url: str = "opportunities:staff_evidence") -> dict:
    """Work experience's safeguarding and insurance card, for pages outside this app (the key
    worker's match page). Nothing for other types of opportunity."""
    return {
        "opportunity": opportunity,
        "safeguarding": safeguarding_summary(opportunity),
        "evidence_url": evidence_url,
    }


@register.inclusion_tag("opportunities/_safeguarding.html")
def safeguarding_card_for_choice(bound_field) -> dict:
    """The card for the opportunity chosen in a form's opportunity field (e.g. the key worker's
    propose page, reached with ?opportunity=), looked up only among that field's choices, which
    the view has already scoped to what the key worker may propose for."""
    value = str(bound_field.value() or "")
    opportunity = None
    if value.isdigit():
        opportunity = bound_field.field.queryset.filter(pk=int(value)).first()
    return {
        "opportunity": opportunity,
        "safeguarding": safeguarding_summary(opportunity) if opportunity else None,
        "evidence_url": "opportunities:staff_evidence",
    }
