from django_tasks import task


@task()
def expire_exceptions():
    """The exception expiry (also run by every `run_scheduler` pass), for deployments that drive
    periodic work through the task queue."""
    from findings.services.exceptions import expire_exceptions as expire

    return expire()
