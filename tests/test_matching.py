import dataclasses
import itertools
from types import MappingProxyType

import pytest

from personas.catalogue import (
    ADVERSARIES,
    CAPABILITY,
    DEVICES,
    GROUPS,
    HABITS,
    VISIBILITY,
    Persona,
    PersonaCatalogue,
    load,
)
from personas.matching import best_match, rank
from personas.profile import Profile, profile_from_answers

CATALOGUE = load()


def profile_like(persona: Persona) -> Profile:
    return profile_from_answers(
        {
            "devices": list(persona.devices),
            "capability": persona.capability,
            "habits": [],
            "visibility": persona.visibility,
            "adversaries": list(persona.worries),
            "minutes_per_week": 20,
            "group": persona.group,
        }
    )


def profile(**answers) -> Profile:
    base = {
        "devices": ["android"],
        "capability": 2,
        "habits": [],
        "visibility": "some",
        "adversaries": ["scammers"],
        "minutes_per_week": 10,
        "group": "unsure",
    }
    return profile_from_answers({**base, **answers})


def catalogue_of(*personas: Persona) -> PersonaCatalogue:
    return dataclasses.replace(CATALOGUE, personas=MappingProxyType({p.slug: p for p in personas}))


@pytest.mark.parametrize("slug", list(CATALOGUE.personas))
def test_every_persona_is_the_best_match_for_someone_just_like_them(slug):
    persona = CATALOGUE.personas[slug]
    ranking = rank(profile_like(persona), CATALOGUE)
    assert ranking[0].persona.slug == slug
    assert ranking[0].score > ranking[1].score, "a tie would hide this persona behind another"
    assert len(ranking[0].reasons) >= 2


def test_the_ranking_holds_every_persona_once():
    ranking = rank(profile(), CATALOGUE)
    assert sorted(m.persona.slug for m in ranking) == sorted(CATALOGUE.personas)


def test_the_same_profile_always_gets_the_same_ranking():
    someone = profile(devices=["iphone", "windows"], adversaries=["partner", "scammers"])
    first = rank(someone, CATALOGUE)
    again = rank(
        profile(devices=["windows", "iphone"], adversaries=["scammers", "partner"]), load()
    )
    assert [(m.persona.slug, m.score, m.reasons) for m in first] == [
        (m.persona.slug, m.score, m.reasons) for m in again
    ]


def test_the_ranking_is_closest_first():
    scores = [m.score for m in rank(profile(), CATALOGUE)]
    assert scores == sorted(scores, reverse=True)


def test_ties_go_to_the_persona_that_comes_first_in_the_catalogue():
    original = next(iter(CATALOGUE.personas.values()))
    twin = dataclasses.replace(original, slug="twin", name="Twin")
    someone = profile_like(original)

    ranking = rank(someone, catalogue_of(original, twin))
    assert ranking[0].score == ranking[1].score
    assert [m.persona.slug for m in ranking] == [original.slug, "twin"]

    ranking = rank(someone, catalogue_of(twin, original))
    assert [m.persona.slug for m in ranking] == ["twin", original.slug]
    assert best_match(someone, catalogue_of(twin, original)).persona.slug == "twin"


@pytest.mark.parametrize(
    ("capability", "visibility", "group"),
    list(itertools.product(CAPABILITY, VISIBILITY, GROUPS)),
)
def test_someone_with_no_device_who_is_not_sure_gets_a_close_persona_and_reasons(
    capability, visibility, group
):
    someone = profile(
        devices=[],
        habits=[],
        adversaries=[],
        capability=capability,
        visibility=visibility,
        group=group,
    )
    match = best_match(someone, CATALOGUE)
    assert abs(match.persona.capability - capability) <= 1
    assert 2 <= len(match.reasons) <= 3
    assert all(reason.strip() for reason in match.reasons)
    assert all(match.persona.name in reason for reason in match.reasons)
    # A person who did not name a worry is not told they share one.
    assert not any("worries about" in reason for reason in match.reasons)


def test_someone_close_being_a_worry_matches_a_persona_who_shares_it():
    for close in ("partner", "family"):
        match = best_match(profile(adversaries=[close]), CATALOGUE)
        assert {"partner", "family"} & set(match.persona.worries)
        assert any("someone close" in reason for reason in match.reasons)


def test_the_reasons_name_what_the_person_shares_with_the_persona():
    persona = dataclasses.replace(
        next(iter(CATALOGUE.personas.values())),
        capability=1,
        visibility="public",
        worries=("scammers",),
        devices=("android",),
    )
    match = best_match(profile_like(persona), catalogue_of(persona))
    assert match.reasons == (
        f"Like you, {persona.name} finds phones and computers confusing at times.",
        f"Like you, {persona.name} needs to be easy to find online.",
        f"{persona.name} worries about scammers too.",
    )


@pytest.mark.parametrize(
    ("devices", "adversaries"),
    [
        ([], []),
        (list(DEVICES), list(ADVERSARIES)),
        (["shared_computer"], ["government", "employer"]),
        (["iphone", "mac"], ["partner", "family", "harassers"]),
    ],
)
@pytest.mark.parametrize("capability", CAPABILITY)
@pytest.mark.parametrize("visibility", VISIBILITY)
def test_scores_stay_between_nothing_and_a_perfect_match(
    devices, adversaries, capability, visibility
):
    someone = profile(
        devices=devices, adversaries=adversaries, capability=capability, visibility=visibility
    )
    for match in rank(someone, CATALOGUE):
        assert 0 <= match.score <= 1
        assert len(match.reasons) <= 3


def test_a_persona_that_shares_everything_scores_a_perfect_match():
    persona = dataclasses.replace(
        next(iter(CATALOGUE.personas.values())),
        worries=("scammers", "thieves", "data_brokers"),
        devices=("android", "windows"),
    )
    assert best_match(profile_like(persona), catalogue_of(persona)).score == 1


def test_a_person_with_every_habit_is_not_told_they_have_not_got_round_to_them():
    expert = profile(capability=4, habits=list(HABITS), group="knows", adversaries=["scammers"])

    ranking = rank(expert, CATALOGUE)

    assert all("has not got round to them" not in r for m in ranking for r in m.reasons)
    assert ranking[0].persona.group != "knows"
    assert ranking[0].persona.capability >= 3


def test_a_person_without_the_habits_who_knows_what_to_do_still_matches_their_group():
    person = profile(capability=2, habits=[], group="knows", adversaries=["scammers", "thieves"])

    assert best_match(person, CATALOGUE).persona.group == "knows"
