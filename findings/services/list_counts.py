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
and never with `relative_date_range` (its window moves without any write)."""

import hashlib
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import transaction

VERSION_KEY = "findings:version:{}"
COUNT_KEY = "findings:count:{}:{}"
COUNT_SECONDS = 24 * 3600  # a count outlives no day, whatever happens to the version
NOT_FILTERS = {"page", "per_page", "sort_by"}  # parameters that change the page, never the count


def findings_changed(organization_id):
    """Call right after writing `organization_id`'s current findings (in the write's transaction,
    if any): once that commits, no count cached for the organization is served again."""
    transaction.on_commit(lambda: cache.set(VERSION_KEY.format(organization_id), uuid.uuid4().hex, None))


def counted(queryset, user, params):
    """`queryset.count()`, from the cache while the caller's organization's findings are unchanged."""
    organization_id = single_organization(user)
    if not settings.FINDINGS_COUNT_CACHE or organization_id is None or params.get("relative_date_range"):
        return queryset.count()
    version_key = VERSION_KEY.format(organization_id)
    count_key = COUNT_KEY.format(organization_id, filter_digest(user, params))
    cached = cache.get_many([version_key, count_key])
    version = cached.get(version_key)
    if version is None:
        version = uuid.uuid4().hex
        if not cache.add(version_key, version, None):  # another process set it first: use theirs next time
            return queryset.count()
    stored = cached.get(count_key)
    if stored is not None and stored[0] == version:
        return stored[1]
    total = queryset.count()
    cache.set(count_key, (version, total), COUNT_SECONDS)
    return total


def single_organization(user):
    """The one organization the caller sees, or None (staff, partners, no organization)."""
    visible = user.visible_organization_ids()
    return visible[0] if isinstance(visible, list) and len(visible) == 1 else None


def filter_digest(user, params):
    """The product and the list's filters (q[...], dates, min_qod), whatever their order."""
    current = getattr(user, "current_product", None)
    terms = sorted((key, tuple(params.getlist(key))) for key in params if key not in NOT_FILTERS)
    return hashlib.sha256(repr((current() if current else None, terms)).encode()).hexdigest()[:32]
