#!/usr/bin/env bash
# maskd as a user meets it: `maskd serve` + `maskd proxy --maskd` in front of a REAL PostgreSQL 15
# (a throwaway cluster on a Unix socket in a temporary directory), driven by psql, pg_basebackup,
# pgbench, pg_dump, pg_restore and a libpq program (Tests/Integration/libpq_probe.c, built here with gcc).
#
# Data the project has never seen is generated here (seeded): ~200 rows with emails, SSNs (text and
# bigint), cards (numeric), prose notes mixing emails/SSNs/cards/passwords/AWS keys, jsonb, text[],
# bytea, timestamps, floats, uuid, bool. Every original PII value is listed in $D/pii.txt; the core
# check of every item is that none of them reaches the client (grep -F -f, case-insensitive), plus
# a check that masking did happen and that non-PII columns are unchanged.
#
# Items: 1 SELECT * · 2 determinism · 3 expressions · 4 COPY text/csv/binary · 5 errors echoing values
# · 6 NOTIFY, credential and renamed columns · 7 large objects (FunctionCall) · 8 libpq prepared/binary/pipeline · 9 replication
# refused · 10 client encodings · 11 SSL · 12 maskd killed mid-stream, restart on a stale socket
# · 13 in-process proxy gives the same tokens · 14 pgbench · 15 socket peer refused · 16 pg_dump (plain
# and custom format) through the proxy, restored.
#
# Prints `ok - NAME` or `FAIL - NAME: REASON` per check, then `N passed, M failed`; exit 1 if M > 0.
# Needs: PostgreSQL 15 server + client tools, libpq-dev, gcc, python3. Root or not (as root, the
# cluster runs as postgres through runuser, and item 15 runs a client as nobody).
# Usage: Tests/Integration/proxy-e2e.sh path/to/maskd        (KEEP_DIR=1 keeps the temporary directory)
set -uo pipefail
export INTEGRATION_DIR=$(cd "$(dirname "$0")" && pwd)
[ $# -eq 1 ] || { echo "usage: $0 MASKD_BINARY"; exit 64; }
maskd=$(realpath "$1")
[ -x "$maskd" ] || { echo "FAIL: $1 is not an executable"; exit 1; }
here=$(cd "$(dirname "$0")" && pwd)
pgbin=/usr/lib/postgresql/15/bin
[ -x "$pgbin/initdb" ] || pgbin=$(ls -d /usr/lib/postgresql/*/bin 2>/dev/null | sort -V | tail -1)
[ -x "$pgbin/initdb" ] || { echo "FAIL: no PostgreSQL server under /usr/lib/postgresql"; exit 1; }
for tool in psql pgbench pg_basebackup pg_config gcc python3; do
  command -v $tool >/dev/null || { echo "FAIL: $tool is not installed"; exit 1; }
done
started=$SECONDS

D=$(mktemp -d /tmp/maskd-e2e.XXXXXX)
chmod 755 "$D"
as_pg=()
if [ "$(id -u)" -eq 0 ]; then chown postgres "$D"; as_pg=(runuser -u postgres --); fi
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
pgport=$((20000 + RANDOM % 20000))   # Unix socket only (listen_addresses=''): any number will do
P=$(free_port)                       # the proxy in front of maskd serve
P2=$(free_port)                      # the proxy with the engine in-process (item 13)
maskd_pid=""
proxy_pid=""
proxy2_pid=""
cleanup() {
  local p
  for p in $proxy_pid $proxy2_pid $maskd_pid; do kill "$p" 2>/dev/null; done
  for p in $proxy_pid $proxy2_pid $maskd_pid; do wait "$p" 2>/dev/null; done
  "${as_pg[@]}" "$pgbin/pg_ctl" -D "$D/data" -m immediate stop >/dev/null 2>&1
  if [ "${KEEP_DIR:-}" = 1 ]; then echo "kept $D"; else rm -rf "$D"; fi
}
trap cleanup EXIT
die() { echo "FAIL: $*"; for f in maskd.log proxy.log; do [ -s "$D/$f" ] && { echo "--- $f (last 20 lines)"; tail -20 "$D/$f"; }; done; exit 1; }

"${as_pg[@]}" "$pgbin/initdb" -D "$D/data" -A trust -U postgres >/dev/null || die "initdb"
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$D/data" -o "-k $D -p $pgport -c listen_addresses=''" -l "$D/log" -w start >/dev/null \
  || die "pg_ctl start"
export PGCONNECT_TIMEOUT=10
direct=(timeout 60 psql -X -q -h "$D" -p "$pgport" -U postgres -v ON_ERROR_STOP=1)
"${direct[@]}" -d postgres -c "create database app" -c "create database bench" || die "create database"

# ---------------------------------------------------------------------------------------------
# Data the project has never seen. pii.txt: every original value as text; pii-bytea.txt: the hex
# form the emails in the bytea column take in text output (\x…); pii-bin.txt: the binary
# encodings (hex) of ssn_num (int8) and card (numeric), for binary COPY.
python3 - "$D" <<'PY' || die "data generation"
import json, math, random, sys, uuid, os
d = sys.argv[1]; r = random.Random(2025_0915)
sys.path.insert(0, os.environ["INTEGRATION_DIR"])
import testdata
def luhn_complete(prefix, n): return testdata.luhn_complete(r, prefix, n)
def card():  # Visa 4…, Mastercard 51–55 and 2221–2720, 16 digits
    return luhn_complete(r.choice(["4", "4", "51", "52", "53", "54", "55", "2221", "2486", "2720"]), 16)
def ssn():
    area = r.choice([a for a in range(100, 900) if a != 666])   # >= 100: 9 digits also as a bigint
    return f"{area:03d}-{r.randrange(1, 100):02d}-{r.randrange(1, 10000):04d}"
def word(n, alphabet="abcdefghijkmnopqrstuvwxyz23456789"):
    return "".join(r.choice(alphabet) for _ in range(n))
def password():
    # What maskd documents as a credential in `password=…` (AssignmentRule): 8+ bytes, two character
    # classes or more, Shannon entropy >= 3.0 bits per byte; kept well above the threshold here.
    # (A one-class value such as `password=tfmfngqisykzip` is not masked, by that rule.)
    while True:
        w = word(16, "abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789")
        if sum(-w.count(c) / 16 * math.log2(w.count(c) / 16) for c in set(w)) >= 3.4 and any(c.isdigit() for c in w):
            return w
firsts = ["ines", "tomasz", "keiko", "omar", "zuri", "pavel", "adaeze", "noor", "bjorn", "lucille"]
lasts = ["vance", "okoye", "lindqvist", "moreau", "tanaka", "haddad", "ferreira", "kowalczyk"]
domains = ["brightwater-e2e.com", "quillmere.org", "harbourline.net", "saltmarsh.io", "tallpine.co.uk"]
def email(i, tag=""):
    return f"{r.choice(firsts)}.{r.choice(lasts)}{tag}{i}@{r.choice(domains)}"
def esc(v):   # COPY text format
    if v is None: return r"\N"
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
def numeric_bin(n):   # PostgreSQL binary numeric of a non-negative integer
    groups = []
    while n: groups.insert(0, n % 10000); n //= 10000
    weight = len(groups) - 1
    while groups and groups[-1] == 0: groups.pop()
    return b"".join(x.to_bytes(2, "big") for x in [len(groups), weight, 0, 0] + groups)
pii, pii_hex, pii_bin, rows = [], [], [], []
for i in range(1, 201):
    e, e2, e3 = email(i), email(i, "x"), email(i, "alt")
    s, s2 = ssn(), ssn()
    s_num = int(ssn().replace("-", ""))
    c, c2 = card(), card()
    pw = password()
    aws = "AKIA" + word(16, "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567")
    notes = r.choice([
        f"Met {e2.split('@')[0]} at the fair; forward invoices to {e2} and copy {e}.",
        f"Identity checked with SSN {s2}; paid by card {c2}, exp 0{r.randrange(1, 10)}/2{r.randrange(6, 10)}.",
        f"deploy: connection string uses password={pw} for staging; do not share",
        f"rotated key {aws} after audit; contact {e3} for details",
        f"Customer {i} wrote twice: card {c2} declined, then SSN {s2} on file, reply to {e2}",
        f"plain note {i}, nothing sensitive here (ticket #{r.randrange(10000, 99999)})",
    ])
    doc = json.dumps({"contact": {"email": e3, "name": f"Person {i}"}, "n": i, "tags": ["vip" if i % 7 == 0 else "std"]})
    blob = f"contact:{e2};".encode()
    created = f"2024-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d} {r.randrange(24):02d}:{r.randrange(60):02d}:{r.randrange(60):02d}.{r.randrange(1000000):06d}+00"
    seen = f"2023-{r.randrange(1, 13):02d}-{r.randrange(1, 29):02d} {r.randrange(24):02d}:{r.randrange(60):02d}:00"
    rows.append([str(i), e, s, str(s_num), c, notes, doc, "{" + e2 + "," + e3 + "}", "\\x" + blob.hex(), created, seen,
                 f"{r.uniform(-5000, 5000):.3f}", f"{r.random():.2f}", str(uuid.UUID(int=r.getrandbits(128))),
                 r.choice(["t", "f"]), f"label-{i}-{word(5)}"])
    pii += [e, e2, e3, s, s2, str(s_num), c, c2, pw, aws]
    pii_hex.append(e2.encode().hex())
    pii_bin += [s_num.to_bytes(8, "big").hex(), numeric_bin(int(c)).hex()]
with open(f"{d}/t.tsv", "w") as f:
    for row in rows: f.write("\t".join(esc(x) for x in row) + "\n")
open(f"{d}/pii.txt", "w").write("\n".join(pii) + "\n")
open(f"{d}/pii-bytea.txt", "w").write("\n".join(pii_hex) + "\n")
open(f"{d}/pii-bin.txt", "w").write("\n".join(pii_bin) + "\n")
PY
"${direct[@]}" -d app <<SQL >/dev/null || die "load data"
create table t (id integer primary key, email text unique not null, ssn varchar(11), ssn_num bigint,
  card numeric, notes text, doc jsonb, emails text[], blob bytea, created timestamptz, seen timestamp,
  score double precision, ratio real, uid uuid, active boolean, label text);
\copy t from '$D/t.tsv'
create table t_chk (id integer, email text, amount integer check (amount > 0));
SQL

export MASKD_TOKEN_KEY=5e2e0c1d9a7b4f3e8d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706
start_maskd() {
  "$maskd" serve --socket "$D/maskd.sock" >>"$D/maskd.log" 2>&1 &
  maskd_pid=$!
  for _ in $(seq 100); do
    python3 -c 'import socket, sys; socket.socket(socket.AF_UNIX).connect(sys.argv[1])' "$D/maskd.sock" 2>/dev/null && return 0
    kill -0 $maskd_pid 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
wait_port() {  # port pid
  for _ in $(seq 100); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}
start_maskd || die "maskd serve did not start on $D/maskd.sock"
"$maskd" proxy --listen "127.0.0.1:$P" --upstream "$D/.s.PGSQL.$pgport" --maskd "$D/maskd.sock" >"$D/proxy.log" 2>&1 &
proxy_pid=$!
wait_port "$P" "$proxy_pid" || die "maskd proxy did not accept on 127.0.0.1:$P"

passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; failed=$((failed + 1)); }
check() {  # name got want
  if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '${2:0:300}', want '${3:0:300}'"; fi
}
first_line() { head -c 300 "$1" 2>/dev/null | tr '\n' ' '; }
# noleak NAME FILE [LIST]: no value of LIST (default pii.txt) in FILE (bytes, case-insensitive).
noleak() {
  local list=${3:-$D/pii.txt} n
  [ -e "$2" ] || { bad "$1: no output file $2"; return; }
  n=$({ grep -a -i -o -F -f "$list" "$2" || true; } | wc -l | tr -d ' ')
  if [ "$n" -eq 0 ]; then ok "$1"
  else bad "$1: $n original value(s) reached the client, e.g. $({ grep -a -i -o -F -f "$list" "$2" || true; } | sort -u | head -3 | tr '\n' ' ')"; fi
}
proxy_conn="host=127.0.0.1 port=$P user=postgres dbname=app"
viaproxy() { timeout 60 psql -X -q -h 127.0.0.1 -p "$P" -U postgres -d app "$@"; }
tokens() { { grep -a -o -E '[A-Za-z2-7]{16}@example\.invalid' "$1" || true; } | wc -l | tr -d ' '; }
echo "# PostgreSQL on $D/.s.PGSQL.$pgport, maskd serve on $D/maskd.sock, proxy on 127.0.0.1:$P"

# --- 1. SELECT * ------------------------------------------------------------------------------
sel="select * from t order by id"
"${direct[@]}" -d app -At -F '|' -c "$sel" >"$D/direct.out"
before=$({ grep -a -i -o -F -f "$D/pii.txt" "$D/direct.out" || true; } | wc -l)
check "1 sanity: the direct result holds the original values" "$([ "$before" -ge 1000 ] && echo yes || echo "only $before")" "yes"
viaproxy -At -F '|' -c "$sel" >"$D/q1.out" 2>"$D/q1.err"; rc=$?
check "1 select * through the proxy succeeds" "$rc $(wc -l < "$D/q1.out" | tr -d ' ')" "0 200"
noleak "1 select *: no original value" "$D/q1.out"
noleak "1 select *: no original email in the bytea column (hex output)" "$D/q1.out" "$D/pii-bytea.txt"
check "1 select *: every email column value is an @example.invalid token" \
  "$(cut -d'|' -f2 "$D/q1.out" | grep -c -E '^[A-Za-z2-7]{16}@example\.invalid$')" "200"
check "1 select *: ssn/ssn_num/card keep their format and all changed" "$(python3 - "$D/direct.out" "$D/q1.out" <<'PY'
import re, sys
a = [l.rstrip("\n").split("|") for l in open(sys.argv[1])]; b = [l.rstrip("\n").split("|") for l in open(sys.argv[2])]
bad = []
for x, y in zip(a, b):
    for col, pat in ((2, r"\d{3}-\d{2}-\d{4}"), (3, r"\d{9}"), (4, r"\d{16}")):
        if not re.fullmatch(pat, y[col]) or x[col] == y[col]: bad.append(f"row {x[0]} col {col + 1}")
print("ok" if len(a) == len(b) == 200 and not bad else f"{len(bad)} bad: {bad[:5]}")
PY
)" "ok"
check "1 select *: non-PII columns (id, timestamps, floats, uuid, bool, label) byte-identical" \
  "$(cut -d'|' -f1,10-16 "$D/q1.out" | md5sum)" "$(cut -d'|' -f1,10-16 "$D/direct.out" | md5sum)"
check "1 select *: notes without PII unchanged" \
  "$(grep -a -c '|plain note [0-9]*, nothing sensitive' "$D/q1.out")" "$(grep -a -c '|plain note [0-9]*, nothing sensitive' "$D/direct.out")"

# --- 2. determinism ----------------------------------------------------------------------------
viaproxy -At -F '|' -c "$sel" >"$D/q2.out" 2>&1
check "2 the same query twice gives identical output" "$(cmp -s "$D/q1.out" "$D/q2.out" && echo same || echo differ)" "same"
viaproxy -At -F '|' -v FETCH_COUNT=37 -c "$sel" >"$D/q2c.out" 2>&1
check "2 psql FETCH_COUNT=37 (DECLARE CURSOR + FETCH) gives the same output" "$(cmp -s "$D/q1.out" "$D/q2c.out" && echo same || echo "differ: $(first_line "$D/q2c.out")")" "same"

# --- 3. expressions: no column name to go by ----------------------------------------------------
# (A bigint SSN under another column name is not masked, by design: bare 9 digits only in ssn columns.)
viaproxy -At -F '|' -c "select email as e, lower(email), upper(email), ssn as x, card::text as z, notes as n from t order by id" \
  >"$D/q3.out" 2>"$D/q3.err"; rc=$?
check "3 select email as e, lower(email), upper(email), … succeeds" "$rc $(wc -l < "$D/q3.out" | tr -d ' ')" "0 200"
noleak "3 expressions: no original value (masked by content)" "$D/q3.out"
check "3 expressions: tokens present" "$([ "$(tokens "$D/q3.out")" -ge 400 ] && echo yes || echo "$(tokens "$D/q3.out") tokens")" "yes"

# --- 4. COPY TO STDOUT ------------------------------------------------------------------------
csel="select id, email, ssn, ssn_num, card, notes, doc, emails, blob, label from t order by id"
for fmt in text csv binary; do
  opt=""; [ $fmt != text ] && opt=" with (format $fmt)"
  viaproxy -c "copy ($csel) to stdout$opt" >"$D/copy.$fmt" 2>"$D/copy.$fmt.err"; rc=$?
  check "4 COPY TO STDOUT ($fmt) succeeds" "$rc" "0"
  noleak "4 COPY ($fmt): no original value" "$D/copy.$fmt"
  check "4 COPY ($fmt): masked (tokens present)" "$([ "$(tokens "$D/copy.$fmt")" -ge 400 ] && echo yes || echo "$(tokens "$D/copy.$fmt") tokens")" "yes"
done
noleak "4 COPY (text): no original email in the bytea column (hex output)" "$D/copy.text" "$D/pii-bytea.txt"
check "4 COPY (text, csv): 200 rows each" "$(wc -l < "$D/copy.text" | tr -d ' ') $(wc -l < "$D/copy.csv" | tr -d ' ')" "200 200"
"${direct[@]}" -d app -c "copy (select id, label from t order by id) to stdout" >"$D/copy.direct"
check "4 COPY (text): id and label unchanged" "$(cut -f1,10 "$D/copy.text" | md5sum)" "$(md5sum < "$D/copy.direct")"
check "4 COPY (binary): ssn_num (int8) and card (numeric) binary encodings not present" "$(python3 - "$D/copy.binary" "$D/pii-bin.txt" <<'PY'
import sys
data = open(sys.argv[1], "rb").read()
pats = [bytes.fromhex(l) for l in open(sys.argv[2]).read().split()]
found = [p.hex() for p in pats if p in data]
if not data.startswith(b"PGCOPY\n\xff\r\n\0"): print("not a binary COPY file")
elif found: print(f"{len(found)} found, e.g. {found[:3]}")
else: print("none")
PY
)" "none"

# --- 5. errors that echo values ---------------------------------------------------------------
# psql prints `LINE 1: <the query>` from the query text it sent itself (libpq, client side): those
# lines and the caret line under them are not checked; the server's ERROR/DETAIL lines are.
e1=$(sed -n 1p "$D/pii.txt"); e5=$(sed -n 11p "$D/pii.txt"); e9=$(sed -n 21p "$D/pii.txt")
server_lines() { grep -a -v -E '^(LINE [0-9]+:| +\^)' "$1"; }
viaproxy -c "insert into t (id, email) values (100001, '$e1')" >"$D/err1" 2>&1; rc=$?
check "5 unique violation through the proxy reports the error" \
  "$([ $rc -ne 0 ] && grep -q 'duplicate key' "$D/err1" && grep -q 'already exists' "$D/err1" && echo yes || echo "rc=$rc: $(first_line "$D/err1")")" "yes"
server_lines "$D/err1" >"$D/err1.server"
noleak "5 unique violation: Key (email)=(…) does not show the original" "$D/err1.server"
check "5 unique violation: the DETAIL shows the row's token (same token everywhere)" \
  "$(grep -o 'Key (email)=(.*)' "$D/err1.server")" "Key (email)=($(cut -d'|' -f2 "$D/q1.out" | head -1))"
viaproxy -c "insert into t_chk values (1, '$e5', -5)" >"$D/err2" 2>&1; rc=$?
check "5 CHECK violation reports 'Failing row contains'" \
  "$([ $rc -ne 0 ] && grep -q 'Failing row contains' "$D/err2" && echo yes || echo "rc=$rc: $(first_line "$D/err2")")" "yes"
server_lines "$D/err2" >"$D/err2.server"
noleak "5 CHECK violation: the failing row does not show the original" "$D/err2.server"
viaproxy -c "select '$e9'::int" >"$D/err3" 2>&1; rc=$?
check "5 '…'::int reports invalid input syntax" \
  "$([ $rc -ne 0 ] && grep -q 'invalid input syntax' "$D/err3" && echo yes || echo "rc=$rc: $(first_line "$D/err3")")" "yes"
server_lines "$D/err3" >"$D/err3.server"
noleak "5 '…'::int: the server's message does not show the original" "$D/err3.server"
# The same errors with the value taken from the table, so the query text holds no value and all of
# psql's stderr must be clean.
viaproxy -c "insert into t (id, email) select 100002, email from t where id = 7" >"$D/err4" 2>&1
viaproxy -c "insert into t_chk select id, email, -1 from t where id = 8" >>"$D/err4" 2>&1
viaproxy -c "select email::int from t where id = 9" >>"$D/err4" 2>&1
viaproxy -c "select ssn::date from t where id = 10" >>"$D/err4" 2>&1
check "5 value-from-table errors are reported (4 errors)" "$(grep -c '^ERROR' "$D/err4")" "4"
noleak "5 value-from-table errors: psql's whole stderr has no original" "$D/err4"

# --- 6. NOTIFY ------------------------------------------------------------------------------------
viaproxy -c "LISTEN ch; NOTIFY ch, '$e1'" >"$D/notify.out" 2>&1
viaproxy -c "LISTEN ch2; select pg_notify('ch2', notes || ' / ' || email) from t where id = 12" >>"$D/notify.out" 2>&1
check "6 NOTIFY: psql prints the asynchronous notifications" "$(grep -c 'Asynchronous notification' "$D/notify.out")" "2"
noleak "6 NOTIFY: the payload does not show the original" "$D/notify.out"
# NotificationResponse payloads keep their length (BackendMessageMasker): a same-length keyed token.
check "6 NOTIFY: the payload is masked (a same-length token, redaction, or an email token)" \
  "$(grep 'notification "ch"' "$D/notify.out" | grep -c -E "payload \"([A-Za-z0-9@._%+-]{${#e1}}|\*{${#e1}}|[A-Za-z2-7]{16}@example\.invalid)\"")" "1"

# --- 6b. credential columns --------------------------------------------------------------------------
# A password or API key has no shape a detector knows: the column's name says what it is (text types).
"${direct[@]}" -d app -c "create table creds (id int, password text, api_key varchar(40), token_count int)" \
  -c "insert into creds select g, 'Pw' || g || '!x7', md5(g::text), g from generate_series(1, 50) g" >/dev/null
viaproxy -At -F '|' -c "select id, password, api_key, token_count from creds order by id" >"$D/creds.out" 2>&1
"${direct[@]}" -d app -At -c "select password from creds union all select api_key from creds" >"$D/creds.txt"
check "6b credential columns: every password and key masked (same length), counts unchanged" \
  "$(awk -F'|' -v n=0 '$2 != "Pw" $1 "!x7" && length($2) == length("Pw" $1 "!x7") && length($3) == 32 && $4 == $1 { n++ } END { print n }' "$D/creds.out")/$(grep -F -c -f "$D/creds.txt" "$D/creds.out" || true)" \
  "50/0"

# --- 6c. renamed columns -----------------------------------------------------------------------------
# `SELECT password AS p`: the RowDescription says `p`; the query's text says what `p` is, and the
# column is masked as the one it renames (the same tokens as without the alias).
"${direct[@]}" -d app -c "create table people (id int, ssn text)" \
  -c "insert into people select g, (200 + g)::text || (10 + g)::text || (1000 + g)::text from generate_series(1, 50) g" >/dev/null
viaproxy -At -F '|' -c "select c.id, c.password, c.api_key, p.ssn from creds c join people p using (id) order by 1" \
  >"$D/renamed-plain.out" 2>&1
viaproxy -At -F '|' -c "select c.id as i, c.password pw, coalesce(c.api_key, '') as \"K\", p.ssn as s from creds c join people p using (id) order by 1" \
  >"$D/renamed.out" 2>&1
viaproxy -At -F '|' -c "with t as (select id, password as secret_value from creds) select id, secret_value as v from t order by 1" \
  >"$D/renamed-cte.out" 2>&1
"${direct[@]}" -d app -At -c "select ssn from people" >"$D/renamed.txt"
cat "$D/creds.txt" >>"$D/renamed.txt"
check "6c renamed columns: 50 rows each way" "$(wc -l <"$D/renamed-plain.out" | tr -d ' ')/$(wc -l <"$D/renamed.out" | tr -d ' ')" "50/50"
noleak "6c renamed columns (AS, no AS, an expression, a quoted alias): no password, key or bare SSN" "$D/renamed.out" "$D/renamed.txt"
noleak "6c a column renamed in a WITH query and renamed again" "$D/renamed-cte.out" "$D/renamed.txt"
viaproxy -At -F '|' -c "select coalesce(c.password, ''), upper(c.api_key), case when p.id > 0 then p.ssn end, 'pw ' || c.password from creds c join people p using (id)" \
  >"$D/renamed-calls.out" 2>&1
noleak "6c unnamed calls, CASE and operators (coalesce, upper, case, ||): masked as the columns they read" "$D/renamed-calls.out" "$D/renamed.txt"
viaproxy -c "\\copy (select c.id, c.password, coalesce(c.api_key, '') as k from creds c order by 1) to stdout" >"$D/renamed-copy.out" 2>&1
check "6c \\copy (select …) to stdout: 50 rows" "$(wc -l <"$D/renamed-copy.out" | tr -d ' ')" "50"
noleak "6c \\copy (select …) to stdout: its select list names the credential columns" "$D/renamed-copy.out" "$D/renamed.txt"
check "6c renamed columns get the tokens they get under their own names" "$(cmp -s "$D/renamed-plain.out" "$D/renamed.out" && echo same || echo differ)" "same"

# --- 6d. arrays and JSON of credentials -------------------------------------------------------------
# A credential column of an array of text, or a JSON value built from one, holds a secret in each
# element or string: `array_agg(password)`, `json_agg(password)` and a `passwords text[]` column passed
# in clear. Each element is masked in place; arrays keep their nulls, documents still parse.
"${direct[@]}" -d app -c "create table vaults (id int, passwords text[], api_keys varchar(40)[])" \
  -c "insert into vaults select id, array[password, null, 'old ' || password], array[api_key] from creds" >/dev/null
viaproxy -At -F '|' -c "select id, passwords, api_keys from vaults order by id" >"$D/arrays.out" 2>&1
check "6d a text[] credential column: 50 rows, each array with its three elements and its null" \
  "$(grep -c -E '^[0-9]+\|\{[^,{}]+,NULL,"[^,{} "]+ [^,{}"]+"\}\|\{[0-9a-zA-Z]{32}\}$' "$D/arrays.out")" "50"
noleak "6d a text[] or varchar[] credential column: no element in clear" "$D/arrays.out" "$D/creds.txt"
viaproxy -At -c "select array_agg(password order by id) from creds" -c "select array[login, password] from (select 'x' as login, password from creds) t" \
  -c "select array(select api_key from creds order by id)" >"$D/aggregates.out" 2>&1
noleak "6d array_agg(password), ARRAY[…, password], ARRAY(SELECT api_key …): no element in clear" "$D/aggregates.out" "$D/creds.txt"
viaproxy -At -c "select json_agg(password order by id) from creds" -c "select jsonb_agg(api_key) from creds" \
  -c "select to_json(password) from creds" -c "select json_build_object('id', id, 'pw', password) from creds" >"$D/json.out" 2>&1
noleak "6d json_agg, jsonb_agg, to_json, json_build_object of credentials: no string in clear" "$D/json.out" "$D/creds.txt"
check "6d the masked JSON still parses, numbers kept (lines parsed, ids summed)" \
  "$(python3 -c 'import json, sys
lines = [json.loads(l) for l in open(sys.argv[1]) if l.strip()]
print(len(lines), sum(l["id"] for l in lines if isinstance(l, dict)))' "$D/json.out" 2>&1)" "102 1275"

# --- 7. large objects (lo_read over FunctionCall) ----------------------------------------------------
content="secret email $e5"
oid=$(viaproxy -At -c "select lo_from_bytea(0, convert_to('$content', 'UTF8'))" 2>"$D/lo.err")
if [[ "$oid" =~ ^[0-9]+$ ]]; then
  check "7 sanity: the large object holds the original" "$("${direct[@]}" -d app -At -c "select convert_from(lo_get($oid), 'UTF8')")" "$content"
  viaproxy -c "\\lo_export $oid '$D/lo.out'" >"$D/lo.export" 2>&1; rc=$?
  check "7 \\lo_export through the proxy succeeds" "$rc $([ -f "$D/lo.out" ] && echo file || echo "no file: $(first_line "$D/lo.export")")" "0 file"
  noleak "7 \\lo_export: the file does not hold the original" "$D/lo.out"
  check "7 \\lo_export: the file has the original's length" "$(stat -c %s "$D/lo.out" 2>/dev/null)" "${#content}"
  viaproxy -At -c "select lo_get($oid)" >"$D/lo.get" 2>&1
  noleak "7 select lo_get(oid): no original (bytea hex)" "$D/lo.get" "$D/pii-bytea.txt"
  printf '%s' "$e5" | od -An -tx1 | tr -d ' \n' >"$D/lo.hex"; echo >>"$D/lo.hex"
  noleak "7 select lo_get(oid): the email's hex form is not present" "$D/lo.get" "$D/lo.hex"
else
  bad "7 lo_from_bytea through the proxy: $oid $(first_line "$D/lo.err")"
fi
# libpq's lo_export reads in 8192-byte lo_read calls: one FunctionCallResponse each. An email that
# straddles offset 8192 (cut right after its '@') arrives in two messages, neither of which holds an
# email; it must not be whole in the exported file.
e9_local=${e9%%@*}
pad=$((8192 - 1 - ${#e9_local} - 1))
oid=$("${direct[@]}" -d app -At -c "select lo_from_bytea(0, convert_to(repeat('x', $pad) || ' $e9 end', 'UTF8'))")
viaproxy -c "\\lo_export $oid '$D/lo2.out'" >"$D/lo2.export" 2>&1; rc=$?
check "7 \\lo_export of an email straddling two 8192-byte lo_read chunks succeeds" \
  "$rc $(stat -c %s "$D/lo2.out" 2>/dev/null)" "0 $((pad + 1 + ${#e9} + 4))"
noleak "7 \\lo_export straddling chunks: the file does not hold the original" "$D/lo2.out"

# --- 8. libpq: prepared statement with binary results, twice; pipeline mode ---------------------------
if gcc -o "$D/libpq_probe" "$here/libpq_probe.c" -I"$(pg_config --includedir)" -lpq 2>"$D/gcc.err"; then
  timeout 60 "$D/libpq_probe" "$proxy_conn" >"$D/probe.out" 2>"$D/probe.err"; rc=$?
  check "8 libpq_probe through the proxy succeeds" "$rc $(first_line "$D/probe.err")" "0 "
  noleak "8 libpq: no original value (text, decoded int8 ssn_num, decoded numeric card)" "$D/probe.out"
  noleak "8 libpq: no original binary int8/numeric encoding in the hex dumps" "$D/probe.out" "$D/pii-bin.txt"
  section() { awk -v s="== $2" 'index($0, "== ") == 1 { on = (index($0, s) == 1); next } on' "$1"; }
  section "$D/probe.out" exec1 >"$D/probe.exec1"; section "$D/probe.out" exec2 >"$D/probe.exec2"
  section "$D/probe.out" pipeline1 >"$D/probe.pipe1"; section "$D/probe.out" pipeline2 >"$D/probe.pipe2"
  check "8 libpq: binary rows (exec1 exec2 pipeline1 pipeline2)" \
    "$(grep -c '^row' "$D/probe.exec1") $(grep -c '^row' "$D/probe.exec2") $(grep -c '^row' "$D/probe.pipe1") $(grep -c '^row' "$D/probe.pipe2")" "200 200 200 50"
  check "8 libpq: the second execution of the prepared statement is masked like the first" \
    "$([ -s "$D/probe.exec1" ] && cmp -s "$D/probe.exec1" "$D/probe.exec2" && echo same || echo differ)" "same"
  check "8 libpq: pipeline (binary) is masked like exec1" "$([ -s "$D/probe.pipe1" ] && cmp -s "$D/probe.exec1" "$D/probe.pipe1" && echo same || echo differ)" "same"
  check "8 libpq: email columns are tokens (exec1 binary, pipeline2 text)" \
    "$(grep -c -E '^  email fmt=1 .* value=[A-Za-z2-7]{16}@example\.invalid$' "$D/probe.exec1") $(grep -c -E '^  email fmt=0 .* value=[A-Za-z2-7]{16}@example\.invalid$' "$D/probe.pipe2")" "200 50"
  check "8 libpq: binary and text results give the same email tokens" \
    "$(grep -a -o -E '^  email fmt=1 .* value=.*' "$D/probe.exec1" | sed 's/.* value=//' | md5sum)" "$(cut -d'|' -f2 "$D/q1.out" | md5sum)"
  check "8 libpq: the simple query in between" "$(grep '^fields=' "$D/probe.out")" "fields=3 rows=1 float8=1.5 bool=t"
else
  bad "8 libpq_probe does not compile: $(first_line "$D/gcc.err")"
fi

# --- 9. replication refused -----------------------------------------------------------------------
timeout 30 psql -X "$proxy_conn replication=database" -c "IDENTIFY_SYSTEM" >"$D/repl.out" 2>&1; rc=$?
check "9 replication=database IDENTIFY_SYSTEM is refused with an error naming replication" \
  "$([ $rc -ne 0 ] && grep -q -i replication "$D/repl.out" && echo refused || echo "rc=$rc: $(first_line "$D/repl.out")")" "refused"
timeout 60 pg_basebackup -h 127.0.0.1 -p "$P" -U postgres -D "$D/bb" >"$D/bb.out" 2>&1; rc=$?
check "9 pg_basebackup through the proxy fails" "$([ $rc -ne 0 ] && echo failed || echo "succeeded")" "failed"
noleak "9 pg_basebackup: nothing in its output" "$D/bb.out"

# --- 10. client encodings ---------------------------------------------------------------------------
PGCLIENTENCODING=SJIS viaproxy -At -c "select email from t order by id" >"$D/sjis.out" 2>&1; rc=$?
check "10 PGCLIENTENCODING=SJIS is refused" "$([ $rc -ne 0 ] && echo refused || echo "rc=$rc: $(first_line "$D/sjis.out")")" "refused"
noleak "10 SJIS: no original value" "$D/sjis.out"
PGCLIENTENCODING=LATIN1 viaproxy -At -c "select email, notes from t order by id" >"$D/latin1.out" 2>&1; rc=$?
check "10 PGCLIENTENCODING=LATIN1 works" "$rc $(wc -l < "$D/latin1.out" | tr -d ' ')" "0 200"
noleak "10 LATIN1: no original value" "$D/latin1.out"
check "10 LATIN1: emails are tokens" "$(cut -d'|' -f1 "$D/latin1.out" | grep -c -E '^[A-Za-z2-7]{16}@example\.invalid$')" "200"
viaproxy -At -c "select 'before'" -c "SET client_encoding TO 'SJIS'" -c "select email from t order by id" >"$D/setenc.out" 2>&1; rc=$?
check "10 SET client_encoding TO 'SJIS' mid-session ends the session" \
  "$([ $rc -ne 0 ] && echo closed || echo "rc=$rc: $(first_line "$D/setenc.out")")" "closed"
noleak "10 SET client_encoding SJIS: no original value after it" "$D/setenc.out"
check "10 SET client_encoding SJIS: no row after it" "$(grep -c -E '@' "$D/setenc.out")" "0"

# --- 11. SSL ------------------------------------------------------------------------------------------
timeout 30 psql -X "$proxy_conn sslmode=require" -At -c "select 1" >"$D/ssl.out" 2>&1; rc=$?
check "11 sslmode=require fails (the proxy answers N)" \
  "$([ $rc -ne 0 ] && grep -q -i ssl "$D/ssl.out" && echo refused || echo "rc=$rc: $(first_line "$D/ssl.out")")" "refused"
check "11 sslmode=prefer works (and is masked)" \
  "$(timeout 30 psql -X "$proxy_conn sslmode=prefer" -At -c "select 41 + 1, email from t where id = 1" 2>&1)" "42|$(cut -d'|' -f2 "$D/q1.out" | head -1)"

# --- 11b. SCRAM authentication passes through the proxy unchanged ----------------------------------
"${direct[@]}" -d app -c "create role scram_user login password 'S3cret-pw'; grant select on t to scram_user" >/dev/null
sed -i '1i host all scram_user 127.0.0.1/32 scram-sha-256\nlocal all scram_user scram-sha-256' "$D/data/pg_hba.conf"
"${as_pg[@]}" "$pgbin/pg_ctl" -D "$D/data" reload >/dev/null
sleep 0.3
check "11b SCRAM: the right password logs in through the proxy (and rows are masked)" \
  "$(PGPASSWORD=S3cret-pw timeout 30 psql -X "host=127.0.0.1 port=$P user=scram_user dbname=app" -At -c "select email from t where id = 1" 2>&1)" \
  "$(cut -d'|' -f2 "$D/q1.out" | head -1)"
# A role's verifier (which a wordlist cracks) is a credential column's value: pg_dumpall reads it so.
"${direct[@]}" -d app -At -c "select rolpassword from pg_authid where rolname = 'scram_user'" >"$D/verifier.txt"
viaproxy -At -c "select rolpassword from pg_authid where rolname = 'scram_user'" >"$D/verifier-proxy.txt" 2>&1
check "11b SCRAM: the role's verifier is masked through the proxy, its length kept" \
  "$(grep -c '^SCRAM-SHA-256' "$D/verifier.txt")/$(grep -F -c -f "$D/verifier.txt" "$D/verifier-proxy.txt" || true)/$(awk '{ print length($0) }' "$D/verifier-proxy.txt")" \
  "1/0/$(awk '{ print length($0) }' "$D/verifier.txt")"
PGPASSWORD=wrong timeout 30 psql -X "host=127.0.0.1 port=$P user=scram_user dbname=app" -At -c "select 1" >"$D/scram.out" 2>&1 || true
check "11b SCRAM: a wrong password is refused by the server, through the proxy" \
  "$(grep -c 'password authentication failed' "$D/scram.out")" "1"

# --- 12. fail closed: maskd killed mid-stream; restart on the stale socket ---------------------------
"${direct[@]}" -d app -c "create table big as select i as id, 'user' || i || '@corp-e2e.example' as email,
  md5(i::text) as pad, now() as at from generate_series(1, 200000) i" >/dev/null
# The rows stream, then the server pauses before more: the kill always lands mid-query (a plain
# `select * from big` finished inside the 0.3 s on a quiet machine, and the checks below failed).
viaproxy -At -c "select * from big union all select b.* from big b, pg_sleep(10)" >"$D/big.out" 2>"$D/big.err" &
big_pid=$!
sleep 0.3
kill -0 $big_pid 2>/dev/null && big_running=yes || big_running=no
kill -KILL "$maskd_pid"; wait "$maskd_pid" 2>/dev/null; maskd_pid=""
wait $big_pid; rc=$?
check "12 the query was still running when maskd was killed" "$big_running" "yes"
check "12 maskd killed mid-stream: psql fails" \
  "$([ $rc -ne 0 ] && echo failed || echo "rc=0, $(wc -l < "$D/big.out" | tr -d ' ') rows: $(first_line "$D/big.err")")" "failed"
check "12 maskd killed mid-stream: no @corp-e2e.example value reached the client" \
  "$(cat "$D/big.out" "$D/big.err" | grep -a -c '@corp-e2e\.example')" "0"
viaproxy -At -c "select email from t where id = 1" >"$D/dead.out" 2>&1; rc=$?
check "12 maskd gone: a new session fails with no data" \
  "$([ $rc -ne 0 ] && ! grep -q '@' "$D/dead.out" && echo failed || echo "rc=$rc: $(first_line "$D/dead.out")")" "failed"
# `maskd proxy --help`: "If masking fails or the daemon goes away, the client gets an ErrorResponse".
check "12 maskd gone: the new session's error names maskd (an ErrorResponse, not a bare close)" \
  "$(grep -q 'maskd' "$D/dead.out" && echo yes || echo "no: $(first_line "$D/dead.out")")" "yes"
check "12 the stale socket file is still there" "$([ -S "$D/maskd.sock" ] && echo yes || echo no)" "yes"
if start_maskd; then
  ok "12 maskd serve restarts on the stale socket path"
  check "12 after the restart a new query works, with the same token" \
    "$(viaproxy -At -c "select email from t where id = 1" 2>&1)" "$(cut -d'|' -f2 "$D/q1.out" | head -1)"
else
  bad "12 maskd serve does not restart on the stale socket path: $(tail -3 "$D/maskd.log" | tr '\n' ' ')"
fi

# --- 13. in-process proxy -------------------------------------------------------------------------------
"$maskd" proxy --listen "127.0.0.1:$P2" --upstream "$D/.s.PGSQL.$pgport" >"$D/proxy2.log" 2>&1 &
proxy2_pid=$!
if wait_port "$P2" "$proxy2_pid"; then
  timeout 60 psql -X -q -h 127.0.0.1 -p "$P2" -U postgres -d app -At -F '|' -c "$sel" >"$D/q13.out" 2>&1; rc=$?
  check "13 in-process proxy gives the same output as the daemon" \
    "$([ $rc -eq 0 ] && cmp -s "$D/q1.out" "$D/q13.out" && echo same || echo "rc=$rc, differ: $(first_line "$D/q13.out")")" "same"
  noleak "13 in-process proxy: no original value" "$D/q13.out"
else
  bad "13 in-process proxy did not start: $(tail -3 "$D/proxy2.log" | tr '\n' ' ')"
fi

# --- 14. pgbench ------------------------------------------------------------------------------------
if timeout 60 pgbench -h "$D" -p "$pgport" -U postgres -i -s 1 -q bench >"$D/pgbench-init.out" 2>&1; then
  timeout 30 pgbench -h "$D" -p "$pgport" -U postgres -n -S -M prepared -T 3 -c 4 bench >"$D/pgbench-direct.out" 2>&1
  timeout 60 pgbench -h 127.0.0.1 -p "$P" -U postgres -n -S -M prepared -T 5 -c 4 bench >"$D/pgbench-proxy.out" 2>&1; rc=$?
  tps() { grep -o -E 'tps = [0-9.]+' "$1" | head -1; }
  echo "# pgbench -S -M prepared -c 4: direct $(tps "$D/pgbench-direct.out"), through the proxy $(tps "$D/pgbench-proxy.out")"
  check "14 pgbench through the proxy completes without errors" \
    "$([ $rc -eq 0 ] && grep -q -E 'number of failed transactions: 0 ' "$D/pgbench-proxy.out" && echo ok || echo "rc=$rc: $(grep -a -m3 -i -E 'error|abort|fail' "$D/pgbench-proxy.out" | tr '\n' ' ')")" "ok"
else
  bad "14 pgbench -i directly: $(first_line "$D/pgbench-init.out")"
fi

# --- 15. peer refused -------------------------------------------------------------------------------
peer_probe='
import socket, struct, sys
s = socket.socket(socket.AF_UNIX)
s.settimeout(5)
try:
    s.connect(sys.argv[1])
except OSError as e:
    print(f"connect error: {e.__class__.__name__}"); sys.exit(0)
data = b""
try:
    while True:
        c = s.recv(4096)
        if not c: break
        data += c
except TimeoutError:
    print("no answer and not closed within 5 s" + (" (got %r)" % data[:40] if data else "")); sys.exit(0)
except OSError as e:
    print(f"read error: {e.__class__.__name__}"); sys.exit(0)
if len(data) >= 10 and data[:1] == b"E":
    print("E frame code %d, then closed" % struct.unpack(">H", data[8:10])[0])
else:
    print("other: %r" % data[:40])
'
if [ "$(id -u)" -eq 0 ] && [ -x /usr/bin/python3 ]; then
  # As installed (socket mode 0600): the kernel refuses the connection.
  got=$(runuser -u nobody -- /usr/bin/python3 -c "$peer_probe" "$D/maskd.sock" 2>&1)
  check "15 nobody connecting to the maskd socket (mode $(stat -c %a "$D/maskd.sock")) is refused" "$got" "connect error: PermissionError"
  # With the file mode opened up, maskd itself must refuse the peer (SO_PEERCRED): E code 12.
  chmod 666 "$D/maskd.sock"
  got=$(runuser -u nobody -- /usr/bin/python3 -c "$peer_probe" "$D/maskd.sock" 2>&1)
  chmod 600 "$D/maskd.sock"
  check "15 socket mode 0666: maskd refuses nobody by its credentials (E code 12)" "$got" "E frame code 12, then closed"
else
  echo "# 15 skipped: not root (needs runuser -u nobody)"
fi

# --- 16. pg_dump through the proxy ------------------------------------------------------------------
# A database dumped through the proxy (its catalog queries and COPY TO STDOUT, masked) is a dump of
# masked data that restores: plain (psql) and custom format (pg_restore), into fresh databases.
timeout 120 pg_dump -h 127.0.0.1 -p "$P" -U postgres -d app -f "$D/app-proxy.sql" >"$D/pgdump16.err" 2>&1; rc=$?
check "16 pg_dump through the proxy completes" "$([ $rc -eq 0 ] && echo ok || echo "rc=$rc: $(first_line "$D/pgdump16.err")")" "ok"
noleak "16 pg_dump through the proxy: no original value in the dump" "$D/app-proxy.sql"
# pg_dump reads each table with `COPY t (a, b, …) TO stdout`, whose CopyOutResponse names no column: the
# statement's column list says which are credential columns (6b's table), as a SELECT's RowDescription does.
# (The block alone: other tables hold md5 values too.)
awk '/^COPY public.creds /{on=1; next} /^\\\.$/{on=0} on' "$D/app-proxy.sql" >"$D/creds-proxy.tsv"
check "16 pg_dump through the proxy: the credential columns are masked too" \
  "$(wc -l <"$D/creds-proxy.tsv" | tr -d ' ')/$(grep -F -c -f "$D/creds.txt" "$D/creds-proxy.tsv" || true)" "50/0"
"${direct[@]}" -d postgres -c "create database app_plain" -c "create database app_custom" >/dev/null
timeout 120 psql -X -q -h "$D" -p "$pgport" -U postgres -d app_plain -v ON_ERROR_STOP=1 -f "$D/app-proxy.sql" >"$D/restore16.err" 2>&1; rc=$?
check "16 the dump taken through the proxy restores with psql, every row" \
  "$([ $rc -eq 0 ] && "${direct[@]}" -d app_plain -At -c "select count(*) from t" || echo "rc=$rc: $(first_line "$D/restore16.err")")" \
  "$("${direct[@]}" -d app -At -c "select count(*) from t")"
timeout 120 pg_dump -Fc -h 127.0.0.1 -p "$P" -U postgres -d app -f "$D/app-proxy.dump" >"$D/pgdump16c.err" 2>&1 \
  && timeout 120 pg_restore -h "$D" -p "$pgport" -U postgres -d app_custom --exit-on-error "$D/app-proxy.dump" >"$D/restore16c.err" 2>&1; rc=$?
check "16 pg_dump -Fc through the proxy restores with pg_restore, every row" \
  "$([ $rc -eq 0 ] && "${direct[@]}" -d app_custom -At -c "select count(*) from t" || echo "rc=$rc: $(first_line "$D/pgdump16c.err") $(first_line "$D/restore16c.err")")" \
  "$("${direct[@]}" -d app -At -c "select count(*) from t")"
"${direct[@]}" -d app_custom -At -F '|' -c "select * from t" >"$D/app-custom.out"
noleak "16 the custom-format dump's restored rows hold no original value" "$D/app-custom.out"

echo "# elapsed $((SECONDS - started)) s"
if [ $failed -ne 0 ]; then
  for f in maskd.log proxy.log proxy2.log; do [ -s "$D/$f" ] && { echo "--- $f (last 15 lines)"; tail -15 "$D/$f"; }; done
fi
echo "$passed passed, $failed failed"
[ $failed -eq 0 ]
