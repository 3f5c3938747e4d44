#!/usr/bin/env bash
# Policies as a user meets them: identities through `maskd proxy` (in process, and in front of
# `maskd serve`) with psql against a REAL PostgreSQL, column rules by table OID that an alias or a view
# cannot dodge, a custom PCRE2 detector, SIGHUP reloads (valid and invalid) under load, and audit
# records checked for completeness and for the absence of any value.
# Usage: Tests/Integration/policy-e2e.sh path/to/maskd        (KEEP_DIR=1 keeps the temporary directory)
set -uo pipefail
[ $# -eq 1 ] || { echo "usage: $0 MASKD_BINARY"; exit 64; }
maskd=$(realpath "$1")
here=$(cd "$(dirname "$0")" && pwd)
source "$here/throwaway-postgres.sh"
start_throwaway_postgres policy
D=$dir
proxy_pid=""
serve_pid=""
proxy2_pid=""
load_pid=""
stop_all() {
  for p in $load_pid $proxy_pid $proxy2_pid $serve_pid; do kill "$p" 2>/dev/null; done
  for p in $load_pid $proxy_pid $proxy2_pid $serve_pid; do wait "$p" 2>/dev/null; done
  stop_throwaway_postgres
}
trap stop_all EXIT
passed=0
failed=0
ok() { echo "ok - $1"; passed=$((passed + 1)); }
bad() { echo "FAIL - $1"; failed=$((failed + 1)); }
check() { if [ "$2" = "$3" ]; then ok "$1"; else bad "$1: got '${2:0:400}', want '${3:0:400}'"; fi; }
free_port() { python3 -c 'import socket; s = socket.socket(); s.bind(("127.0.0.1", 0)); print(s.getsockname()[1])'; }
wait_port() {  # port pid
  for _ in $(seq 150); do
    (exec 3<>"/dev/tcp/127.0.0.1/$1") 2>/dev/null && return 0
    kill -0 "$2" 2>/dev/null || return 1
    sleep 0.1
  done
  return 1
}

$psql -d postgres <<'SQL'
create role reader login; create role agent login; create role auditor login; create role bob login;
create table customers (id int primary key, email text, card text, ssn text, support_notes text, badge text);
insert into customers values
  (1, 'ann.lee@corp-policy.example', '4111 1111 1111 1111', '123-45-6789', 'called from ann.lee@corp-policy.example', 'EMP-123456'),
  (2, 'bo.chen@corp-policy.example', '5500 0000 0000 0004', '234-56-7890', 'no notes', 'employee EMP-654321');
create view v_customers as select id, email as contact, card from customers;
create view v_outer as select contact from v_customers;
grant select on customers, v_customers, v_outer to reader, agent, auditor, bob;
SQL
oid=$($psql -d postgres -At -c "select 'customers'::regclass::oid")
attnum=$($psql -d postgres -At -c "select attnum from pg_attribute where attrelid = 'customers'::regclass and attname = 'email'")

write_policy() {  # reader's email action
  cat >"$D/policy.yaml" <<YAML
version: 1
defaults: {email: tokenize, credit_card: tokenize, us_ssn: tokenize, secret: redact}
groups:
  pii-readers: [reader]
columns:
  - match: {column: "*_notes"}
    actions: {"*": redact}
  - match: {table_oid: $oid, column: $attnum}
    actions: {email: hash}
identities:
  - match: {group: pii-readers}
    actions: {email: $1, credit_card: "partial:4"}
  - match: {application: "agent-*"}
    actions: {"*": tokenize}
  - match: {user: bob}
    actions: {"*": redact}
detectors:
  - name: employee_id
    pattern: 'EMP-[0-9]{6}'
    action: redact
YAML
}
write_policy keep
export MASKD_TOKEN_KEY=5e2e0c1d9a7b4f3e8d6c5b4a39281706f5e4d3c2b1a09f8e7d6c5b4a39281706
P=$(free_port)
"$maskd" proxy --listen "127.0.0.1:$P" --upstream "$D/.s.PGSQL.$PGPORT" --policy "$D/policy.yaml" \
  --audit "$D/audit.jsonl" >"$D/proxy.log" 2>&1 &
proxy_pid=$!
wait_port "$P" "$proxy_pid" || { cat "$D/proxy.log"; echo "FAIL: maskd proxy did not start"; exit 1; }
q() {  # port user application sql
  PGAPPNAME=$3 timeout 30 psql -X -At -h 127.0.0.1 -p "$1" -U "$2" -d postgres -v ON_ERROR_STOP=1 -c "$4" 2>&1
}

# --- 1. the same result set under three identities: three maskings --------------------------------
sql="select email, card from customers where id = 1"
as_reader=$(q "$P" reader psql "$sql")
as_agent=$(q "$P" agent agent-7 "$sql")
as_bob=$(q "$P" bob psql "$sql")
check "1 reader (group pii-readers via groups:) sees the email and the card's last four" "$as_reader" \
  "ann.lee@corp-policy.example|**** **** **** 1111"
check "1 agent-* gets tokens" "$(echo "$as_agent" | grep -cE '^[a-z2-7]{16}@example\.invalid\|[0-9]{4} [0-9]{4} [0-9]{4} [0-9]{4}$')" "1"
check "1 bob gets redaction" "$as_bob" "***************************|*******************"
distinct=$(printf '%s\n%s\n%s\n' "$as_reader" "$as_agent" "$as_bob" | sort -u | wc -l)
check "1 three identities, three different results" "$distinct" "3"

# --- 2. the OID rule: an alias and views cannot dodge it ------------------------------------------
hashed='^[0-9a-f]{32}$'
check "2 auditor: email hashed by the OID rule" "$(q "$P" auditor psql "select email from customers where id = 1" | grep -cE "$hashed")" "1"
check "2 auditor: SELECT email AS e still hashed" "$(q "$P" auditor psql "select email as e from customers where id = 1" | grep -cE "$hashed")" "1"
check "2 auditor: a view over the table still hashed" "$(q "$P" auditor psql "select contact from v_customers where id = 1" | grep -cE "$hashed")" "1"
check "2 auditor: a view over that view still hashed" "$(q "$P" auditor psql "select contact from v_outer" | grep -cE "$hashed")" "2"
check "2 the *_notes rule redacts the column" "$(q "$P" auditor psql "select support_notes from customers where id = 1")" \
  "called from ***************************"

# --- 3. custom detector ------------------------------------------------------------------------------
badges=$(q "$P" auditor psql "select badge from customers order by id" | tr '\n' ' ')
check "3 employee_id matches are masked by their own rule" "$badges" "********** employee ********** "

# --- 4. audit records ---------------------------------------------------------------------------------
python3 - "$D/audit.jsonl" "$oid" "$attnum" <<'PY' && ok "4 audit records complete" || bad "4 audit records complete"
import json, sys
records = [json.loads(l) for l in open(sys.argv[1])]
rs = [r for r in records if r.get("event") == "result_set"]
assert len(rs) >= 9, len(rs)
need = {"time", "session", "user", "database", "policy_version", "identity_rule", "query_kind", "columns", "rows", "bytes",
        "masked_cells", "duration_ms", "outcome"}
for r in rs:
    missing = need - set(r)
    assert not missing, (missing, r)
    assert r["policy_version"].startswith("sha256:"), r
kinds = {r["query_kind"] for r in rs}
assert "simple" in kinds, kinds
email = [r for r in rs if r["user"] == "auditor" and r["columns"] and r["columns"][0]["name"] == "e" and r["query_kind"] == "simple"]
assert email, "no record of SELECT email AS e"
col = email[0]["columns"][0]
assert col["table_oid"] == int(sys.argv[2]) and col["column"] == int(sys.argv[3]), col
assert col["found"] == {"email": {"count": 1, "action": "hash"}}, col
assert email[0]["masked_cells"] == 1 and email[0]["rows"] == 1 and email[0]["outcome"] == "complete", email[0]
reader = [r for r in rs if r["user"] == "reader"][0]
assert reader["identity_rule"] == 0 and reader["columns"][0]["found"]["email"]["action"] == "keep", reader
badge = [r for r in rs if r["columns"] and r["columns"][0]["name"] == "badge"][0]
assert badge["columns"][0]["found"] == {"employee_id": {"count": 2, "action": "redact"}}, badge
PY
leaks=0
for v in ann.lee@corp-policy.example bo.chen@corp-policy.example "4111 1111 1111 1111" "5500 0000 0000 0004" \
         123-45-6789 234-56-7890 EMP-123456 EMP-654321 ann.lee bo.chen 4111111111111111; do
  grep -qiF -- "$v" "$D/audit.jsonl" && { leaks=$((leaks + 1)); echo "  audit holds $v"; }
done
check "4 the audit file holds no value of the data" "$leaks" "0"
q "$P" auditor psql "select email, 1 / (id - 2) from customers order by id" >/dev/null
sleep 0.2
check "4 a result set that ends in an error still has a record" \
  "$(grep '"outcome":"error"' "$D/audit.jsonl" | grep -c '"error_code":"22012"')" "1"

q "$P" auditor psql "\\copy (select email from customers order by id) to stdout" >"$D/copy.out"
sleep 0.2
check "4 COPY TO STDOUT: masked, and a record of kind copy" \
  "$(grep -c corp-policy "$D/copy.out"):$(grep -c '"query_kind":"copy"' "$D/audit.jsonl")" "0:1"

# --- 5. SIGHUP under load: valid, then invalid ---------------------------------------------------------
( while :; do q "$P" agent agent-1 "select email, card, ssn from customers" >/dev/null || echo LOADFAIL >>"$D/load.err"; done ) &
load_pid=$!
# A session that stays open across the reload: psql reads its queries from a FIFO.
mkfifo "$D/fifo"
PGAPPNAME=psql timeout 60 psql -X -At -h 127.0.0.1 -p "$P" -U reader -d postgres <"$D/fifo" >"$D/long.out" 2>&1 &
long_pid=$!
exec 7>"$D/fifo"
# Each reload waits until the answer before it has arrived: on a loaded machine a fixed sleep let
# the first query run after the reload.
answered() { for _ in $(seq 300); do [ "$(wc -l <"$D/long.out")" -ge "$1" ] && return 0; sleep 0.1; done; return 1; }
echo "select email from customers where id = 1;" >&7
answered 1
write_policy redact
kill -HUP "$proxy_pid"
sleep 0.5
echo "select email from customers where id = 1;" >&7
answered 2
printf 'version: 1\ndefaults: {email: [oops\n' >"$D/policy.yaml"
kill -HUP "$proxy_pid"
sleep 0.5
echo "select email from customers where id = 1;" >&7
echo "\\q" >&7
exec 7>&-
wait "$long_pid"
kill "$load_pid" 2>/dev/null; wait "$load_pid" 2>/dev/null; load_pid=""
check "5 one session across two reloads: keep, then redact, and the invalid file changed nothing" \
  "$(tr '\n' ' ' <"$D/long.out")" "ann.lee@corp-policy.example *************************** *************************** "
check "5 queries under load never failed during reloads" "$(cat "$D/load.err" 2>/dev/null | wc -l)" "0"
check "5 the valid reload is logged with its version" "$(grep -c 'policy reloaded' "$D/proxy.log")" "1"
check "5 the invalid reload is refused with its line and column" \
  "$(grep 'policy reload refused' "$D/proxy.log" | grep -c 'policy.yaml:3:1')" "1"
check "5 the proxy still serves" "$(q "$P" bob psql "select count(*) from customers")" "2"

# --- 6. the same identities through maskd serve (identity from the proxy's Hello) ---------------------
write_policy keep
"$maskd" serve --socket "$D/maskd.sock" --policy "$D/policy.yaml" --audit "$D/serve-audit.jsonl" >"$D/serve.log" 2>&1 &
serve_pid=$!
for _ in $(seq 100); do [ -S "$D/maskd.sock" ] && break; sleep 0.1; done
P2=$(free_port)
"$maskd" proxy --listen "127.0.0.1:$P2" --upstream "$D/.s.PGSQL.$PGPORT" --maskd "$D/maskd.sock" >"$D/proxy2.log" 2>&1 &
proxy2_pid=$!
wait_port "$P2" "$proxy2_pid" || { cat "$D/proxy2.log" "$D/serve.log"; echo "FAIL: proxy --maskd did not start"; exit 1; }
check "6 through serve: reader" "$(q "$P2" reader psql "$sql")" "$as_reader"
check "6 through serve: agent" "$(q "$P2" agent agent-7 "$sql")" "$as_agent"
check "6 through serve: bob" "$(q "$P2" bob psql "$sql")" "$as_bob"
sleep 0.2
check "6 serve writes result_set records" "$(grep -c '"event":"result_set"' "$D/serve-audit.jsonl")" "3"

# --- 6b. audit records to a Unix datagram socket and to stdout -----------------------------------------
python3 - "$D/collector.sock" "$D/datagrams.jsonl" <<'PY' &
import socket, sys
s = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
s.bind(sys.argv[1])
s.settimeout(20)
with open(sys.argv[2], "w") as out:
    try:
        while True:
            out.write(s.recv(65536).decode()); out.flush()
    except socket.timeout:
        pass
PY
collector_pid=$!
for _ in $(seq 50); do [ -S "$D/collector.sock" ] && break; sleep 0.1; done
P3=$(free_port)
"$maskd" proxy --listen "127.0.0.1:$P3" --upstream "$D/.s.PGSQL.$PGPORT" --policy "$D/policy.yaml" \
  --audit "unix:$D/collector.sock" >"$D/proxy3.log" 2>&1 &
proxy3_pid=$!
wait_port "$P3" "$proxy3_pid" || { cat "$D/proxy3.log"; echo "FAIL: proxy with a datagram audit did not start"; exit 1; }
q "$P3" bob psql "$sql" >/dev/null
sleep 0.3
kill "$proxy3_pid" "$collector_pid" 2>/dev/null; wait "$proxy3_pid" "$collector_pid" 2>/dev/null
check "6b one result_set datagram per result set" "$(grep -c '"event":"result_set","time"' "$D/datagrams.jsonl")" "1"
P4=$(free_port)
"$maskd" proxy --listen "127.0.0.1:$P4" --upstream "$D/.s.PGSQL.$PGPORT" --policy "$D/policy.yaml" --audit - \
  >"$D/proxy4.out" 2>"$D/proxy4.log" &
proxy4_pid=$!
wait_port "$P4" "$proxy4_pid" || { cat "$D/proxy4.log"; echo "FAIL: proxy with --audit - did not start"; exit 1; }
q "$P4" bob psql "$sql" >/dev/null
sleep 0.3
kill "$proxy4_pid" 2>/dev/null; wait "$proxy4_pid" 2>/dev/null
check "6b --audit - writes records to stdout" "$(grep -c '"event":"result_set"' "$D/proxy4.out")" "1"

# --- 7. maskd audit summarize ---------------------------------------------------------------------------
"$maskd" audit summarize "$D/audit.jsonl" >"$D/summary.txt" 2>&1
check "7 summarize: the auditor's aliased email column, hashed" \
  "$(grep -E "^auditor +e \($oid\.$attnum\) +email +hash +1 +1\$" -c "$D/summary.txt")" "1"
check "7 summarize: the reader's email, kept" "$(grep -E "^reader +email \($oid\.$attnum\) +email +keep " -c "$D/summary.txt")" "1"
check "7 summarize: no value in the summary" "$(grep -ciE 'corp-policy|4111|123-45' "$D/summary.txt")" "0"
printf '{"event":"result_set"}\nnot json\n' >"$D/bad.jsonl"
"$maskd" audit summarize "$D/bad.jsonl" >/dev/null 2>"$D/bad.err"
check "7 summarize: a line that is not a record is named, exit 65" "$?:$(grep -c 'bad.jsonl:2:' "$D/bad.err")" "65:1"

echo "policy e2e: $passed passed, $failed failed"
[ "$failed" -eq 0 ] && echo "policy e2e: all checks passed"
