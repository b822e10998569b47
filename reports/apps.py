from django.apps import AppConfig


class ReportsConfig(AppConfig):
    name = "reports"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from events.registry import register_serializer
        from reports.models import AdvancedReport, Report

        # Webhook payloads carry reports in their API form (the serializers imported when needed).
        register_serializer(Report, "reports.api.serializers.ReportSerializer")
        register_serializer(AdvancedReport, "reports.api.serializers.AdvancedReportSerializer")
