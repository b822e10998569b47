"""Admin list filters typed into a box (check id, host address): the values are too many to list."""

from django.contrib import admin


class InputFilter(admin.SimpleListFilter):
    """Exact match on `field` with the typed value; keeps the other filters of the page."""

    template = "admin/findings/input_filter.html"
    field = None

    def lookups(self, request, model_admin):
        return ((None, None),)  # the filter shows only when it has a choice

    def choices(self, changelist):
        # One "All" entry: the form's hidden fields keep the page's other parameters.
        query = changelist.get_query_string(remove=[self.parameter_name])
        params = changelist.get_filters_params()
        params.pop(self.parameter_name, None)
        yield {"query_string": query, "query_parts": [(key, value) for key, values in params.items() for value in values]}

    def queryset(self, request, queryset):
        value = (self.value() or "").strip()
        return queryset.filter(**{self.field: value}) if value else queryset


class NvtFilter(InputFilter):
    title = "check (nvt)"
    parameter_name = "nvt"
    field = "nvt"


class HostIpFilter(InputFilter):
    title = "host address"
    parameter_name = "ip"
    field = "ip"

    def queryset(self, request, queryset):
        import ipaddress

        value = (self.value() or "").strip()
        if not value:
            return queryset
        try:  # PostgreSQL refuses a malformed address in an inet comparison
            return queryset.filter(ip=str(ipaddress.ip_address(value)))
        except ValueError:
            return queryset.none()
