"""API keys: issued by staff (admin, `manage.py create_api_key`), checked on every request."""

from datetime import timedelta

from django.conf import settings
from django.db.models import F
from django.utils import timezone

from accounts.models import ApiKey

from .secrets import keyed_hash, new_secret


def create_api_key(*, name, organization, user=None, expires_at=None, allowed_networks=""):
    """Returns (api_key, secret). The secret is not stored and cannot be shown again."""
    secret = new_secret("cgk")
    api_key = ApiKey.objects.create(
        name=name, organization=organization, user=user, expires_at=expires_at,
        allowed_networks=allowed_networks, prefix=secret[:8], key_hash=keyed_hash(secret),
    )
    return api_key, secret


def assign_new_secret(api_key):
    """For the admin's add form: give an unsaved key its secret and return the secret."""
    secret = new_secret("cgk")
    api_key.prefix = secret[:8]
    api_key.key_hash = keyed_hash(secret)
    return secret


def find_usable_key(secret, address, *, with_user=True):
    """(api_key, None) when the key may be used from `address`, else (None, reason). `with_user`
    loads the key's service account in the same query, for requests the key alone signs in.
    `platform_key` (a key of the staff organization) is read in the same query too."""
    queryset = ApiKey.objects.annotate(platform_key=F("organization__is_staff_organization"))
    if with_user:
        queryset = queryset.select_related("user")
    try:
        # get(), not first(): a unique lookup needs no ORDER BY, which is costly to compile.
        api_key = queryset.get(key_hash=keyed_hash(secret))
    except ApiKey.DoesNotExist:
        api_key = None
    return check_usable(api_key, address)


def check_usable(api_key, address):
    """(api_key, None) when the key found (or None) may be used from `address`, else (None, reason);
    a usable key's use is recorded."""
    if api_key is None or not api_key.active:
        return None, "Invalid API key"
    if api_key.expired:
        return None, "The API key has expired"
    if not api_key.allows_address(address):
        return None, "The API key may not be used from this address"
    _touch(api_key)
    return api_key, None


def _touch(api_key):
    """Record use, at most once a minute per key (not a write per request)."""
    now = timezone.now()
    resolution = timedelta(seconds=settings.API_KEY_LAST_USED_RESOLUTION)
    if api_key.last_used_at is None or now - api_key.last_used_at >= resolution:
        ApiKey.objects.filter(pk=api_key.pk).update(last_used_at=now)
        api_key.last_used_at = now


def key_covers_user(api_key, user):
    """A key (from `find_usable_key`) sent next to Authorization, or at sign-in. A key issued to
    a user is that user's secret: it covers that user alone. An organization's key covers the
    users of that organization and of everything below it; keys of the platform staff
    organization (platform keys, e.g. the web front end's) cover all."""
    if api_key.user_id is not None:
        return api_key.user_id == user.pk
    if api_key.platform_key:
        return True
    from organizations.services.tree import is_within

    return is_within(user.organization_id, api_key.organization_id)
