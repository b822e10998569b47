"""POST /v2/scans/{id}/import (multipart `file` + `format`): another scanner's report recorded as
a run of the scan (findings/services/imports.py). Reports up to IMPORT_SYNC_MAX_BYTES are
recorded within the request (201, the run done); larger ones are queued (201, the run `queued`,
then `running` with progress, as native runs)."""

import os

from django.conf import settings
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiParameter, extend_schema, inline_serializer
from rest_framework import serializers
from rest_framework.decorators import action
from rest_framework.parsers import FormParser, MultiPartParser
from rest_framework.response import Response

from config.api.errors import InvalidInput
from findings.services import imports

UPLOAD = inline_serializer("ReportImport", {
    "file": serializers.FileField(), "format": serializers.ChoiceField(choices=["nmap_xml", "gvm_xml", "gvm_csv", "nessus"]),
})


class ScanImportMixin:
    max_body_bytes = settings.API_MAX_UPLOAD_BYTES  # this viewset's JSON routes stay at DATA_UPLOAD_MAX_MEMORY_SIZE

    @extend_schema(request={"multipart/form-data": UPLOAD}, responses={201: OpenApiTypes.OBJECT},
                   parameters=[OpenApiParameter("format", str, description="nmap_xml, gvm_xml, gvm_csv or nessus")])
    @action(detail=True, methods=["post"], url_path="import", parser_classes=[MultiPartParser, FormParser])
    def import_report(self, request, pk=None):
        from scanning.api.serializers import ScanRunSerializer

        scan = self.get_object()
        fmt = request.data.get("format") or request.query_params.get("format") or ""
        imports.check_format(fmt)
        upload = request.FILES.get("file")
        if upload is None and request.data.get("file"):  # curl -F file=<report.xml sends the text as a form value
            raise InvalidInput.field("file", "must be sent as a file, not as a form value (curl -F file=@report.xml)")
        if upload is None:
            raise InvalidInput.field("file", "is required (multipart/form-data)")
        if upload.size == 0:
            raise imports.invalid_file("The file is empty")
        trigger = "api" if getattr(request.auth, "kind", "") in ("api_key", "access_token") else "user"
        path = imports.store_upload(upload)
        queued = upload.size > settings.IMPORT_SYNC_MAX_BYTES
        try:
            record = imports.queue_import if queued else imports.import_report
            run = record(scan, path, fmt, request.user, trigger)
        except BaseException:  # refused (422, 409...): no worker will take the file
            os.unlink(path)
            raise
        if not queued:
            os.unlink(path)
        from events.emit import emit

        emit("report_imported", scan, actor=request.user, organization=scan.organization, run_id=str(run.pk), format=fmt)
        from scanning.models import ScanRun

        return Response({"data": ScanRunSerializer(ScanRun.objects.get(pk=run.pk)).data}, status=201)
