"""The report pages, filters, charts and exports, as a coordinator sees them."""

import csv
import io

from openpyxl import load_workbook


def test_outcome_page_shows_chart_table_and_definitions(records, coordinator, login):
    page = login(coordinator).get("/reports/test-programme/outcomes/").content.decode()
    assert 'role="img"' in page
    assert "<title id=\"chart-outcomes-title\">Targets and outcomes" not in page
    assert 'aria-labelledby="chart-outcomes-title chart-outcomes-desc"' in page
    assert "Targets against actuals" in page
    assert "Each person counts once per measure" in page
    assert "<script" not in page.split("</header>")[1].split("<footer")[0]


def test_every_report_renders(records, coordinator, login):
    client = login(coordinator)
    for kind in ("outcomes", "funnel", "front-door", "money"):
        response = client.get(f"/reports/test-programme/{kind}/")
        assert response.status_code == 200, kind
    assert client.get("/reports/test-programme/strands/").status_code == 404  # no strands
    assert client.get("/reports/test-programme/outcomes/print/").status_code == 200


def test_bad_dates_get_a_clear_message(records, coordinator, login):
    client = login(coordinator)
    page = client.get(
        "/reports/test-programme/outcomes/?date_from_day=31&date_from_month=2&date_from_year=2025"
    ).content.decode()
    assert "There is a problem" in page
    assert "Enter a real date" in page
    assert "Targets against actuals" not in page
    page = client.get(
        "/reports/test-programme/outcomes/?date_from_day=1&date_from_month=6&date_from_year=2025"
        "&date_to_day=1&date_to_month=5&date_to_year=2025"
    ).content.decode()
    assert "must be the same as or after" in page


def test_csv_export_has_the_figures(records, coordinator, login):
    response = login(coordinator).get("/reports/test-programme/outcomes/export/outcomes.csv")
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/csv")
    assert "attachment" in response["Content-Disposition"]
    rows = list(csv.reader(io.StringIO(response.content.decode())))
    assert rows[0] == ["Targets against actuals"]
    header = rows.index([
        "Measure", "Programme-wide target", "Sum of the areas’ targets",
        "Target used for the total", "Target is", "Actual (different people)",
        "Actual as a share of target (%)",
    ])
    body = {row[0]: row for row in rows[header + 1:] if row}
    assert body["Starts"][5] == "8"
    assert body["Sustained 26 weeks"][5] == "2"


def test_xlsx_export_has_the_figures_as_numbers(records, coordinator, north, login):
    response = login(coordinator).get(
        f"/reports/test-programme/outcomes/export/outcomes-by-area.xlsx?area={north.pk}"
    )
    assert response.status_code == 200
    sheet = load_workbook(io.BytesIO(response.content)).active
    values = [row for row in sheet.iter_rows(values_only=True)]
    assert ("Area: Northtown",) == values[3][:1]
    starts = next(row for row in values if row[:2] == ("Northtown", "Starts"))
    assert starts[3] == 5
    assert not any(row[0] == "Southville" for row in values if row)


def test_export_of_an_unknown_table_is_404(records, coordinator, login):
    assert (
        login(coordinator).get("/reports/test-programme/outcomes/export/nope.csv").status_code
        == 404
    )
