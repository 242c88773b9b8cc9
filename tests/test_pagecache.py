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


def test_kept_values_come_from_this_process_first_then_the_shared_cache():
    from django.core.cache import cache, caches

    pagecache.kept_set_many({"week:a": "A"}, 60)
    assert caches["pages"].get("week:a") == "A"
    assert cache.get("week:a") == "A"
    # Made by another process: only in the shared cache, then kept here too.
    cache.set("week:b", "B", 60)
    assert pagecache.kept_get_many(["week:a", "week:b", "week:c"], 60) == {
        "week:a": "A",
        "week:b": "B",
    }
    assert caches["pages"].get("week:b") == "B"


def test_kept_values_in_this_process_serve_while_the_cache_server_is_away(settings):
    pagecache.kept_set_many({"week:a": "A"}, 60)
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens here
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    assert pagecache.kept_get_many(["week:a", "week:b"], 60) == {"week:a": "A"}
    pagecache.kept_set_many({"week:b": "B"}, 60)  # no error: kept here only
    assert pagecache.kept_get_many(["week:b"], 60) == {"week:b": "B"}
