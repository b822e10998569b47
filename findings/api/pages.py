"""How the first page of a `q[name]=prefix*` list, and of a list sorted or filtered by last_seen
(`sightings_in_scope`), is read on PostgreSQL.

An exact name, like every other filter, reads its page in order from an index that ends with the
list's order. A prefix matches a range of names, so no index gives its rows in severity order,
and PostgreSQL then walks the whole severity order filtering by name: it guesses that matches
are spread evenly, but a family of checks sits together at one severity, so the walk can read
hundreds of thousands of rows before it finds ten (300 ms at 1,000,000 findings). When the exact
count (known before the page is read) says the matches are few, sorting them is cheaper: their
ids come from an index-only scan of the UPPER(name) index, which carries the sort columns and
`qod` (migration 0005), and only the page's rows are read. Many matches are dense enough for the
walk to find ten soon, so they keep it."""

from django.db import connections
from django.db.models import F
from django.db.models.functions import Coalesce

from findings.models import FindingSighting

SORT_MATCHES_UP_TO = 50_000  # ~20 ms of index-only scanning here; beyond, the walk finds ten soon


def prefix_match_page(queryset, name_term, total, offset, size):
    """The page's rows, or None when the plain slice is the better read."""
    if (connections[queryset.db].vendor != "postgresql" or total > SORT_MATCHES_UP_TO or not name_term
            or not name_term.endswith("*") or "*" in name_term[:-1] or not queryset.query.order_by):
        return None
    first, *rest = queryset.query.order_by
    path = first.lstrip("-")
    # The same order through an expression that no index provides: PostgreSQL sorts the matches.
    key = Coalesce(path, path)
    unindexed = key.desc() if first.startswith("-") else key.asc()
    ids = queryset.order_by(unindexed, *rest).values("pk")[offset:offset + size]
    records = queryset.model._default_manager.filter(pk__in=ids).order_by(*queryset.query.order_by)
    records.query.select_related = queryset.query.select_related
    return records


def sightings_in_scope(queryset):
    """A list that sorts or filters by last_seen (the sightings' column) joins the sightings and
    says that they belong to the findings' organization and product: PostgreSQL then derives
    their organization and product from the findings' (a caller of one organization) and reads
    the sightings' index (organization, product, last_seen, finding) in order, looking each page
    row's finding up by key, instead of sorting every finding of the organization."""
    query = queryset.query
    joined = FindingSighting._meta.db_table in query.alias_map
    if not joined and not any("sighting__" in str(term) for term in query.order_by):
        return queryset
    return queryset.filter(sighting__organization_id=F("organization_id"), sighting__product=F("product"))
