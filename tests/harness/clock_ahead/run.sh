#!/usr/bin/env bash
# `make test-clock-ahead [DAYS=365]`: the Odoo and pytest stages of `make test` with the
# clock of the test processes AND of a PostgreSQL of their own moved DAYS ahead, to show
# that no test depends on today's date. Debian: apt-get install faketime gcc.
#
# Why a PostgreSQL of its own: Odoo stamps create_date/write_date with the database's
# now(); a faked Odoo against a real-time server would see records from the past (the bus
# would deliver nothing), which no user ever meets. Why monotonic_sleep.so: libfaketime
# with FAKETIME_DONT_FAKE_MONOTONIC=1 makes Python's time.sleep() fail with EINVAL, and
# with a faked monotonic clock every lock wait with a timeout hangs for the offset.
# Why Chromium keeps the real clock: under libfaketime it stops answering its
# debugging port, so browser tours run with the real clock against a server a year
# ahead (what differs for them is said in the issue note of #10).
set -euo pipefail
cd "$(dirname "$0")/../../.."
DAYS=${DAYS:-365}
PORT=${CLOCK_AHEAD_PGPORT:-5439}
VERSION=$(ls /usr/lib/postgresql | sort -n | tail -1)
LIB=$(ls /usr/lib/*/faketime/libfaketimeMT.so.1 2>/dev/null | head -1 || true)
[ -n "$LIB" ] || { echo "hotline: libfaketime missing (apt-get install faketime)"; exit 2; }
mkdir -p .run
gcc -shared -fPIC -O2 -o .run/monotonic_sleep.so tests/harness/clock_ahead/monotonic_sleep.c -ldl
PRELOAD=$PWD/.run/monotonic_sleep.so:$LIB
mkdir -p .run/clock-ahead-bin
for browser in chromium chromium-browser google-chrome; do
    real=$(command -v "$browser" || true)
    [ -n "$real" ] || continue
    printf '#!/bin/sh\nunset LD_PRELOAD FAKETIME\nexec %s "$@"\n' "$real" > ".run/clock-ahead-bin/$browser"
    chmod +x ".run/clock-ahead-bin/$browser"
done
export FAKETIME="+${DAYS}d" FAKETIME_DONT_FAKE_MONOTONIC=1
DATA=/var/lib/postgresql/$VERSION/clockahead
if [ ! -d "$DATA" ]; then
    pg_createcluster "$VERSION" clockahead -p "$PORT" >/dev/null
fi
su postgres -c "/usr/lib/postgresql/$VERSION/bin/pg_ctl -D $DATA -o '-c config_file=/etc/postgresql/$VERSION/clockahead/postgresql.conf -p $PORT' -l /tmp/clockahead-pg.log stop" >/dev/null 2>&1 || true
su postgres -c "FAKETIME=$FAKETIME FAKETIME_DONT_FAKE_MONOTONIC=1 LD_PRELOAD=$PRELOAD /usr/lib/postgresql/$VERSION/bin/pg_ctl -D $DATA -o '-c config_file=/etc/postgresql/$VERSION/clockahead/postgresql.conf -p $PORT' -l /tmp/clockahead-pg.log -w start" >/dev/null
trap 'su postgres -c "/usr/lib/postgresql/$VERSION/bin/pg_ctl -D $DATA -m fast stop" >/dev/null' EXIT
su postgres -c "psql -p $PORT -Atc \"select 1 from pg_roles where rolname='$(id -un)'\"" | grep -q 1 \
    || su postgres -c "createuser -p $PORT --superuser $(id -un)"
echo "clock moved to $(LD_PRELOAD=$PRELOAD date -u) (database: $(psql -p "$PORT" -d postgres -Atc 'select now()'))"
PATH=$PWD/.run/clock-ahead-bin:$PATH PGPORT=$PORT HOTLINE_TEST_PORT=${HOTLINE_TEST_PORT:-8179} LD_PRELOAD=$PRELOAD \
    python3 tests/harness/run_suite.py --only odoo --only pytest
