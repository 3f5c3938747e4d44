# Sourced by the integration scripts: starts a PostgreSQL cluster of the script's own in a temporary
# directory, on a Unix socket only, as the `postgres` user when running as root (PostgreSQL refuses
# root), and stops it and removes the directory on exit (KEEP_DIR=1 keeps it for a post-mortem).
# Sets: pgbin, dir, port, as_pg, psql; exports PGHOST, PGPORT, PGUSER.
# Usage: start_throwaway_postgres NAME   (NAME goes into the directory's name)
start_throwaway_postgres() {
  pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
  [ -x "$pgbin/initdb" ] || { echo "FAIL: no PostgreSQL server under /usr/lib/postgresql (scripts/bootstrap installs it)"; exit 1; }
  dir=$(mktemp -d "/tmp/maskd-$1.XXXXXX")
  chmod 755 "$dir"
  as_pg=()
  if [ "$(id -u)" -eq 0 ]; then chown postgres "$dir"; as_pg=(runuser -u postgres --); fi
  port=$((20000 + RANDOM % 20000))
  trap stop_throwaway_postgres EXIT
  "${as_pg[@]}" "$pgbin/initdb" -D "$dir/data" -A trust -U postgres >/dev/null
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -o "-k $dir -p $port -c listen_addresses=''" -l "$dir/log" -w start >/dev/null
  export PGHOST=$dir PGPORT=$port PGUSER=postgres
  psql="psql -X -q -v ON_ERROR_STOP=1"
}

stop_throwaway_postgres() {
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$dir/data" -m immediate stop >/dev/null 2>&1 || true
  [ -n "${KEEP_DIR:-}" ] || rm -rf "$dir"
}
