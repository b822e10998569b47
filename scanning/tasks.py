import os
import socket

from django_tasks import task

from scanning.services.execution import execute_run as execute


@task(queue_name="scans")
def execute_run(run_id):
    """One scan run on a worker; the queue is chosen per scanner when it is enqueued."""
    execute(run_id, worker=f"{socket.gethostname()}:{os.getpid()}")
    return run_id
