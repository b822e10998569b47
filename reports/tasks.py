from django_tasks import task


@task()
def generate_report_file(file_id):
    """Render and store one report file (reports/services/generate.py)."""
    from reports.services.generate import build_file

    build_file(file_id)
    return file_id
