"""The exact `total_count` of GET /v2/vulnerabilities, cached between writes.

Counting ~1,000,000 current findings takes 150-550 ms on PostgreSQL, more than everything else
in the request, while the answer only changes when the organization's findings are written. So
each organization has a findings *version*: a random token in the shared cache that every write to
its current findings replaces once the write commits (`findings_changed`, called by ingestion,
finalize and exception re-evaluation). A count is stored with the version it was computed under
and served only while that version is current: the first list after a write counts again, and no
count from before a write is ever served after it (a count computed while a write commits is
stored under the version the write replaces, so it is never read).

Only with a cache every process shares (`FINDINGS_COUNT_CACHE`, on by default with Redis or
Memcached, off with a local-memory cache, which cannot see another process's writes), for callers
who see one organization (a partner's or staff's lists span many: they are counted every time),
and never with `relative_date_range` (its window moves without any write). When the cache cannot
be reached, lists count every time (logged), as if the cache were off, and a write's version
change is logged rather than failing the write that has already committed."""

import hashlib
import logging
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "findings:version:{}"
COUNT_KEY = "findings:count:{}:{}"
COUNT_SECONDS = 24 * 3600  # a count outlives no day, whatever happens to the version
NOT_FILTERS = {"page", "per_page", "sort_by"}  # parameters that change the page, never the count
logger = logging.getLogger(__name__)


def findings_changed(organization_id):
    """Call right after writing `organization_id`'s current findings (in the write's transaction,
    if any): once that commits, no count cached for the organization is served again."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY.format(organization_id), uuid.uuid4().hex, None), robust=True)


def counted(queryset, user, params):
    """`queryset.count()`, from the cache while the caller's organization's findings are unchanged."""
    organization_id = single_organization(user)
    if not settings.FINDINGS_COUNT_CACHE or organization_id is None or params.get("relative_date_range"):
        return queryset.count()
    count_key = COUNT_KEY.format(organization_id, filter_digest(user, params))
    try:
        version, stored = cached_version_and_count(VERSION_KEY.format(organization_id), count_key)
    except Exception:  # the cache is down (e.g. a Redis ConnectionError): count, as with the cache off
        logger.warning("findings count cache unavailable; counting", exc_info=True)
        return queryset.count()
    if version is not None and stored is not None and stored[0] == version:
        return stored[1]
    total = queryset.count()
    if version is not None:
        try:
            cache.set(count_key, (version, total), COUNT_SECONDS)
        except Exception:
            logger.warning("findings count cache unavailable; count not kept", exc_info=True)
    return total


def cached_version_and_count(version_key, count_key):
    """(the organization's findings version, the stored (version, count) or None); the version is
    None when another process has just set the first one (use theirs next time)."""
    cached = cache.get_many([version_key, count_key])
    version = cached.get(version_key)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(version_key, version, None):
            return None, None
    return version, cached.get(count_key)


def single_organization(user):
    """The one organization the caller sees, or None (staff, partners, no organization)."""
    visible = user.visible_organization_ids()
    return visible[0] if isinstance(visible, list) and len(visible) == 1 else None


def filter_digest(user, params):
    """The product and the list's filters (q[...], dates, min_qod), whatever their order."""
    current = getattr(user, "current_product", None)
    terms = sorted((key, tuple(params.getlist(key))) for key in params if key not in NOT_FILTERS)
    return hashlib.sha256(repr((current() if current else None, terms)).encode()).hexdigest()[:32]
