"""Report 2, Plan 500 strands: employers registered and opportunities created per strand."""

from __future__ import annotations

from brokerage.opportunities.selectors import strand_report
from brokerage.reference.models import Programme
from brokerage.reporting.tables import PERCENT, TEXT, Chart, Column, Table, share


def strand_table(programme: Programme) -> Table | None:
    """The opportunities app's strand report (one source of truth), as a table."""
    if not programme.strands.exists():
        return None
    report = strand_report(programme)
    rows = [
        {
            "strand": row.strand.name, "target": row.target,
            "employers": row.employers_registered, "created": row.opportunities_created,
            "share": share(row.opportunities_created, row.target),
        }
        for row in report.rows
    ]
    return Table(
        slug="strands",
        caption="Employers registered and opportunities created, by strand",
        columns=[
            Column("strand", "Strand", TEXT),
            Column("target", "Target (opportunities)"),
            Column("employers", "Employers registered"),
            Column("created", "Opportunities created"),
            Column("share", "Created as a share of target", PERCENT),
        ],
        rows=rows,
        total={
            "strand": "Total",
            "target": report.target_total,
            "employers": report.employers_registered_total,
            "created": report.opportunities_created_total,
            "share": share(report.opportunities_created_total, report.target_total),
        },
        notes=[
            f"Distinct employers: {report.distinct_employers}. An employer can register "
            "in more than one strand, so the employers column adds up to more than this.",
            "Opportunities created are the places in opportunities that "
            "have gone live, counted to date for the current target "
            "period; the date and area filters do not apply to this table.",
        ],
        chart=Chart(
            "bar",
            "strand",
            [("Target", "target"), ("Opportunities created", "created")],
            "Opportunities created against target, by strand",
            "opportunities",
        ),
    )
