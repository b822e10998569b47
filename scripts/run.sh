#!/usr/bin/env bash
# Run the product on this machine: .venv, migrations, static files, demo data, then the web
# server on http://127.0.0.1:8000 (HOST and PORT override; WEB_CONCURRENCY sets the workers).
# Safe to run again: every step is idempotent. Ctrl-C stops everything it started.
set -euo pipefail
cd "$(dirname "$0")/.."
. scripts/lib/venv.sh

HOST="${HOST:-127.0.0.1}"
PORT="${PORT:-8000}"
DEMO_PASSWORD="${DEMO_PASSWORD:-demo-password-123}"

ensure_venv requirements.txt
export PATH="$PWD/.venv/bin:$PATH"

# --- Production-shaped settings (README, "What run.sh sets") ------------------------------------
# Debug off: real 404/500 pages, never Django's debug page. Plain HTTP on this address, so no
# HTTPS redirect; cookies turn secure and HSTS is sent as soon as a TLS proxy in front says
# X-Forwarded-Proto: https. The environment overrides each of these (they win over .env).
export DJANGO_DEBUG="${DJANGO_DEBUG:-false}"
export DJANGO_SECURE_SSL_REDIRECT="${DJANGO_SECURE_SSL_REDIRECT:-false}"
case "$HOST" in
    *:*) BIND_HOST="[$HOST]" ;;  # an IPv6 address
    *) BIND_HOST="$HOST" ;;
esac
URL_HOST="$BIND_HOST"
case "$HOST" in
    0.0.0.0 | :: | "")  # every interface: the names it answers to are unknown here
        export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-*}"
        URL_HOST="$(hostname)"
        [ "$DJANGO_ALLOWED_HOSTS" = "*" ] && echo "note: HOST=$HOST answers to any Host header; set DJANGO_ALLOWED_HOSTS" ;;
    *) export DJANGO_ALLOWED_HOSTS="${DJANGO_ALLOWED_HOSTS:-$URL_HOST,localhost,127.0.0.1,[::1]}" ;;
esac
export SITE_URL="${SITE_URL:-http://$URL_HOST:$PORT}"  # the links in e-mails

# A secret key of this install, made once and kept in .env (git-ignored; other lines are kept).
# It signs tokens, hashes API keys and encrypts 2FA secrets: never the public development key.
if [ -z "${DJANGO_SECRET_KEY:-}" ] && ! grep -qE '^DJANGO_SECRET_KEY=.+' .env 2>/dev/null; then
    echo "==> Generating DJANGO_SECRET_KEY into .env"
    if [ -s .env ] && [ -n "$(tail -c 1 .env)" ]; then
        echo >> .env
    fi
    (umask 077 && echo "DJANGO_SECRET_KEY=$(python -c 'import secrets; print(secrets.token_urlsafe(50))')" >> .env)
fi
# SCAN_BLOCKED_NETWORKS keeps the platform default (loopback, link-local, metadata, own addresses):
# the demo customer may scan 127.0.0.1 through its allowance, which seed_demo grants; nobody else.

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

  API base:       $SITE_URL/v2/   (health: /healthz)
  The admin:      $SITE_URL/admin/   (admin / $DEMO_PASSWORD)
  API docs:       $SITE_URL/v2/docs   (schema: /v2/schema)
  Demo users:     admin, partner, manager, user, viewer — password: $DEMO_PASSWORD
  Sign in to the API with the demo API key printed above; see README.md.
  Press Ctrl-C to stop.

MSG

# WhiteNoise (in the middleware) serves /static/, so gunicorn alone is enough.
gunicorn config.wsgi \
    --bind "$BIND_HOST:$PORT" \
    --workers "${WEB_CONCURRENCY:-2}" \
    --worker-class gthread --threads "${WEB_THREADS:-8}" --keep-alive 75 \
    --access-logfile - \
    --access-logformat '%(h)s %(t)s "%(m)s %(U)s %(H)s" %(s)s %(b)s %(M)sms "%(a)s"' \
    --no-control-socket \
    --forwarded-allow-ips "${FORWARDED_ALLOW_IPS:-127.0.0.1}" &
PIDS+=("$!")

# When any process ends (or Ctrl-C), stop the others and report its status.
status=0
wait -n "${PIDS[@]}" || status=$?
exit "$status"
