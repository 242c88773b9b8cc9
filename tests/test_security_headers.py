"""The headers every page sends, and templates that keep the CSP honest."""

import re
from pathlib import Path

import pytest

from tests.factories import make_plan

BASE_DIR = Path(__file__).resolve().parent.parent
EXPECTED_CSP = {
    "default-src": "'none'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "font-src": "'self'",
    "connect-src": "'self'",
    # The exit form's redirect goes to the neutral site, and nowhere else.
    "form-action": "'self' https://www.metservice.com",
    "frame-ancestors": "'none'",
    "base-uri": "'none'",
}


def csp_directives(header: str) -> dict[str, str]:
    parts = (part.strip().split(" ", 1) for part in header.split(";") if part.strip())
    return {name: value for name, value in parts}


@pytest.mark.django_db
@pytest.mark.parametrize("path", ["/", "/start/devices/", "plan", "/exit-this-page"])
def test_every_page_sends_the_hardened_headers(client, path):
    if path == "plan":
        path = make_plan().get_absolute_url()
    response = client.get(path)
    assert response.status_code == 200
    csp = csp_directives(response["Content-Security-Policy"])
    for directive, value in EXPECTED_CSP.items():
        assert csp[directive] == value, directive
    assert "unsafe-inline" not in response["Content-Security-Policy"]
    assert "unsafe-eval" not in response["Content-Security-Policy"]
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert response["Referrer-Policy"] in {"no-referrer", "strict-origin-when-cross-origin"}
    assert response["Cross-Origin-Opener-Policy"] == "same-origin"
    assert response["Cross-Origin-Resource-Policy"] == "same-origin"
    assert "camera=()" in response["Permissions-Policy"]


@pytest.mark.django_db
def test_the_session_cookie_is_http_only_and_same_site_lax(client, settings):
    client.get("/start/devices/")
    response = client.post("/start/devices/", {"answer": ["iphone"]})
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["httponly"]
    assert cookie["samesite"] == "Lax"


def test_production_settings_ask_for_hsts_a_year_and_secure_cookies():
    example = (BASE_DIR / ".env.example").read_text()
    assert re.search(r"^DJANGO_SECURE_HSTS_SECONDS=(\d+)$", example, re.M)
    seconds = int(re.search(r"^DJANGO_SECURE_HSTS_SECONDS=(\d+)$", example, re.M).group(1))
    assert seconds >= 31_536_000
    assert re.search(r"^DJANGO_SECURE_SSL_REDIRECT=1$", example, re.M)
    assert re.search(r"^DJANGO_SECURE_COOKIES=1$", example, re.M)


# --- Templates and code: nothing that would need 'unsafe-inline' -------------

# Templates that never reach a browser: WeasyPrint reads the PDF template
# (its styles are inline on purpose, with no network), and HTML emails are
# read by mail programs, which need inline styles.
NOT_FOR_BROWSERS = ("templates/emails/", "templates/plans/pdf")
TEMPLATES = [
    path
    for path in sorted((BASE_DIR / "templates").rglob("*.html"))
    if not str(path.relative_to(BASE_DIR)).startswith(NOT_FOR_BROWSERS)
]
INLINE_SCRIPT = re.compile(r"<script(?![^>]*\bsrc=)(?![^>]*type=\"application/json\")[^>]*>", re.I)
INLINE_STYLE = re.compile(r"<style\b|\sstyle=|\son[a-z]+=", re.I)
# Each reviewed use of |safe or mark_safe: file -> why it is safe.
REVIEWED_SAFE: dict[str, str] = {
    "plans/pdf.py": "the QR code's SVG, written by segno from our own URL",
}


def _relative(path: Path) -> str:
    return str(path.relative_to(BASE_DIR))


@pytest.mark.parametrize("template", TEMPLATES, ids=_relative)
def test_templates_for_browsers_have_no_inline_script_style_or_handlers(template):
    text = template.read_text()
    assert not INLINE_SCRIPT.search(text), "an inline <script> needs 'unsafe-inline'"
    assert not INLINE_STYLE.search(text), "inline styles or event handlers need 'unsafe-inline'"


def test_no_unreviewed_safe_filter_or_mark_safe():
    found = set()
    for folder in ("templates", "accounts", "config", "mentors", "personas", "plans"):
        for path in (BASE_DIR / folder).rglob("*"):
            # Plain-text emails (.txt) are not HTML: autoescape off is right there.
            if path.suffix not in {".html", ".py"} or "migrations" in path.parts:
                continue
            text = path.read_text()
            if re.search(r"\|\s*safe\b|mark_safe\(|SafeString\(|\{%\s*autoescape\s+off", text):
                found.add(_relative(path))
    unreviewed = found - set(REVIEWED_SAFE)
    assert set(REVIEWED_SAFE) <= found, "a reviewed file no longer marks anything safe"
    assert not unreviewed, f"review these and add them to REVIEWED_SAFE: {sorted(unreviewed)}"
