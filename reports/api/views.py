from django.http import FileResponse, Http404
from drf_spectacular.utils import extend_schema
from rest_framework.decorators import action
from rest_framework.negotiation import DefaultContentNegotiation
from rest_framework.response import Response

from config.api.viewsets import BulkDestroyMixin, DestroyMixin, ModelResourceViewSet, ReadOnlyResourceViewSet
from reports.api.inputs import AdvancedReportInput, GenerateInput
from reports.api.serializers import AdvancedReportSerializer, ReportSerializer
from reports.choices import CONTENT_TYPES, FileStatus
from reports.filtersets import AdvancedReportFilterSet, ReportFilterSet
from reports.models import AdvancedReport, Report, ReportFile
from reports.services import advanced, generate, records
from scanning.api.base import ScanningViewSet


class FormatIsAParameter(DefaultContentNegotiation):
    """`format` names a report file's format on these routes, not DRF's renderer override, and a
    download's Accept header (`application/pdf`) names the file's type, not a renderer's: the
    renderer is always the JSON one (downloads answer a FileResponse, which none renders)."""

    def select_renderer(self, request, renderers, format_suffix=None):
        return renderers[0], renderers[0].media_type


class FileActions:
    """generate / download / file_exists / verify, shared by reports and advanced reports."""

    content_negotiation_class = FormatIsAParameter

    @extend_schema(request=GenerateInput)
    @action(detail=True, methods=["post"])
    def generate(self, request, pk=None):
        return self._generate(self.get_object())

    @action(detail=True, methods=["get"])
    def download(self, request, pk=None):
        return self._download(self.get_object())

    def _choice(self, default_format="pdf", default_type="detailed"):
        params = {**self.request.query_params.dict(), **(self.payload() if self.request.method != "GET" else {})}
        fmt, report_type = params.get("format", default_format), params.get("type", default_type)
        generate.check_choice(fmt, report_type)
        return fmt, report_type

    def _generate(self, owner):
        data = self.validated(serializer_class=GenerateInput, data=self.payload())
        default = (owner.format, owner.type) if isinstance(owner, AdvancedReport) else ("pdf", "detailed")
        fmt = data["format"] if "format" in self.payload() else default[0]
        report_type = data["type"] if "type" in self.payload() else default[1]
        file = generate.request_file(owner, fmt, report_type, actor=self.request.user)
        return Response({"data": self.serialize(type(owner).objects.get(pk=owner.pk)),
                         "file": {"format": file.format, "type": file.type, "status": file.status}}, status=202)

    def _download(self, owner):
        fmt, report_type = self._choice(*((owner.format, owner.type) if isinstance(owner, AdvancedReport) else ()))
        file = generate.ready_file(owner, fmt, report_type)
        if file is None:
            raise Http404
        response = FileResponse(generate.open_for_download(file, self.request.user), as_attachment=True,
                                filename=generate.download_name(file), content_type=CONTENT_TYPES[file.format])
        response["X-Content-SHA256"] = file.sha256
        return response


class ReportViewSet(FileActions, BulkDestroyMixin, DestroyMixin, ReadOnlyResourceViewSet, ScanningViewSet):
    """Reports are made by finished runs: read, generate, download and delete only."""

    queryset = Report.objects.prefetch_related("files")
    serializer_class = ReportSerializer
    resource_name = "report"
    filterset_class = ReportFilterSet
    sort_fields = ("created_at",)
    action_roles = {"file_exists": "Viewer", "verify": "Viewer", "download": "Viewer"}
    delete_service = records.delete_reports

    @action(detail=True, methods=["get"])
    def file_exists(self, request, pk=None):
        fmt, report_type = self._choice()
        file = ReportFile.objects.filter(report=self.get_object(), format=fmt, type=report_type).first()
        return Response({"exists": bool(file and file.status == FileStatus.READY),
                         "status": file.status if file else None, "sha256": (file.sha256 or None) if file else None,
                         "error": (file.error or None) if file else None})

    @action(detail=True, methods=["post"])
    def verify(self, request, pk=None):
        report = self.get_object()  # another organization's report is a 404 whatever the body says
        body = self.payload()
        sha256 = generate.clean_sha256(body.get("sha256", request.query_params.get("sha256")))
        named = {**request.query_params.dict(), **body}
        if "format" not in named and "type" not in named:
            # endpoints.md: `sha256` alone; it is checked against every ready file of the report.
            valid = generate.verify_any(report, sha256)
        else:
            file = generate.ready_file(report, *self._choice())
            valid = None if file is None else generate.verify(file, sha256)
        if valid is None:
            raise Http404
        return Response({"valid": valid})


class AdvancedReportViewSet(FileActions, BulkDestroyMixin, ModelResourceViewSet, ScanningViewSet):
    queryset = AdvancedReport.objects.prefetch_related("files")
    serializer_class = AdvancedReportSerializer
    input_serializer_class = AdvancedReportInput
    resource_name = "advanced_report"
    filterset_class = AdvancedReportFilterSet
    sort_fields = ("name", "created_at", "last_generated_at")
    action_roles = {"download": "Viewer"}
    create_service = advanced.create_own_advanced_report
    update_service = advanced.update_advanced_report
    delete_service = advanced.delete_advanced_reports
    reread_after_write = True  # with its files
