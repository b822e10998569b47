from rest_framework import throttling


class UserRateThrottle(throttling.UserRateThrottle):
    """Per-user request rate (THROTTLE_USER_RATE); 429 with Retry-After past it."""


class AnonRateThrottle(throttling.AnonRateThrottle):
    """Per-address rate for unauthenticated calls (THROTTLE_ANON_RATE)."""
