#!/usr/bin/env bash
# psql → clients/python/maskd_proxy.py → PostgreSQL 15, with the result stream masked by a real
# `maskd serve` over the session protocol of docs/protocol.md. Throwaway cluster on a Unix socket
# in a temporary directory. Checks: no original email/card/SSN reaches psql (plain SELECT, COPY TO
# STDOUT, extended query protocol, an error message echoing a value), emails come out as
# `…@example.invalid` tokens, the same query twice gives the same bytes, the same email gives the
# same token in different columns, non-PII columns are unchanged, SSL/replication handling of the
# proxy, and fail-closed when maskd goes away.
# Usage: Tests/Integration/python-client-e2e.sh path/to/maskd
set -uo pipefail
export INTEGRATION_DIR=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 MASKD_BINARY"; exit 64; }
maskd=$(realpath "$1")
[ -x "$maskd" ] || { echo "FAIL: $1 is not an executable"; exit 1; }
here=$(cd "$(dirname "$0")/../.." && pwd)
proxy_py="$here/clients/python/maskd_proxy.py"
pgbin=/usr/lib/postgresql/15/bin
[ -x "$pgbin/initdb" ] || pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pgbin/initdb" ] || { echo "FAIL: no PostgreSQL server under /usr/lib/postgresql"; exit 1; }

D=$(mktemp -d /tmp/maskd-pye2e.XXXXXX)
chmod 755 "$D"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$D"; as_pg=(runuser -u postgres --); fi
port=$((20000 + RANDOM % 20000))
maskd_pid=""
proxy_pid=""
cleanup() {
  [ -n "$proxy_pid" ] && kill "$proxy_pid" 2>/dev/null
  [ -n "$maskd_pid" ] && kill "$maskd_pid" 2>/dev/null
  [ -n "$proxy_pid" ] && wait "$proxy_pid" 2>/dev/null
  [ -n "$maskd_pid" ] && wait "$maskd_pid" 2>/dev/null
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$D/data" -m immediate stop >/dev/null 2>&1
  if [ "${KEEP_DIR:-}" = 1 ]; then echo "kept $D"; else rm -rf "$D"; fi
}
trap cleanup EXIT
die() { echo "FAIL: $*"; for f in maskd.log proxy.log; do [ -s "$D/$f" ] && { echo "--- $f (last 20 lines)"; tail -20 "$D/$f"; }; done; exit 1; }

"${as_pg[@]}" "$pgbin/initdb" -D "$D/data" -A trust -U postgres >/dev/null || die "initdb"
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$D/data" -o "-k $D -p $port -c listen_addresses=''" -l "$D/log" -w start >/dev/null || die "pg_ctl start"
direct=(psql -X -q -h "$D" -p "$port" -U postgres -v ON_ERROR_STOP=1)
"${direct[@]}" -d postgres -c "create database app" || die "create database"

# Data the project has never seen: 3000 rows (results span many socket reads, so maskd gets cut messages).
python3 - "$D" <<'PY'
import random, sys, os
d = sys.argv[1]; r = random.Random(7741)
sys.path.insert(0, os.environ["INTEGRATION_DIR"])
import testdata
def luhn_complete(prefix, n): return testdata.luhn_complete(r, prefix, n)
pii = []
with open(f"{d}/people.tsv", "w") as f:
    for i in range(1, 3001):
        email = f"{r.choice(['tove','arjun','nia','bo','lucia'])}.{r.choice(['berg','rao','okafor','li'])}{i}@{r.choice(['fjord','mesa','quill'])}mail.example.net"
        prefix = r.choice(["4", "52", "34", "37", "6011"])
        card = luhn_complete(prefix, 15 if prefix in ("34", "37") else 16)   # Amex 15 digits, the others 16
        ssn = f"{r.randrange(100, 665):03d}-{r.randrange(10, 99):02d}-{r.randrange(1000, 9999):04d}"
        note = f"reach me at {email}" if i % 3 == 0 else f"plain note {i}"
        pii += [email, card, ssn]
        f.write("\t".join([str(i), email, card, ssn, note, f"label-{i}", f"{i * 2.5:.2f}"]) + "\n")
open(f"{d}/pii.txt", "w").write("\n".join(pii) + "\n")
PY
[ -s "$D/pii.txt" ] || die "data generation"
"${direct[@]}" -d app <<SQL || die "load data"
create table people (id integer primary key, email text unique not null, card text, ssn text, note text,
  label text, amount numeric(10,2));
\copy people from '$D/people.tsv'
SQL

export MASKD_TOKEN_KEY=1c2e3a4b5d6f708192a3b4c5d6e7f8091a2b3c4d5e6f708192a3b4c5d6e7f809
"$maskd" serve --socket "$D/maskd.sock" >"$D/maskd.log" 2>&1 &
maskd_pid=$!
for _ in $(seq 100); do [ -S "$D/maskd.sock" ] && break; kill -0 $maskd_pid 2>/dev/null || break; sleep 0.1; done
[ -S "$D/maskd.sock" ] || die "maskd serve did not create $D/maskd.sock"

# Port 0: the kernel picks a free one and the proxy says which. (A random port in 40000-59999 was once
# taken, by another test's connection from the ephemeral range, and the proxy could not bind it.)
python3 "$proxy_py" -v --listen "127.0.0.1:0" --upstream "$D:$port" --maskd "$D/maskd.sock" >"$D/proxy.log" 2>&1 &
proxy_pid=$!
for _ in $(seq 100); do grep -q listening "$D/proxy.log" 2>/dev/null && break; kill -0 $proxy_pid 2>/dev/null || break; sleep 0.1; done
grep -q listening "$D/proxy.log" || die "the proxy did not start"
pport=$(sed -n 's/^maskd_proxy: listening on .*:\([0-9][0-9]*\), upstream .*/\1/p' "$D/proxy.log" | head -n 1)
[ -n "$pport" ] && [ "$pport" != 0 ] || die "the proxy did not say which port it listens on"

passed=0
failed=0
ok() { echo "ok: $1"; passed=$((passed + 1)); }
bad() { echo "FAIL: $1"; failed=$((failed + 1)); }
check() {  # name got want
  if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '${2:0:200}', want '${3:0:200}'"; fi
}
viaproxy() { psql -X -h 127.0.0.1 -p "$pport" -U postgres -d app -At -v ON_ERROR_STOP=1 "$@"; }
leaks() { { grep -a -F -o -f "$D/pii.txt" "$1" || true; } | wc -l | tr -d ' '; }   # occurrences
sel="select id, email, card, ssn, note, label, amount from people order by id"

viaproxy -c "$sel" >"$D/q1.out" 2>"$D/q1.err"; rc=$?
check "SELECT through the proxy succeeds" "$rc" "0"
check "SELECT: rows through the proxy" "$(wc -l < "$D/q1.out" | tr -d ' ')" "3000"
"${direct[@]}" -d app -At -c "$sel" >"$D/direct.out"
before=$(leaks "$D/direct.out")
check "the direct result holds the PII (sanity)" "$([ "$before" -ge 10000 ] && echo yes || echo "$before")" "yes"
check "SELECT: original email/card/SSN values in the output" "$(leaks "$D/q1.out")" "0"
check "SELECT: emails are @example.invalid tokens" \
  "$(cut -d'|' -f2 "$D/q1.out" | grep -c -E '^[^@|]+@example\.invalid$')" "3000"
check "SELECT: non-PII columns (id, label, amount) unchanged" \
  "$(cut -d'|' -f1,6,7 "$D/q1.out" | md5sum)" "$(cut -d'|' -f1,6,7 "$D/direct.out" | md5sum)"
check "SELECT: notes without PII unchanged" \
  "$(grep -c '|plain note ' "$D/q1.out")" "$(grep -c '|plain note ' "$D/direct.out")"
check "same email, same token in the email and note columns" \
  "$(awk -F'|' '$5 ~ /^reach me at / { if ($5 != "reach me at " $2) bad++; n++ } END { print n + 0, bad + 0 }' "$D/q1.out")" "1000 0"

viaproxy -c "$sel" >"$D/q2.out" 2>&1
check "the same query twice gives identical output" "$(cmp -s "$D/q1.out" "$D/q2.out" && echo same || echo differ)" "same"

viaproxy -c "copy (select id, email, card, ssn, note, label from people order by id) to stdout" >"$D/copy.out" 2>"$D/copy.err"; rc=$?
check "COPY TO STDOUT through the proxy succeeds" "$rc" "0"
check "COPY TO STDOUT: rows" "$(wc -l < "$D/copy.out" | tr -d ' ')" "3000"
check "COPY TO STDOUT: original values in the output" "$(leaks "$D/copy.out")" "0"
check "COPY TO STDOUT: labels unchanged" "$(cut -f1,6 "$D/copy.out" | md5sum)" \
  "$("${direct[@]}" -d app -c "copy (select id, label from people order by id) to stdout" | md5sum)"

# An error that echoes a value: unique violation on email ("Key (email)=(...) already exists").
first_email=$(head -1 "$D/pii.txt")
viaproxy -c "insert into people (id, email) values (99999, '$first_email')" >"$D/err.out" 2>&1; rc=$?
check "duplicate-key error reaches the client" "$([ $rc -ne 0 ] && grep -q 'duplicate key' "$D/err.out" && echo yes || echo "rc=$rc: $(head -c 200 "$D/err.out")")" "yes"
# The statement text itself is echoed by psql only on the client side; the server's DETAIL is what we check.
check "duplicate-key error: the DETAIL does not carry the email" \
  "$(grep -a '^DETAIL' "$D/err.out" | grep -a -F -c "$first_email" || true)" "0"

# Extended query protocol (Parse/Bind/Execute, text and binary result formats) straight on the wire.
python3 - "$pport" "$D/ext.out" <<'PY' 2>"$D/ext.err"
import socket, struct, sys
port, out = int(sys.argv[1]), sys.argv[2]
s = socket.create_connection(("127.0.0.1", port))
def msg(t, body): return t + struct.pack(">i", 4 + len(body)) + body
params = b"user\0postgres\0database\0app\0application_name\0e2e-extended\0\0"
s.sendall(struct.pack(">ii", 8 + len(params), 196608) + params)
buf = b""
def messages():
    global buf
    while True:
        while len(buf) >= 5:
            t = buf[:1]; n = struct.unpack(">i", buf[1:5])[0]
            if len(buf) < 1 + n: break
            body = buf[5:1 + n]; buf = buf[1 + n:]
            yield t, body
        c = s.recv(65536)
        if not c: raise SystemExit("connection closed")
        buf += c
def until_ready():
    got = []
    for t, body in messages():
        if t == b"E": raise SystemExit("ErrorResponse: " + body.decode(errors="replace"))
        got.append((t, body))
        if t == b"Z": return got
until_ready()
q = b"select email, card, ssn from people where id <= $1 order by id\0"
for fmt in (0, 1):
    s.sendall(msg(b"P", b"st\0" + q + struct.pack(">h", 0))
              + msg(b"B", b"\0st\0" + struct.pack(">hhi", 0, 1, 3) + b"500" + struct.pack(">hh", 1, fmt))
              + msg(b"E", b"\0" + struct.pack(">i", 0)) + msg(b"C", b"Sst\0") + msg(b"S", b""))
    rows = [b for t, b in until_ready() if t == b"D"]
    with open(out, "ab") as f:
        for b in rows:
            n = struct.unpack(">h", b[:2])[0]; p = 2; cells = []
            for _ in range(n):
                l = struct.unpack(">i", b[p:p + 4])[0]; p += 4
                cells.append(b[p:p + l] if l >= 0 else b"NULL"); p += max(l, 0)
            f.write(b"|".join(cells) + b"\n")
    print(f"format {fmt}: {len(rows)} rows", file=sys.stderr)
s.sendall(msg(b"X", b""))
PY
rc=$?
check "extended query protocol through the proxy succeeds" "$rc" "0"
check "extended query protocol: rows (text + binary results)" "$(wc -l < "$D/ext.out" 2>/dev/null | tr -d ' ')" "1000"
check "extended query protocol: original values in the output" "$(leaks "$D/ext.out")" "0"

# The proxy answers SSLRequest itself ('N'), so sslmode=require must fail and disable must work.
check "sslmode=disable works" "$(PGSSLMODE=disable viaproxy -c 'select 41 + 1' 2>&1)" "42"
check "sslmode=require is refused (the proxy answers N)" \
  "$(PGSSLMODE=require viaproxy -c 'select 1' >/dev/null 2>&1 && echo connected || echo refused)" "refused"
psql -X "host=127.0.0.1 port=$pport user=postgres dbname=app replication=database" -At -c 'IDENTIFY_SYSTEM' >"$D/repl.out" 2>&1
check "replication connections are refused" \
  "$(grep -q -i 'replication connections are not supported' "$D/repl.out" && echo refused || echo "accepted: $(head -c 200 "$D/repl.out")")" "refused"

# Fail closed, mid-session: maskd dies (SIGKILL: SIGTERM would let the session drain and finish
# masked) while a session is open; its next result must not reach the client. Then, with maskd gone,
# new sessions get an error and no data.
viaproxy -c "select pg_sleep(1.5)" -c "$sel" >"$D/mid.out" 2>&1 &
mid_pid=$!
sleep 0.7
kill -KILL "$maskd_pid"; wait "$maskd_pid" 2>/dev/null; maskd_pid=""
wait "$mid_pid"; rc=$?
check "maskd killed mid-session: the session fails" "$([ $rc -ne 0 ] && echo failed || echo "succeeded")" "failed"
check "maskd killed mid-session: original values in the output" "$(leaks "$D/mid.out")" "0"
check "maskd killed mid-session: no row reached the client" "$(grep -c '|' "$D/mid.out")" "0"
viaproxy -c "$sel" >"$D/dead.out" 2>&1; rc=$?
check "maskd gone: the query fails" "$([ $rc -ne 0 ] && echo failed || echo "succeeded")" "failed"
check "maskd gone: the error names maskd" "$(grep -q 'maskd' "$D/dead.out" && echo yes || echo "no: $(head -c 200 "$D/dead.out")")" "yes"
check "maskd gone: original values in the output" "$(leaks "$D/dead.out")" "0"

echo "$passed passed, $failed failed"
if [ $failed -ne 0 ]; then
  for f in maskd.log proxy.log; do [ -s "$D/$f" ] && { echo "--- $f (last 20 lines)"; tail -20 "$D/$f"; }; done
  exit 1
fi
