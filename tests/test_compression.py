import gzip
import re

import pytest

pytestmark = pytest.mark.django_db

TOKEN = re.compile(rb'name="csrfmiddlewaretoken" value="([^"]+)"')


def test_pages_come_gzipped_to_browsers_that_ask(client):
    response = client.get("/", headers={"accept-encoding": "gzip"})

    assert response["Content-Encoding"] == "gzip"
    assert "Accept-Encoding" in response["Vary"]
    page = gzip.decompress(response.content)
    assert b"Little Steps" in page
    assert len(response.content) < len(page) / 2


def test_a_browser_that_does_not_ask_gets_plain_html(client):
    response = client.get("/")

    assert not response.has_header("Content-Encoding")
    assert b"Little Steps" in response.content


def test_each_gzipped_page_carries_a_fresh_csrf_mask_and_length(client):
    # BREACH reads a secret from how well a response compresses: the form's
    # token is masked anew each time and Django pads every gzipped response.
    pages = [
        gzip.decompress(client.get("/", headers={"accept-encoding": "gzip"}).content)
        for _ in range(2)
    ]
    tokens = [TOKEN.findall(page) for page in pages]  # the language switcher's form
    assert tokens[0] and tokens[1]
    assert tokens[0] != tokens[1]
