from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from events.registry import register_serializer
        from reports.api.serializers import AdvancedReportSerializer, ReportSerializer
        from reports.models import AdvancedReport, Report

        register_serializer(Report, ReportSerializer)
        register_serializer(AdvancedReport, AdvancedReportSerializer)
