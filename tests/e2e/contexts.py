"""A browser context as a person's phone or computer: a width, JavaScript on or off."""

from typing import Any


def new_context(browser: Any, live_server: Any, *, width: int, javascript: bool = True) -> Any:
    context = browser.new_context(
        viewport={"width": width, "height": 900},
        base_url=live_server.url,
        java_script_enabled=javascript,
    )
    context.set_default_timeout(15_000)
    return context
