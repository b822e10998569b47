"""Write side of reports: validation only (filters are checked against the caller's own scans
and targets by the service)."""

from rest_framework import serializers

from config.api.fields import StrictCharField
from reports.choices import GroupBy, ReportFormat, ReportType


class GenerateInput(serializers.Serializer):
    format = serializers.ChoiceField(choices=ReportFormat.choices, default=ReportFormat.PDF)
    type = serializers.ChoiceField(choices=ReportType.choices, default=ReportType.DETAILED)


class AdvancedReportInput(serializers.Serializer):
    name = StrictCharField(max_length=255)
    description = StrictCharField(required=False, allow_blank=True)
    filters = serializers.DictField(required=False)
    group_by = serializers.ChoiceField(choices=GroupBy.choices, required=False)
    format = serializers.ChoiceField(choices=ReportFormat.choices, required=False)
    type = serializers.ChoiceField(choices=ReportType.choices, required=False)
    # The same filters sent flat, as the route's notes list them.
    scan_ids = serializers.ListField(child=serializers.CharField(), required=False)
    target_ids = serializers.ListField(child=serializers.CharField(), required=False)
    date_range_start = serializers.CharField(required=False, allow_blank=True)
    date_range_end = serializers.CharField(required=False, allow_blank=True)
    relative_date_range = serializers.CharField(required=False, allow_blank=True)
    severity_levels = serializers.ListField(child=serializers.CharField(), required=False)
    include_excepted = serializers.BooleanField(required=False)
