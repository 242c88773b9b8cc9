import time
from collections.abc import Callable


def wait_for(condition: Callable[[], bool], timeout: float = 10, interval: float = 0.1) -> bool:
    """Poll until the condition holds or the time runs out; returns the last result."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if condition():
            return True
        time.sleep(interval)
    return condition()
