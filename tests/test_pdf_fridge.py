"""Page 1 of the printed plan is the first season on one page, for the fridge."""

import io

import pytest
from pypdf import PdfReader

from personas.profile import Profile
from plans import pdf, services
from plans.catalogue import get_catalogue
from tests.factories import make_plan

pytestmark = pytest.mark.django_db

# The longest first season of 3,000 random people (27 steps before the
# check-ups): three devices, three worries, no habits, 94 minutes a week.
LONGEST_SEASON = Profile(
    capability=3,
    devices=("iphone", "windows", "chromebook"),
    visibility="private",
    adversaries=("partner", "harassers", "government"),
    adversaries_given=True,
    habits=(),
    minutes_per_week=94,
    group="unsure",
    safe_to_email=False,
    safe_device=False,
)


def _printed(plan, **query: str) -> PdfReader:
    options = pdf.print_options_for(plan=plan, query=query)
    return PdfReader(io.BytesIO(pdf.plan_pdf_render(plan=plan, options=options)))


def _words(page) -> str:
    return " ".join(page.extract_text().split())


@pytest.mark.parametrize("paper", ["a4", "letter"])
def test_the_longest_first_season_fits_page_one_with_a_box_for_every_step(paper):
    plan = services.plan_create(profile=LONGEST_SEASON, persona="hana-after-ex")
    catalogue = get_catalogue()
    season = [s for s in plan.steps.all() if not catalogue.step(s.slug).is_checkup]
    assert len(season) >= 26
    reader = _printed(plan, paper=paper, discreet="off")
    first, second = _words(reader.pages[0]), _words(reader.pages[1])
    for row in season:
        assert " ".join(catalogue.step(row.slug).title.split()) in first, row.slug
    assert f"Week {max(s.week for s in season)}" in first
    assert "Then a check-up in weeks" in first
    assert second.startswith("How to use this")  # nothing of page 1 ran over
    # Page 1, the how-to page, the season's 14 weeks with a how-to for each
    # of three devices, the notes: 22 pages on A4 today, and no check-up weeks.
    assert len(reader.pages) <= 24
    rest = " ".join(_words(page) for page in reader.pages[2:])
    assert f"Week {max(s.week for s in season) + 1} " not in rest


def test_in_discreet_mode_page_one_names_no_private_step():
    plan = services.plan_create(profile=LONGEST_SEASON, persona="hana-after-ex")
    first = _words(_printed(plan).pages[0])  # low-key, so discreet by default
    assert "A step for week 1" in first
    assert "helpline" not in first.lower()
    assert "Little Steps" not in first


def test_an_ordinary_plan_prints_its_season_only():
    reader = _printed(make_plan())
    assert _words(reader.pages[1]).startswith("How to use this")
    # 15 pages today: page 1, how to use it, the season's weeks, the notes.
    assert len(reader.pages) <= 16
