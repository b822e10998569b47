from django_tasks import task


@task()
def import_report_file(run_id, path, fmt):
    """A large imported report, read and recorded by a worker (findings/services/imports.py)."""
    from findings.services.imports import run_queued_import

    run_queued_import(run_id, path, fmt)
    return run_id
