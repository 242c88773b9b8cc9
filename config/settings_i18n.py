"""Language and time: which languages the site speaks, where their files are,
how pages name them, and the time zone.

A charity adds a language by adding files (docs/translating.md): a line
here, locale/<code>/LC_MESSAGES/django.po, and content under
plans/content/<code>/ and personas/content/<code>/.
"""

from pathlib import Path

import environ

BASE_DIR = Path(__file__).resolve().parent.parent

# The site's own words are written in New Zealand English; "en" is that English.
LANGUAGE_CODE = "en"
# Each language named in itself, as the switcher shows it.
LANGUAGES = [("en", "English"), ("es", "Español")]
# The <html lang> of each language, where it says more than the code.
HTML_LANG = {"en": "en-NZ"}
# locale/<code>/LC_MESSAGES/django.po, compiled by `manage.py compile_translations`.
LOCALE_PATHS = [BASE_DIR / "locale"]
# Dates in each language's own order: templates name a format (DATE_FORMAT,
# MONTH_DAY_FORMAT), New Zealand English's are in config/formats/en/, other
# languages' are Django's. The language cookie lasts a year, our pages only.
FORMAT_MODULE_PATH = ["config.formats"]
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_SAMESITE = "Lax"
LANGUAGE_COOKIE_HTTPONLY = True
USE_I18N = True
# settings.py has read any .env file into the environment already.
TIME_ZONE = environ.Env().str("DJANGO_TIME_ZONE", default="Pacific/Auckland")
USE_TZ = True

__all__ = [
    "FORMAT_MODULE_PATH",
    "HTML_LANG",
    "LANGUAGES",
    "LANGUAGE_CODE",
    "LANGUAGE_COOKIE_AGE",
    "LANGUAGE_COOKIE_HTTPONLY",
    "LANGUAGE_COOKIE_SAMESITE",
    "LOCALE_PATHS",
    "TIME_ZONE",
    "USE_I18N",
    "USE_TZ",
]
