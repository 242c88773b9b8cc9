"""The printed plan as a person gets it: the button on the plan page, then
page 1 is the whole first season on one sheet for the fridge."""

import io

import pytest
from pypdf import PdfReader

from plans import services
from plans.catalogue import get_catalogue
from tests.e2e.contexts import new_context, printed_pdf
from tests.test_pdf_fridge import LONGEST_SEASON

pytestmark = [pytest.mark.e2e, pytest.mark.django_db(transaction=True)]


@pytest.mark.parametrize("javascript", [True, False], ids=["javascript", "no-javascript"])
def test_print_my_plan_gives_one_fridge_page_then_the_seasons_weeks(
    browser, live_server, javascript
):
    plan = services.plan_create(profile=LONGEST_SEASON, persona="hana-after-ex")
    catalogue = get_catalogue()
    season = [s for s in plan.steps.all() if not catalogue.step(s.slug).is_checkup]
    context = new_context(browser, live_server, width=375, javascript=javascript)
    page = context.new_page()
    page.goto(f"/p/{plan.key}/")
    page.get_by_label("No, show every step in full").check()
    content_type, body = printed_pdf(page, "Print my plan")
    assert content_type == "application/pdf"
    reader = PdfReader(io.BytesIO(body))
    first = " ".join(reader.pages[0].extract_text().split())
    for row in season:
        assert " ".join(catalogue.step(row.slug).title.split()) in first, row.slug
    assert " ".join(reader.pages[1].extract_text().split()).startswith("How to use this")
    # The detail pages are the season's weeks only.
    last_week = max(s.week for s in season)
    rest = " ".join(" ".join(p.extract_text().split()) for p in reader.pages[2:])
    assert f"Week {last_week} " in rest
    assert f"Week {last_week + 1} " not in rest
    context.close()
