"""config/pagecache.py: what makes a kept page out of date."""

import pytest

from config import pagecache


@pytest.fixture
def fresh_release():
    pagecache.release.cache_clear()
    yield pagecache.release
    pagecache.release.cache_clear()


def test_a_new_exit_address_makes_every_kept_page_out_of_date(settings, fresh_release):
    before = fresh_release()
    settings.QUICK_EXIT_URL = "https://www.example.org/weather"
    fresh_release.cache_clear()
    assert fresh_release() != before


def test_a_changed_template_makes_every_kept_page_out_of_date(settings, tmp_path, fresh_release):
    (tmp_path / "templates").mkdir()
    page = tmp_path / "templates" / "page.html"
    page.write_text("<p>Hello</p>")
    settings.BASE_DIR = tmp_path
    before = fresh_release()
    page.write_text("<p>Kia ora</p>")
    fresh_release.cache_clear()
    assert fresh_release() != before
    fresh_release.cache_clear()
    page.write_text("<p>Hello</p>")
    assert fresh_release() == before
