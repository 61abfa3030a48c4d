"""The sitemap's opportunity section: every live public opportunity page.

Served with the Wagtail pages at ``/sitemap.xml`` (``portal/urls.py``). Closed opportunities
drop out of it and their pages answer 410 Gone.
"""

from django.contrib.sitemaps import Sitemap
from django.urls import reverse

from brokerage.opportunities.selectors import sitemap_opportunities


class OpportunitySitemap(Sitemap):
    changefreq = "daily"
    priority = 0.6

    def items(self):
        return sitemap_opportunities()

    def location(self, item) -> str:
        return reverse("opportunities:public_detail", args=[item.pk])

    def lastmod(self, item):
        return item.updated_at
