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
    from django.core.cache import cache

    pagecache.kept_set_many({"week:a": "A"}, 60)
    assert cache.get("week:a") == "A"
    # Made by another process: only in the shared cache, then kept here too.
    cache.set("week:b", "B", 60)
    assert pagecache.kept_get_many(["week:a", "week:b", "week:c"]) == {
        "week:a": "A",
        "week:b": "B",
    }
    cache.delete("week:b")
    assert pagecache.kept_get_many(["week:b"]) == {"week:b": "B"}


def test_kept_values_in_this_process_serve_while_the_cache_server_is_away(settings):
    settings.CACHES = {
        **settings.CACHES,
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",  # nothing listens here
            "OPTIONS": {"socket_connect_timeout": 0.2, "socket_timeout": 0.2},
        },
    }
    pagecache.kept_set_many({"week:a": "A"}, 60)  # no error: kept here only
    assert pagecache.kept_get_many(["week:a", "week:b"]) == {"week:a": "A"}


def test_the_values_kept_in_this_process_are_bounded_dropping_the_least_used():
    kept = pagecache._Kept(size=2)
    kept.set_many({"a": 1, "b": 2})
    assert kept.get_many(["a"]) == {"a": 1}  # "a" is now the most recently used
    kept.set_many({"c": 3})
    assert kept.get_many(["a", "b", "c"]) == {"a": 1, "c": 3}


def test_swapping_the_caches_empties_the_values_kept_in_this_process(settings):
    pagecache.kept_set_many({"week:a": "A"}, 60)
    shared = settings.CACHES["default"]
    settings.CACHES = {**settings.CACHES, "default": {**shared, "KEY_PREFIX": "another-run"}}
    assert pagecache.kept_get_many(["week:a"]) == {}
