"""Every page a person can open, read in Spanish: no English outside lang="en".

The pages of the permission matrices (tests/test_url_matrix.py and
tests/test_mentors_permissions.py), and the sign-in pages, for each person
who may open them; the words people wrote themselves (a helper's profile,
an invite's label) are written in Spanish here, as a Spanish helper would.
"""

import pytest
from django.test import Client
from django.urls import reverse

from tests.factories import finish_assessment
from tests.helpers import english_texts, words_outside_english
from tests.test_mentors_permissions import ACTORS, CASES
from tests.test_mentors_permissions import world as world  # the shared fixture
from tests.test_url_matrix import MATRIX

pytestmark = pytest.mark.django_db

SPANISH = {"HTTP_ACCEPT_LANGUAGE": "es"}
SIGN_IN_PAGES = ["account_login", "account_signup", "account_request_login_code"]


def pages() -> list[tuple[str, object]]:
    found = [
        (name, entry[1])
        for name, entry in MATRIX.items()
        if isinstance(entry, tuple) and entry[0] == "get"
    ]
    found += [
        (f"mentors: {name}", url) for name, method, url, _data, _want in CASES if method == "get"
    ]
    found += [(name, lambda w, name=name: reverse(name)) for name in SIGN_IN_PAGES]
    return found


@pytest.fixture
def spanish_world(world):
    for mentorship in (world.sharing, world.not_sharing):
        profile = mentorship.mentor
        profile.what_i_do = "Mi teléfono se actualiza solo de noche."
        profile.mistake_i_made = "Usé una sola contraseña en todo durante años."
        profile.save()
    world.invite.label = "Prima"
    world.invite.save()
    return world


# No page of words: health checks, a redirect, the PDF and the data download
# (read back in tests/test_languages.py); the share choice needs an invite
# link's visit first (tests/test_mentors_views.py).
NOT_PAGES = {
    "healthz",
    "readyz",
    "personas:start",
    "plans:pdf",
    "plans:export",
    "mentors: share choice page",
}


@pytest.mark.parametrize(("name", "url"), pages(), ids=[name for name, _ in pages()])
def test_each_page_is_all_in_spanish_for_each_person_who_may_open_it(spanish_world, name, url):
    world = spanish_world
    read = 0
    for actor in ACTORS:
        client = Client()
        if world.users[actor] is not None:
            client.force_login(world.users[actor])
        if name.startswith("personas:"):
            finish_assessment(client)  # the persona pages follow the questions
        response = client.get(url(world), **SPANISH)
        kind = response.get("Content-Type", "")
        if response.status_code != 200 or not kind.startswith(("text/html", "text/plain")):
            continue  # not this person's page
        read += 1
        text = response.content.decode()
        if kind.startswith("text/plain"):  # the plan as text, to keep
            english = english_texts(text.splitlines())
        else:
            assert '<html lang="es">' in text, name
            english = english_texts(words_outside_english(text))
        assert not english, f"English on {name} for {actor}:\n" + "\n".join(english[:15])
    assert read or name in NOT_PAGES, f"nobody could open {name}"
