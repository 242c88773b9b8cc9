"""The shared cache: Redis, with this process's memory standing in while Redis does not answer.

Pages never wait on Redis (DESIGN.md). What the cache holds is a speed-up
(printed PDFs) or short-lived counts (allauth's sign-in rate limits). When
Redis is down or hung, each call gives up within the client's short
timeouts, and for the next RETRY_AFTER seconds this process counts and keeps
in its own memory instead of asking Redis again. Rate limits so still hold,
per process, while Redis is away: they degrade, they do not switch off, and
sign-in keeps working.
"""

import logging
import time
from typing import Any

import redis
from django.core.cache.backends.locmem import LocMemCache
from django.core.cache.backends.redis import RedisCache

logger = logging.getLogger(__name__)

# Seconds to stay on the local stand-in after Redis failed, before trying it again.
RETRY_AFTER = 15.0
# The client's timeouts (seconds), short: a hung Redis costs a request at most about this.
CONNECT_TIMEOUT = 0.5
READ_TIMEOUT = 0.5


class FallbackRedisCache(RedisCache):
    def __init__(self, server: str, params: dict[str, Any]) -> None:
        options = {
            "socket_connect_timeout": CONNECT_TIMEOUT,
            "socket_timeout": READ_TIMEOUT,
            **params.get("OPTIONS", {}),
        }
        super().__init__(server, {**params, "OPTIONS": options})
        self._stand_in = LocMemCache(
            f"redis-stand-in-{id(self)}",
            {"TIMEOUT": params.get("TIMEOUT", 300), "OPTIONS": {"MAX_ENTRIES": 5000}},
        )
        self._redis_down_until = 0.0

    @property
    def redis_is_down(self) -> bool:
        return time.monotonic() < self._redis_down_until

    def _call(self, name: str, *args: Any, **kwargs: Any) -> Any:
        if not self.redis_is_down:
            try:
                return getattr(super(), name)(*args, **kwargs)
            except redis.RedisError as error:
                self._redis_down_until = time.monotonic() + RETRY_AFTER
                # The error's class only: its text can name the server's address.
                logger.warning(
                    "Redis cache unavailable (%s): this process uses its own memory for %.0f s",
                    type(error).__name__,
                    RETRY_AFTER,
                )
        return getattr(self._stand_in, name)(*args, **kwargs)

    def add(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("add", *args, **kwargs)

    def get(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get", *args, **kwargs)

    def set(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set", *args, **kwargs)

    def touch(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("touch", *args, **kwargs)

    def delete(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete", *args, **kwargs)

    def get_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("get_many", *args, **kwargs)

    def has_key(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("has_key", *args, **kwargs)

    def incr(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("incr", *args, **kwargs)

    def set_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("set_many", *args, **kwargs)

    def delete_many(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("delete_many", *args, **kwargs)

    def clear(self, *args: Any, **kwargs: Any) -> Any:
        return self._call("clear", *args, **kwargs)
