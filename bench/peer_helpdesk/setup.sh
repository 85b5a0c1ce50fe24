#!/bin/sh
# The helpdesk peer (README.md here): its own virtualenv (var/peer/venv, django-helpdesk pinned in
# requirements.txt here) and its own PostgreSQL database, migrated and filled with 100,000 tickets
# (seed.py; kept when already there, SEED_ARGS=--reset to write them again).
#   PEER_DATABASE_URL  default postgres://postgres@127.0.0.1:5432/gridapp_peer_helpdesk_bench;
#                      its name must end in _bench
#   PEER_VENV          default var/peer/venv      PYTHON   default python3
set -eu
HERE=$(cd "$(dirname "$0")" && pwd)
ROOT=$(cd "$HERE/../.." && pwd)
PEER_VENV=${PEER_VENV:-$ROOT/var/peer/venv}
PEER_DATABASE_URL=${PEER_DATABASE_URL:-postgres://postgres@127.0.0.1:5432/gridapp_peer_helpdesk_bench}
PYTHON=${PYTHON:-python3}
SEED_ARGS=${SEED_ARGS:-}
export PEER_DATABASE_URL

name=${PEER_DATABASE_URL##*/}
if ! printf '%s' "$name" | grep -Eq '^[A-Za-z0-9_]+_bench$'; then
    echo "Refusing the database '$name': the peer fills its own database, whose name must end in _bench" \
        "(and be letters, digits and _), e.g. PEER_DATABASE_URL=postgres://postgres@127.0.0.1:5432/gridapp_peer_helpdesk_bench" >&2
    exit 2
fi
server=${PEER_DATABASE_URL%/*}/postgres

stamp="$PEER_VENV/.installed-$(cksum < "$HERE/requirements.txt" | cut -d' ' -f1)"
if [ ! -f "$stamp" ]; then
    test -x "$PEER_VENV/bin/python" || "$PYTHON" -m venv "$PEER_VENV"
    "$PEER_VENV/bin/pip" install --quiet --disable-pip-version-check -r "$HERE/requirements.txt"
    rm -f "$PEER_VENV"/.installed-*
    touch "$stamp"
fi

psql "$server" -tAc "SELECT 1 FROM pg_database WHERE datname='$name'" | grep -q 1 \
    || psql "$server" -c "CREATE DATABASE \"$name\""
"$PEER_VENV/bin/python" "$HERE/manage.py" migrate --noinput -v0
# shellcheck disable=SC2086 # SEED_ARGS is a list of options
"$PEER_VENV/bin/python" "$HERE/seed.py" $SEED_ARGS
