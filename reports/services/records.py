"""Report records: one per finished run, created by the findings finalize step (native and
imported runs alike), and deleted with their files."""

from django.db import transaction

from reports.models import Report, ReportFile


def record_run(run) -> Report:
    """The run's report record with its figures (idempotent: a re-finalized run updates it)."""
    report, _ = Report.objects.update_or_create(
        run=run,
        defaults={
            "organization_id": run.organization_id, "product": run.product, "scan_id": run.scan_id,
            "status": run.status, "pci_status": run.pci_status, "severity_counts": run.severity_counts or {},
            "max_severity": run.max_severity, "host_count": run.hosts_alive or 0,
        },
    )
    return report


def delete_reports(actor, reports) -> int:
    """Reports and their stored files (the files go once the rows are gone)."""
    return delete_with_files(Report, "report_id", reports)


def delete_with_files(model, owner_field, owners) -> int:
    """Delete `owners` (reports or advanced reports) and, after the commit, their stored files."""
    ids = [owner.pk for owner in owners]
    names = list(ReportFile.objects.filter(**{f"{owner_field}__in": ids}).exclude(file="").values_list("file", flat=True))
    deleted, _ = model.objects.filter(pk__in=ids).delete()
    transaction.on_commit(lambda: remove_files(names))
    return deleted


def remove_files(names) -> None:
    from django.core.files.storage import default_storage

    for name in names:
        try:
            default_storage.delete(name)
        except OSError:
            pass
