"""Request rates per user (THROTTLE_USER_RATE) and per client address (THROTTLE_ANON_RATE): past
the rate a request is answered 429 with `Retry-After`.

The count is kept in the shared cache (CACHE_URL), so the rate holds across every worker process
and machine, not per process. On Redis each request is one atomic script call: a sliding window
of the request times (a sorted set), trimmed, counted and added to in one round trip, so parallel
requests on different processes can never both take the last slot. Other caches (the local-memory
cache of an embedded single-process install) keep DRF's read-then-write history."""

import logging
import math
import secrets

from django.core.cache import caches
from django.core.cache.backends.redis import RedisCache
from rest_framework import throttling

# KEYS[1]: the window; ARGV: now (s), duration (s), limit, a unique member for this request.
# Returns {1, 0} when the request is let through (and counted), {0, seconds to wait} otherwise.
SLIDING_WINDOW = """
local now, duration, limit = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('ZREMRANGEBYSCORE', KEYS[1], '-inf', now - duration)
if redis.call('ZCARD', KEYS[1]) < limit then
  redis.call('ZADD', KEYS[1], now, ARGV[4])
  redis.call('PEXPIRE', KEYS[1], math.ceil(duration * 1000))
  return {1, '0'}
end
local oldest = redis.call('ZRANGE', KEYS[1], 0, 0, 'WITHSCORES')
return {0, tostring(duration - (now - tonumber(oldest[2])))}
"""
logger = logging.getLogger(__name__)
_script = []  # the registered script (its SHA), created on first use


def _redis_call(cache, key, args):
    client = cache._cache.get_client(key, write=True)
    if not _script:
        _script.append(client.register_script(SLIDING_WINDOW))
    return _script[0](keys=[key], args=args, client=client)


class SharedRateThrottle(throttling.SimpleRateThrottle):
    def allow_request(self, request, view):
        if self.rate is None:
            return True
        self.key = self.get_cache_key(request, view)
        if self.key is None:
            return True
        cache = caches["default"]
        if not isinstance(cache, RedisCache):
            return super().allow_request(request, view)
        self.now = self.timer()
        now = f"{self.now:.6f}"
        key = cache.make_and_validate_key(self.key)
        try:
            allowed, wait = _redis_call(cache, key, [now, self.duration, self.num_requests,
                                                     f"{now}:{secrets.token_hex(4)}"])
        except Exception:  # the cache is down: serve unthrottled rather than fail every request
            logger.exception("rate limit check failed; request let through")
            return True
        self._wait = None if allowed else float(wait)
        return bool(allowed)

    def wait(self):
        if not hasattr(self, "_wait"):
            return super().wait()
        # Retry-After is whole seconds: rounded up, so a client that waits it is let through.
        return None if self._wait is None else max(1, math.ceil(self._wait))


class UserRateThrottle(SharedRateThrottle, throttling.UserRateThrottle):
    """Per-user request rate (THROTTLE_USER_RATE); unauthenticated calls count per address."""


class AnonRateThrottle(SharedRateThrottle, throttling.AnonRateThrottle):
    """Per-address rate for unauthenticated calls (THROTTLE_ANON_RATE)."""
