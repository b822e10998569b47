from reports.api.views import AdvancedReportViewSet, ReportViewSet


def register(router):
    router.register("reports", ReportViewSet, basename="report")
    router.register("advanced_reports", AdvancedReportViewSet, basename="advanced-report")
