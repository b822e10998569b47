"""Report files: requested (pending, queued), built by a worker (ready with size and SHA-256, or
failed with the reason), downloaded, verified. The API, the admin and `generate_report` call
these; the worker runs `build_file`."""

import hashlib
import logging
import re
import tempfile

from django.core.files import File
from django.core.files.storage import default_storage
from django.db import transaction
from django.utils import timezone
from django.utils.text import slugify

from config.api.errors import InvalidInput
from events.emit import emit
from reports.choices import FileStatus, ReportFormat, ReportType
from reports.models import ReportFile

from . import data as report_data

logger = logging.getLogger("reports")
CHUNK = 1024 * 1024
SHA256 = re.compile(r"[0-9a-f]{64}")


def check_choice(fmt, report_type):
    if fmt not in ReportFormat.values:
        raise InvalidInput.field("format", f"must be one of {', '.join(ReportFormat.values)}")
    if report_type not in ReportType.values:
        raise InvalidInput.field("type", f"must be one of {', '.join(ReportType.values)}")


def request_file(owner, fmt, report_type, actor=None, run_now=False) -> ReportFile:
    """A pending file of `owner` (a Report or an AdvancedReport), queued for the worker (or built
    here when `run_now`, for the command). Asking again regenerates it."""
    check_choice(fmt, report_type)
    key = {"advanced_report": owner} if owner._meta.model_name == "advancedreport" else {"report": owner}
    with transaction.atomic():
        file, _ = ReportFile.objects.update_or_create(
            **key, format=fmt, type=report_type,
            defaults={"organization_id": owner.organization_id, "status": FileStatus.PENDING, "error": "",
                      "requested_by": actor if getattr(actor, "pk", None) else None},
        )
        if not run_now:
            transaction.on_commit(lambda: enqueue(file.pk))
    if run_now:
        build_file(file.pk)
        file.refresh_from_db()
    return file


def enqueue(file_id):
    from reports.tasks import generate_report_file

    try:
        generate_report_file.enqueue(str(file_id))
    except Exception as exc:  # the request stands; say why nothing will come
        logger.exception("Report file %s could not be queued", file_id)
        ReportFile.objects.filter(pk=file_id).update(status=FileStatus.FAILED, error=f"Could not be queued: {exc}")


def build_file(file_id) -> ReportFile | None:
    """Render, store, hash; `failed` with the reason when anything goes wrong."""
    file = ReportFile.objects.select_related("report__run", "report__scan__target", "report__organization",
                                             "advanced_report__organization").filter(pk=file_id).first()
    if file is None:
        return None
    old_name = file.file.name if file.file else ""
    try:
        with tempfile.TemporaryFile() as out:
            data = build_data(file)
            from reports.render import render

            render(data, file.format, out)
            size, digest = measure(out)
            out.seek(0)
            name = default_storage.save(f"reports/{file_name(file)}", File(out))
    except Exception as exc:
        logger.exception("Report file %s failed", file_id)
        ReportFile.objects.filter(pk=file_id).update(status=FileStatus.FAILED, error=f"{exc.__class__.__name__}: {exc}"[:2000],
                                                     updated_at=timezone.now())
        return None
    now = timezone.now()
    ReportFile.objects.filter(pk=file_id).update(status=FileStatus.READY, error="", file=name, size=size, sha256=digest,
                                                 generated_at=now, updated_at=now)
    if old_name and old_name != name:
        default_storage.delete(old_name)
    file.refresh_from_db()
    owner = file.report or file.advanced_report
    if file.advanced_report_id:
        type(owner).objects.filter(pk=owner.pk).update(last_generated_at=now)
        owner.last_generated_at = now  # the event below carries it
    # scanning.md, Reports: `report_generated` when a file is ready, a run's report or an advanced one.
    transaction.on_commit(lambda: emit("report_generated", owner, organization=owner.organization,
                                       format=file.format, type=file.type, sha256=digest))
    return file


def build_data(file):
    if file.report_id:
        return report_data.for_run(file.report, file.type)
    return report_data.for_advanced(file.advanced_report, file.type)


def measure(out) -> tuple[int, str]:
    out.seek(0)
    digest, size = hashlib.sha256(), 0
    while chunk := out.read(CHUNK):
        digest.update(chunk)
        size += len(chunk)
    return size, digest.hexdigest()


def file_name(file) -> str:
    owner = file.report or file.advanced_report
    title = owner.scan.name if file.report_id else owner.name
    stamp = (file.report.run.finished_at or timezone.now()) if file.report_id else timezone.now()
    return f"{slugify(title)[:60] or 'report'}-{file.type}-{stamp:%Y%m%d-%H%M}.{file.format}"


def ready_file(owner, fmt, report_type) -> ReportFile | None:
    key = {"advanced_report": owner} if owner._meta.model_name == "advancedreport" else {"report": owner}
    return ReportFile.objects.filter(**key, format=fmt, type=report_type, status=FileStatus.READY).first()


def open_for_download(file, actor):
    """The stored file, opened; the download is an audit event (events.md)."""
    owner = file.report or file.advanced_report
    emit("report_downloaded", owner, actor=actor, organization=owner.organization, format=file.format, type=file.type,
         sha256=file.sha256)
    return default_storage.open(file.file.name, "rb")


def download_name(file) -> str:
    return file.file.name.rsplit("/", 1)[-1]


def clean_sha256(value) -> str:
    """A SHA-256 digest as the client sends it (64 hexadecimal characters, any case)."""
    if not isinstance(value, str) or not value.strip():
        raise InvalidInput.field("sha256", "is required")
    digest = value.strip().lower()
    if not SHA256.fullmatch(digest):
        raise InvalidInput.field("sha256", "must be a SHA-256 digest (64 hexadecimal characters)")
    return digest


def verify(file, sha256) -> bool:
    """Whether `sha256` is the stored file's hash, re-computed from the stored bytes."""
    sha256 = clean_sha256(sha256)
    with default_storage.open(file.file.name, "rb") as stored:
        _size, digest = measure(stored)
    return digest == sha256 and digest == file.sha256


def verify_any(report, sha256) -> bool | None:
    """Whether `sha256` is the hash of one of the report's ready files (whichever format and
    type), re-computed from its bytes; None when the report has no ready file."""
    sha256 = clean_sha256(sha256)
    files = list(ReportFile.objects.filter(report=report, status=FileStatus.READY))
    if not files:
        return None
    return any(verify(file, sha256) for file in files if file.sha256 == sha256)
