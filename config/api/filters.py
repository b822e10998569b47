"""The contract's list parameters on django-filter (conventions.md, Filtering lists).

A resource declares a `ResourceFilterSet`: each declared filter is one `q[<name>]` search column,
and `date_field` is the column the date ranges apply to. `ListFilterBackend` (every
ResourceViewSet's filter backend) maps the query string onto it:
`q[<name>]` -> the filter `<name>` (an undeclared column is a 422 naming `q[<name>]`), then
`date_range_start`/`date_range_end`/`relative_date_range` on `date_field`, then `sort_by` over
the viewset's `sort_fields`. The matching rules themselves (quotes, NUL, wildcards, case,
typed exact matches) are config.api.filtering's, applied by the two filter classes here.

    class WebhookFilterSet(ResourceFilterSet):
        name = SearchFilter("name")                  # text: case-insensitive, `*` wildcards
        active = SearchFilter()                      # field_name defaults to the filter's name
        event = CustomSearchFilter(subscribed_to)    # (queryset, value) -> queryset

docs/resources.md tells how a resource declares it."""

import copy
from functools import lru_cache

import django_filters
from django import forms
from django.core.validators import ProhibitNullCharactersValidator
from rest_framework.filters import BaseFilterBackend

from .errors import InvalidInput
from .filtering import _resolve_field, _search_lookup, parse_date_range, parse_search, parse_sort


class SearchValueField(forms.CharField):
    """A `q[...]` value as the client sent it: not stripped; NUL is the filters' to refuse
    (with the contract's message, not the form's)."""

    def __init__(self, **kwargs):
        kwargs.update(strip=False, required=False)
        super().__init__(**kwargs)
        self.validators = [v for v in self.validators if not isinstance(v, ProhibitNullCharactersValidator)]


class SearchFilter(django_filters.Filter):
    """`q[<name>]` against a model field (`field_name`, an ORM path; relations match by their
    key): text case-insensitively with `*` wildcards, enums, UUIDs, numbers, booleans and dates
    exactly. A path through a to-many relation makes the result distinct."""

    field_class = SearchValueField

    @property
    def param(self):
        return f"q[{self.column}]"

    def filter(self, queryset, value):
        field, multi_valued = _resolve_field(queryset.model, self.field_name)
        if multi_valued:
            self.parent.distinct = True
        lookup = _search_lookup(field, self.field_name, self.param, value)
        return queryset.filter(**lookup) if lookup is not None else queryset.none()


class CustomSearchFilter(SearchFilter):
    """A `q[<name>]` column the ORM path cannot express: `search(queryset, value)` (or the name of
    a FilterSet method taking the same) returns the matching rows and rejects a bad value with
    ValueError, which becomes a 422 naming `q[<name>]`."""

    def __init__(self, search, **kwargs):
        super().__init__(**kwargs)
        self.search = search

    def filter(self, queryset, value):
        search = getattr(self.parent, self.search) if isinstance(self.search, str) else self.search
        try:
            return search(queryset, value)
        except ValueError as error:
            raise InvalidInput.field(self.param, str(error)) from error


class ResourceFilterSet(django_filters.FilterSet):
    """The `q[...]` columns of one list (its declared filters) and its date column. `view` is the
    viewset filtering (for columns that scope by the caller, e.g. a visible scan)."""

    date_field = "created_at"

    def __init__(self, data=None, queryset=None, *, request=None, view=None):
        # As django-filter's, but with shallow copies of the filters: they keep no state besides
        # the attributes set here, and deep copies were most of a filtered list's filtering time.
        self.is_bound = data is not None
        self.data = data or {}
        self.queryset = queryset if queryset is not None else self._meta.model._default_manager.all()
        self.request, self.view, self.form_prefix = request, view, None
        self.distinct = False
        self.filters = {}
        for column, declared in self.base_filters.items():
            filter_ = copy.copy(declared)
            filter_.model, filter_.parent, filter_.column = self.queryset.model, self, column
            self.filters[column] = filter_

    def get_form_class(self):
        """Built once per FilterSet class (django-filter builds a form class per instance)."""
        form_class = type(self).__dict__.get("_form_class")
        if form_class is None:
            form_class = super().get_form_class()
            type(self)._form_class = form_class
        return form_class

    @classmethod
    def columns(cls):
        return tuple(cls.base_filters)

    def filter_queryset(self, queryset):
        # Only the columns the query string names: an explicit `q[name]=''` matches empty values.
        for name, value in self.form.cleaned_data.items():
            if name in self.data:
                queryset = self.filters[name].filter(queryset, value)
        # Matching through a to-many relation yields one row per matching related row.
        return queryset.distinct() if self.distinct else queryset

    @classmethod
    def for_columns(cls, search_fields, date_field="created_at"):
        """A FilterSet from a `{column: ORM path or (queryset, value) -> queryset}` mapping."""
        return _filterset_for(tuple(search_fields.items()), date_field)


@lru_cache(maxsize=256)
def _filterset_for(columns, date_field):
    filters = {
        name: CustomSearchFilter(search=target) if callable(target) else SearchFilter(field_name=target)
        for name, target in columns
    }
    return type("ColumnFilterSet", (ResourceFilterSet,), {"date_field": date_field, **filters})


def filter_list(queryset, params, filterset_class, *, sort_fields, default_sort=("-created_at",),
                request=None, view=None):
    """`q[...]`, the date range and `sort_by` from `params` applied to `queryset`, the columns
    being `filterset_class`'s. Raises InvalidInput (422) naming the offending parameter."""
    terms = parse_search(params, filterset_class.base_filters)  # unknown column, NUL, quotes
    if terms:
        queryset = filterset_class(terms, queryset, request=request, view=view).qs

    date_range = parse_date_range(params)
    date_field = filterset_class.date_field
    if date_range.start is not None:
        queryset = queryset.filter(**{f"{date_field}__gte": date_range.start})
    if date_range.end is not None:
        comparison = "lt" if date_range.end_exclusive else "lte"
        queryset = queryset.filter(**{f"{date_field}__{comparison}": date_range.end})

    return queryset.order_by(*parse_sort(params, sort_fields, default_sort))


class ListFilterBackend(BaseFilterBackend):
    """The one filter backend of the /v2 API: the view's `get_filterset_class()`, `sort_fields`
    and `default_sort` applied to the request's query string."""

    def filter_queryset(self, request, queryset, view):
        return filter_list(
            queryset, request.query_params, view.get_filterset_class(),
            sort_fields=view.sort_fields, default_sort=view.default_sort, request=request, view=view,
        )
