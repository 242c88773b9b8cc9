import http.client
import re
import subprocess
import time
import uuid
from collections.abc import Callable
from html.parser import HTMLParser
from pathlib import Path


def wait_for(condition: Callable[[], bool], timeout: float = 10, interval: float = 0.1) -> bool:
    """Poll until the condition holds or the time runs out; returns the last result."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()


def start_early_in_a_minute(latest: float = 30) -> None:
    """Rate limits count in fixed one-minute windows: begin early in one, so
    a slow machine does not carry the requests over into the next."""
    into_window = time.time() % 60
    if into_window > latest:
        time.sleep(60 - into_window + 0.1)


def http_get(port: int, path: str, timeout: float = 5) -> tuple[int, bytes]:
    conn = http.client.HTTPConnection("127.0.0.1", port, timeout=timeout)
    try:
        conn.request("GET", path)
        response = conn.getresponse()
        return response.status, response.read()
    finally:
        conn.close()


def wait_until_ready(
    process: subprocess.Popen, port: int, log_path: Path, name: str, timeout: float
) -> None:
    """Poll /readyz until it answers 200; fail with the server's log if it exits or never does."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"{name} exited early:\n{log_path.read_text()}")
        try:
            if http_get(port, "/readyz", timeout=2)[0] == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError(f"{name} not ready in {timeout}s:\n{log_path.read_text()}")


def fresh_caches(settings) -> None:
    """Swap every cache for an empty one: a fresh key prefix, and for memory
    caches a store of their own (not a flush, which would also empty the
    Celery queue that shares the Redis database)."""
    run = uuid.uuid4().hex
    fresh = {}
    for alias, config in settings.CACHES.items():
        fresh[alias] = {**config, "KEY_PREFIX": run}
        if config["BACKEND"].endswith("LocMemCache"):
            fresh[alias]["LOCATION"] = f"{alias}-{run}"
    settings.CACHES = fresh


# English found by its commonest small words, which Spanish never uses. A menu
# name in brackets, as a phone set to English shows it, and the name of the
# service are left out (tests of pages, emails, calendar and PDF in Spanish).
ENGLISH_WORDS = re.compile(
    r"\b(the|and|your|you|with|this|that|what|when|week|next|back|print|start|help|"
    r"sign|not|now|more|how|here|page|for|of|to|is|are|it|we|our|my|will|can|"
    r"get|see|if|or|at|by|from|have|they|all|done|step)\b",
    re.IGNORECASE,
)


def english_words(text: str) -> list[str]:
    """The English words in a text meant to be in another language."""
    text = re.sub(r"https?://\S+|\S+@\S+", "", text.replace("Little Steps", ""))
    text = re.sub(r"\([^)]*\)", "", text)
    return ENGLISH_WORDS.findall(text)


# Attributes a person hears or sees as words.
READ_ATTRIBUTES = ("aria-label", "alt", "title", "placeholder")


class _Words(HTMLParser):
    """The words of a page outside script, style and anything marked lang="en"."""

    VOID = {"area", "base", "br", "col", "embed", "hr", "img", "input", "link", "meta", "source"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[bool] = []  # per open element: is it (inside) English or code?
        self.words: list[str] = []

    def _skipped(self) -> bool:
        return bool(self.stack) and self.stack[-1]

    def handle_starttag(self, tag, attrs):
        values = dict(attrs)
        lang = values.get("lang") or ""
        skipped = self._skipped() or tag in ("script", "style") or lang.startswith("en")
        if not skipped:
            self.words.extend(values[name] for name in READ_ATTRIBUTES if values.get(name))
            if tag == "input" and values.get("type") in ("submit", "button"):
                self.words.append(values.get("value") or "")
        if tag not in self.VOID:
            self.stack.append(skipped)

    def handle_endtag(self, tag):
        if tag not in self.VOID and self.stack:
            self.stack.pop()

    def handle_data(self, data):
        if not self._skipped() and data.strip():
            self.words.append(data)


def words_outside_english(html: str) -> list[str]:
    """A page's texts (and read attributes) outside script, style and lang="en" parts."""
    parser = _Words()
    parser.feed(html)
    return parser.words


def english_texts(texts: list[str]) -> list[str]:
    """Those of the texts that hold English words, each on one line."""
    return [" ".join(text.split()) for text in texts if english_words(text)]
