# The task workers an installation runs (sourced by scripts/run.sh; the parallel-scan test starts
# the same commands). django-tasks-db's db_worker runs one task at a time per process, so:
#  - one worker serves the `default` queue (e-mail, webhooks, reports, reconciler...): a long scan
#    never holds those up;
#  - SCAN_WORKERS workers (default 4) serve every other queue (`scans`, and any scanner's own
#    queue): that many scans run at once, within the plan's concurrent_scans and the scanner's
#    max_concurrent_scans (a run past a limit waits `queued`).
worker_commands() {
    local count="${SCAN_WORKERS:-4}" i
    echo "python manage.py db_worker --queue-name default --no-reload"
    for ((i = 0; i < count; i++)); do
        echo "python manage.py db_worker --queue-name '*' --exclude-queues default --no-reload"
    done
}
