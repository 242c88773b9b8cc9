"""Regions: helplines and reporting routes in one place, filled into the steps
for the person's country, and no phone number written into a step text."""

import dataclasses
import datetime

import pytest
from django.urls import reverse

from plans import regions
from plans.catalogue import SAFETY_PLAN_SLUG, get_catalogue
from plans.content_rules import check_step
from tests.factories import ANSWERS, AT_RISK_ANSWERS, finish_assessment, made_by, make_plan

FAMILY = {**AT_RISK_ANSWERS, "adversaries": ["family"]}


def test_every_region_holds_every_fact_with_a_source_and_a_review_date():
    loaded = regions.get_regions()
    assert loaded.default == "nz"
    assert {"nz", "au", "uk", "us", "ie", "ca"} <= set(loaded.regions)
    for region in loaded.regions.values():
        assert set(region.facts) == set(regions.FACTS)
        for fact in region.facts.values():
            assert fact.text and fact.source.startswith("https://")
            assert isinstance(fact.last_reviewed, datetime.date)


@pytest.mark.parametrize(
    ("header", "code"),
    [
        ("en-AU,en;q=0.9", "au"),
        ("en-GB", "uk"),
        ("en-US,en;q=0.8", "us"),
        ("es-US,es;q=0.9", "us"),
        ("ga-IE, en-IE;q=0.8", "ie"),
        ("fr-CA", "ca"),
        ("en-NZ", "nz"),
        ("de-DE,de;q=0.9", "nz"),
        ("", "nz"),
    ],
)
def test_the_browsers_language_guesses_the_region(header, code):
    assert regions.guess_region(header) == code


def test_no_step_keeps_a_placeholder_in_any_region():
    catalogue = get_catalogue()
    for code in regions.get_regions().regions:
        for step in catalogue.steps.values():
            shown = regions.localise(step, region=code, adversaries=("family",))
            texts = [shown.summary, shown.why, shown.good_enough or "", shown.example]
            texts += [shown.mentor_script, *(h.how for h in shown.platforms)]
            assert not [t for t in texts if "{" in t], (code, step.slug)


def test_the_safety_plan_step_names_the_regions_own_lines():
    step = get_catalogue().step(SAFETY_PLAN_SLUG)
    (how,) = [h.how for h in regions.localise(step, region="uk").platforms]
    assert "the National Domestic Abuse Helpline on 0808 2000 247" in how
    assert "call 999" in how
    assert "0800 733 843" not in how


def test_where_family_is_a_worry_the_elder_abuse_line_is_offered_too():
    step = get_catalogue().step(SAFETY_PLAN_SLUG)
    (with_family,) = regions.localise(step, region="nz", adversaries=["family"]).platforms
    (partner_only,) = regions.localise(step, region="nz", adversaries=["partner"]).platforms
    assert "Women's Refuge on 0800 733 843" in with_family.how
    assert "the Elder Abuse Response Service on 0800 32 668 65" in with_family.how
    assert "Elder Abuse" not in partner_only.how


@pytest.mark.parametrize(
    "text",
    ["Call Women's Refuge on 0800 733 843.", "If you are not safe, call 111.", "Text 7726 now."],
)
def test_content_check_fails_on_a_phone_number_written_into_a_step(text):
    step = get_catalogue().step(SAFETY_PLAN_SLUG)
    bad = dataclasses.replace(step, summary=text)
    reasons = [p.reason for p in check_step(bad, step.last_reviewed)]
    assert any("use a region placeholder" in r for r in reasons), reasons


def test_content_check_fails_on_an_unknown_placeholder():
    step = get_catalogue().step(SAFETY_PLAN_SLUG)
    bad = dataclasses.replace(step, summary="Call {helpline_typo} today.")
    assert any("not a region placeholder" in p.reason for p in check_step(bad, step.last_reviewed))


@pytest.mark.django_db
def test_a_plan_made_from_an_australian_browser_names_australian_lines(client):
    finish_assessment(client, AT_RISK_ANSWERS)
    response = client.post(reverse("plans:create"), HTTP_ACCEPT_LANGUAGE="en-AU", follow=True)
    page = response.content.decode()
    assert "1800RESPECT on 1800 737 732" in page
    assert "<strong>Australia</strong>" in page


@pytest.mark.django_db
def test_a_region_switch_changes_the_helpline_on_the_safety_plan_step(client):
    plan = made_by(client, make_plan(AT_RISK_ANSWERS))
    assert plan.region == "nz"
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "Women&#x27;s Refuge on 0800 733 843" in page

    response = client.post(reverse("plans:set_region", args=[plan.key]), {"region": "us"})
    assert response.status_code == 302
    page = client.get(plan.get_absolute_url()).content.decode()
    assert "the National Domestic Violence Hotline on 1-800-799-7233" in page
    assert "0800 733 843" not in page
    assert "Your steps now name the helplines for United States." in page


@pytest.mark.django_db
def test_a_country_we_do_not_know_changes_nothing_and_says_so(client):
    plan = made_by(client, make_plan(ANSWERS))
    response = client.post(
        reverse("plans:set_region", args=[plan.key]), {"region": "<x>"}, follow=True
    )
    assert "Please pick one of the countries in the list." in response.content.decode()
    plan.refresh_from_db()
    assert plan.region == "nz"
