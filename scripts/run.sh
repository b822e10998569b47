#!/usr/bin/env bash
# Run the product on this machine: .venv, migrations, static files, demo data, then the web
# server on http://127.0.0.1:8000 (HOST and PORT override; WEB_CONCURRENCY sets the workers).
# Safe to run again: every step is idempotent. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/venv.sh

HOST="${HOST:-127.0.0.1}"
# The demo scans this machine (127.0.0.1), which the default blocked networks refuse; an empty
# value blocks nothing. Set SCAN_BLOCKED_NETWORKS yourself for anything but a local demo.
export SCAN_BLOCKED_NETWORKS="${SCAN_BLOCKED_NETWORKS-}"
PORT="${PORT:-8000}"
DEMO_PASSWORD="${DEMO_PASSWORD:-demo-password-123}"

ensure_venv requirements.txt
export PATH="$PWD/.venv/bin:$PATH"

echo "==> Applying migrations"
python manage.py migrate --noinput
echo "==> Collecting static files"
python manage.py collectstatic --noinput --verbosity 0
echo "==> Seeding the demo data"
python manage.py seed_demo --password "$DEMO_PASSWORD"

# --- Processes started next to the web server -------------------------------------------------
# Each entry is a shell command run in the background from the repository root with .venv on
# PATH; all of them are stopped when this script exits: the task workers (one for the default
# queue: webhooks, e-mail, reports; SCAN_WORKERS for scans, see scripts/lib/workers.sh) and the
# scheduler (scheduled scans, stale-run reconciler, daily jobs).
. scripts/lib/workers.sh
mapfile -t BACKGROUND < <(worker_commands)
BACKGROUND+=("python manage.py run_scheduler")
# -----------------------------------------------------------------------------------------------

PIDS=()
stop_all() {
    trap - EXIT INT TERM
    local pid
    for pid in "${PIDS[@]}"; do
        kill -TERM "$pid" 2>/dev/null || true
    done
    wait 2>/dev/null || true
}
trap stop_all EXIT
trap 'exit 130' INT
trap 'exit 143' TERM

for command in "${BACKGROUND[@]}"; do
    echo "==> Starting: $command"
    bash -c "exec $command" &
    PIDS+=("$!")
done

cat <<MSG

  API base:       http://$HOST:$PORT/v2/   (health: /healthz)
  The admin:      http://$HOST:$PORT/admin/   (admin / $DEMO_PASSWORD)
  API docs:       http://$HOST:$PORT/v2/docs   (schema: /v2/schema)
  Demo users:     admin, partner, manager, user, viewer — password: $DEMO_PASSWORD
  Sign in to the API with the demo API key printed above; see README.md.
  Press Ctrl-C to stop.

MSG

# WhiteNoise (in the middleware) serves /static/, so gunicorn alone is enough.
gunicorn config.wsgi \
    --bind "$HOST:$PORT" \
    --workers "${WEB_CONCURRENCY:-2}" \
    --access-logfile - \
    --access-logformat '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"' \
    --no-control-socket \
    --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" &
PIDS+=("$!")

# When any process ends (or Ctrl-C), stop the others and report its status.
status=0
wait -n "${PIDS[@]}" || status=$?
exit "$status"
