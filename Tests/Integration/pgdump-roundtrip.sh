#!/usr/bin/env bash
# pg_dump → maskd pipe → psql, against a throwaway PostgreSQL cluster of its own (Unix socket in a
# temporary directory). Checks: the masked dump restores with ON_ERROR_STOP, row counts are equal,
# the foreign key on the email column holds, no original PII value is left in the restored data,
# non-PII columns are unchanged, and the LZ4 path gives the same bytes.
# Usage: Tests/Integration/pgdump-roundtrip.sh path/to/maskd
set -euo pipefail
export INTEGRATION_DIR=$(cd "$(dirname "$0")" && pwd)
maskd=$(realpath "$1")
. "$INTEGRATION_DIR/throwaway-postgres.sh"
start_throwaway_postgres pg
$psql -d postgres -c "create database src" -c "create database dst"

# Data the project has never seen, with the escapes COPY must honour.
python3 - "$dir" <<'PY'
import json, random, sys, os
d = sys.argv[1]; r = random.Random(20261123)
sys.path.insert(0, os.environ["INTEGRATION_DIR"])
import testdata
def luhn_complete(prefix, n): return testdata.luhn_complete(r, prefix, n)
def esc(v):
    if v is None: return r"\N"
    return v.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r")
pii = []
with open(f"{d}/customers.tsv", "w") as c, open(f"{d}/orders.tsv", "w") as o:
    emails = []
    for i in range(1, 401):
        email = f"{r.choice(['kim','lee','ola','ravi','mia'])}.{r.choice(['ng','park','diaz','obi'])}{i}@{r.choice(['north','bluefin','quarry'])}-{i%5}.example.org"
        emails.append(email)
        ssn = f"{r.randrange(1,899):03d}-{r.randrange(1,99):02d}-{r.randrange(1,9999):04d}".replace("666-", "667-")
        notes = r.choice([
            f"call back\tthen mail {email}\nthanks",
            f"path C:\\temp\\{i} ssn {ssn}",
            "\\.",
            "",
            None,
            f"plain note {i}",
        ])
        profile = json.dumps({"contact": {"email": email, "alt": f"Alt <{email}>"}, "tags": ["a\tb", "q\"x"], "n": i})
        pii += [email, ssn]
        c.write("\t".join(esc(x) for x in [str(i), email, f"Name {i}", ssn, notes, profile, f"{i * 3.25:.2f}"]) + "\n")
    for j in range(1, 801):
        prefix = r.choice(["4", "51", "37", "6011", "2221"])
        card = luhn_complete(prefix, 15 if prefix == "37" else 16)
        pii.append(card)
        o.write("\t".join(esc(x) for x in [str(j), emails[r.randrange(len(emails))], card, f"{j * 1.5:.2f}", f"order {j} memo"]) + "\n")
with open(f"{d}/pii.txt", "w") as p:
    p.write("\n".join(pii) + "\n")
PY

$psql -d src <<SQL
create table customers (id integer primary key, email varchar(40) unique not null, name text, ssn char(11),
  notes text, profile jsonb, balance numeric(12,2));
create table orders (id integer primary key, customer_email varchar(40) not null references customers(email),
  card text, amount numeric(10,2), memo varchar(60));
\copy customers from '$dir/customers.tsv'
\copy orders from '$dir/orders.tsv'
create table docs (id integer primary key, body bytea);
insert into docs select id, convert_to('note for ' || email || ' (customer ' || id || ')', 'UTF8') from customers;
create table people (email text unique not null);
insert into people values ('Ann@example.com'), ('ann@example.com'), ('ANN@EXAMPLE.COM'), ('o''brien@example.com'),
  ('O''Brien@example.com'), ('zoë@exämple.com'), ('Zoë@exämple.com'), ('用户@例子.广告'), ('user+tag@xn--exmple-cua.com');
SQL

export MASKD_TOKEN_KEY=2d3e4f5a6b7c8d9eafb0c1d2e3f405162738495a6b7c8d9eafb0c1d2e3f40516
pg_dump -d src > "$dir/src.sql"
"$maskd" pipe -q --report "$dir/report.jsonl" < "$dir/src.sql" > "$dir/masked.sql"
$psql -d dst -f "$dir/masked.sql" >/dev/null

fail=0
check() {
  if [ "$2" = "$3" ] && [ -n "$2" ] && [[ "$2" != *QUERY-FAILED* ]]; then echo "ok: $1"
  else echo "FAIL: $1: got '$2', want '$3'"; fail=1; fi
}
q() { psql -X -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1 || echo "QUERY-FAILED"; }
check "customers rows" "$(q dst 'select count(*) from customers')" "$(q src 'select count(*) from customers')"
check "orders rows" "$(q dst 'select count(*) from orders')" "$(q src 'select count(*) from orders')"
check "join on the masked email" "$(q dst 'select count(*) from orders o join customers c on c.email = o.customer_email')" "800"
check "orders per customer keep their distribution" \
  "$(q dst "select string_agg(n::text, ',' order by n) from (select count(*) n from orders group by customer_email) x")" \
  "$(q src "select string_agg(n::text, ',' order by n) from (select count(*) n from orders group by customer_email) x")"
check "non-PII columns unchanged" "$(q dst "select md5(string_agg(id::text||name||balance::text, '|' order by id)) from customers")" \
  "$(q src "select md5(string_agg(id::text||name||balance::text, '|' order by id)) from customers")"
check "order amounts and memos unchanged" "$(q dst "select md5(string_agg(id::text||amount::text||memo, '|' order by id)) from orders")" \
  "$(q src "select md5(string_agg(id::text||amount::text||memo, '|' order by id)) from orders")"
check "a value that is exactly \\. survives" "$(q dst "select count(*) from customers where notes = E'\\\\.'")" \
  "$(q src "select count(*) from customers where notes = E'\\\\.'")"
check "emails inside bytea are masked, the bytes still text" \
  "$(q dst "select count(*) from docs where convert_from(body, 'UTF8') ~ '^note for [a-z0-9]+@example\\.invalid \\(customer [0-9]+\\)$'")" "400"
check "emails in jsonb are masked and the json is valid" "$(q dst "select count(*) from customers where profile->'contact'->>'email' like '%@example.invalid'")" "400"
check "addresses that differ only by case, or with any characters, restore into a unique column" \
  "$(q dst 'select count(distinct email) from people')" "9"
check "and every one of them is a token" "$(q dst "select count(*) from people where email like '%@example.invalid'")" "9"
pg_dump -d dst --data-only > "$dir/dst.sql"
leaks=$(grep -F -c -f "$dir/pii.txt" "$dir/dst.sql" || true)
check "original PII values left in the restored data" "$leaks" "0"
check "report names the qualified table" "$(grep -c '"table":"public.orders"' "$dir/report.jsonl" | tr -d ' ')" "1600"

# A result set captured from the server itself (simple query protocol on the Unix socket), masked as
# a wire stream: rows keep their count and framing, no original value is left.
python3 - "$dir" "$port" > "$dir/capture.wire" <<'PY'
import socket, struct, sys
d, port = sys.argv[1], sys.argv[2]
s = socket.socket(socket.AF_UNIX); s.connect(f"{d}/.s.PGSQL.{port}")
params = b"user\0postgres\0database\0src\0\0"
s.sendall(struct.pack(">ii", 8 + len(params), 196608) + params)
def read_until_ready():
    data = b""
    while True:
        chunk = s.recv(65536)
        if not chunk: raise SystemExit("server closed")
        data += chunk
        # ReadyForQuery is 'Z', length 5, status byte: the last 6 bytes of a complete response.
        if len(data) >= 6 and data[-6:-1] == b"Z\0\0\0\x05": return data
read_until_ready()
q = b"select id, email, ssn, notes, profile, balance from customers order by id\0"
s.sendall(b"Q" + struct.pack(">i", 4 + len(q)) + q)
sys.stdout.buffer.write(read_until_ready())
PY
before=$(grep -a -F -o -f "$dir/pii.txt" "$dir/capture.wire" | wc -l)
check "captured wire stream holds the PII before masking" "$([ "$before" -ge 800 ] && echo yes || echo "only $before")" "yes"
"$maskd" pipe -q < "$dir/capture.wire" > "$dir/capture.masked.wire"
wire_rows=$(python3 - "$dir/capture.masked.wire" <<'PY'
import struct, sys
b = open(sys.argv[1], "rb").read(); p = 0; rows = 0
while p < len(b):
    t = b[p:p+1]; n = struct.unpack(">i", b[p+1:p+5])[0]; rows += t == b"D"; p += 1 + n
print(rows if p == len(b) else "bad framing")
PY
)
check "captured wire stream: rows after masking" "$wire_rows" "400"
check "captured wire stream: original values left" "$(grep -a -F -c -f "$dir/pii.txt" "$dir/capture.masked.wire" || true)" "0"

# The same dump with its lines converted to CR LF (as a Windows tool or an ASCII transfer leaves it;
# COPY FROM reads it): detected as a dump, masked to the same tokens, and it restores.
sed 's/$/\r/' "$dir/src.sql" > "$dir/src-crlf.sql"
"$maskd" pipe -q < "$dir/src-crlf.sql" > "$dir/masked-crlf.sql"
check "a CR LF dump masks as the LF one" "$(sed 's/$/\r/' "$dir/masked.sql" | cmp -s - "$dir/masked-crlf.sql" && echo same || echo differ)" "same"
$psql -d postgres -c "create database crlf"
$psql -d crlf -f "$dir/masked-crlf.sql" >/dev/null
check "the masked CR LF dump restores" "$(q crlf 'select count(*) from customers')" "$(q src 'select count(*) from customers')"

# pg_dumpall's script (roles, then every database's pg_dump script): read as a dump, every database's
# rows masked, no original value left; nor a role's password verifier (SCRAM and md5).
$psql -d postgres -c "create role app_scram login password 'Scram-s3cret'" -c "set password_encryption = 'md5'" \
  -c "create role app_md5 login password 'md5-s3cret'" >/dev/null
q postgres "select rolpassword from pg_authid where rolname in ('app_scram', 'app_md5')" > "$dir/verifiers.txt"
pg_dumpall > "$dir/cluster.sql"
"$maskd" pipe -q < "$dir/cluster.sql" > "$dir/cluster-masked.sql"
check "pg_dumpall: the customers' rows are in the masked script" \
  "$(grep -c '@example.invalid' "$dir/cluster-masked.sql" | awk '{print ($1 >= 800) ? "yes" : "only " $1}')" "yes"
check "pg_dumpall: original PII values left" "$(grep -F -c -f "$dir/pii.txt" "$dir/cluster-masked.sql" || true)" "0"
check "pg_dumpall: the roles' verifiers are in the dump and not in the masked script" \
  "$(grep -F -c -f "$dir/verifiers.txt" "$dir/cluster.sql")/$(grep -F -c -f "$dir/verifiers.txt" "$dir/cluster-masked.sql" || true)" "2/0"
# The masked SCRAM verifier keeps its scheme and iteration count: run again, its ALTER ROLE sets it as a
# verifier (a value that is none would be taken for a password and hashed anew, another salt).
masked_verifier=$(grep -o "SCRAM-SHA-256[^']*" "$dir/cluster-masked.sql" | head -1 || true)
grep "^ALTER ROLE app_scram " "$dir/cluster-masked.sql" | $psql -d postgres >/dev/null || true
check "pg_dumpall: a masked SCRAM verifier restores as a verifier" \
  "$(q postgres "select rolpassword = '$masked_verifier' and rolpassword like 'SCRAM-SHA-256\$4096:%' from pg_authid where rolname = 'app_scram'")" "t"

# A CSV export (COPY ... CSV, as psql's \copy and most tools write it): bytea comes out as `\x…` hex,
# which maskd reads as the bytes it encodes; the masked file loads back with COPY ... CSV.
$psql -d src -c "\copy (select id, body, 'C:\Users\x' as path from docs order by id) to '$dir/docs.csv' csv header"
"$maskd" pipe -q < "$dir/docs.csv" > "$dir/docs-masked.csv"
$psql -d dst -c "create table docs_csv (id integer primary key, body bytea, path text)"
$psql -d dst -c "\copy docs_csv from '$dir/docs-masked.csv' csv header"
check "CSV export: emails inside bytea are masked, the bytes still text" \
  "$(q dst "select count(*) from docs_csv where convert_from(body, 'UTF8') ~ '^note for [a-z0-9]+@example\.invalid \(customer [0-9]+\)$'")" "400"
check "CSV export: a text value with a backslash is unchanged" "$(q dst "select count(*) from docs_csv where path = 'C:\Users\x'")" "400"

# Credential columns: a password or an API key has no shape a detector knows; the column's name says
# what it is. Masked whole, each keeping its length (varchar(20), a UNIQUE key column restore), while
# the columns that only mention a credential keep their values.
$psql -d src -c "create table logins (id integer primary key, password varchar(20), api_key text unique, password_changed_at date, token_count integer)" \
  -c "insert into logins select g, substr(md5(g::text), 1, 8) || '#Aa' || g, md5('k' || g), date '2024-01-01' + g, g from generate_series(1, 300) g"
pg_dump -d src -t logins > "$dir/logins.sql"
"$maskd" pipe -q < "$dir/logins.sql" > "$dir/logins-masked.sql"
$psql -d dst -v ON_ERROR_STOP=1 -q -f "$dir/logins-masked.sql" >/dev/null 2>&1 || echo "logins restore failed"
$psql -d src -At -c "select password from logins union all select api_key from logins" > "$dir/credentials.txt"
check "credential columns: restored, lengths kept, other columns unchanged, no original left" \
  "$(q dst "select count(*) from logins where length(password) = length(substr(md5(id::text), 1, 8) || '#Aa' || id) and length(api_key) = 32 and password_changed_at = date '2024-01-01' + id and token_count = id")/$(grep -F -c -f "$dir/credentials.txt" "$dir/logins-masked.sql" || true)" \
  "300/0"

# With --quote-all-identifiers a type is `"text"`: the same type, so the same credential columns.
pg_dump -d src -t logins --quote-all-identifiers | "$maskd" pipe -q > "$dir/logins-quoted-masked.sql"
check "credential columns under --quote-all-identifiers: no original left" \
  "$(grep -c '^COPY "public"."logins"' "$dir/logins-quoted-masked.sql")/$(grep -F -c -f "$dir/credentials.txt" "$dir/logins-quoted-masked.sql" || true)" "1/0"

# Password hashes in a column no name announces (`hash`, `prev`): found by their shape, the salt and
# hash masked, the scheme and cost kept (a bcrypt token is still 60 characters of `$2b$12$…`), UNIQUE
# holds; prices and shell text with `$` stay.
$psql -d src -c "create table accounts (id integer primary key, hash text unique, prev text, note text)" \
  -c "insert into accounts select g, '\$2b\$12\$' || substr(replace(encode(sha256(g::text::bytea) || sha256(('x' || g)::bytea), 'base64'), '+', '.'), 1, 53),
        'pbkdf2_sha256\$870000\$' || substr(md5('s' || g), 1, 12) || '\$' || encode(sha256(('h' || g)::bytea), 'base64'),
        'costs US\$' || g || ' at \$HOME\$PATH' from generate_series(1, 200) g"
pg_dump -d src -t accounts | "$maskd" pipe -q > "$dir/accounts-masked.sql"
$psql -d dst -v ON_ERROR_STOP=1 -q -f "$dir/accounts-masked.sql" >/dev/null 2>&1 || echo "accounts restore failed"
$psql -d src -At -c "select substr(hash, 8) from accounts union all select split_part(prev, '\$', 4) from accounts" > "$dir/hashes.txt"
check "password hashes: restored as hashes of the same format, notes kept, no original salt or hash left" \
  "$(q dst "select count(*) from accounts where hash ~ '^[\$]2b[\$]12[\$][./A-Za-z0-9]{53}\$' and prev like 'pbkdf2_sha256\$870000\$%' and note = 'costs US\$' || id || ' at \$HOME\$PATH'")/$(grep -F -c -f "$dir/hashes.txt" "$dir/accounts-masked.sql" || true)" \
  "200/0"

# A column name holding a comma or a parenthesis: pg_dump quotes it in the COPY line, which is read as one
# name (split at every comma, the line named a column too many and the run failed on the first row).
$psql -d src -c 'create table "odd(names)" ("city, state" text, password text, "note)" text)' \
  -c "insert into \"odd(names)\" select 'Austin, TX', 'pw-' || md5(g::text), 'mail ann' || g || '@example.com' from generate_series(1, 50) g"
pg_dump -d src -t '"odd(names)"' | "$maskd" pipe -q > "$dir/odd-masked.sql"
$psql -d dst -v ON_ERROR_STOP=1 -q -f "$dir/odd-masked.sql" >/dev/null 2>&1 || echo "odd names restore failed"
check "quoted names with a comma: restored, the other column kept, no password or address left" \
  "$(q dst "select count(*) from \"odd(names)\" where \"city, state\" = 'Austin, TX' and \"note)\" like 'mail %@example.invalid'")/$(grep -c -e 'pw-' -e '@example.com' "$dir/odd-masked.sql" || true)" \
  "50/0"

# Function bodies, rules and comments that hold INSERT and COPY lines (a plpgsql trigger's flush-left
# INSERTs failed the whole dump; a comment's COPY line opened a block): text, in both dump forms, and
# the dump restores with them (the address in the body masked, the rows' masked as ever).
$psql -d postgres -q -c "create database fnsrc" -c "create database fndst" -c "create database fndst2"
$psql -d fnsrc -q -v ON_ERROR_STOP=1 <<'SQL'
create table log (at timestamptz, who text);
create table users (id int, email text, card text);
insert into users values (1, 'ann@example.com', '4111 1111 1111 1111');
CREATE FUNCTION audit() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
INSERT INTO log VALUES (now(), 'x@example.com');
INSERT INTO log (at, who) VALUES (now(), current_user);
RETURN NEW;
END $$;
CREATE TRIGGER t AFTER INSERT ON users FOR EACH ROW EXECUTE FUNCTION audit();
CREATE FUNCTION f2() RETURNS void LANGUAGE sql BEGIN ATOMIC INSERT INTO log VALUES (now(), 'y'); END;
CREATE RULE r AS ON UPDATE TO users DO ALSO INSERT INTO log VALUES (now(), 'rule');
COMMENT ON TABLE users IS 'Example:
INSERT INTO users VALUES (2, ''bob@example.com'');
COPY users FROM stdin;
done';
CREATE FUNCTION f3() RETURNS text LANGUAGE plpgsql AS $body$
BEGIN
RETURN $q$
INSERT INTO x VALUES (1);
$q$;
END $body$;
SQL
fn_ok=0
for form in "" "--inserts"; do
  db=fndst; [ -n "$form" ] && db=fndst2
  pg_dump -d fnsrc $form | "$maskd" pipe -q > "$dir/fn-masked.sql" && \
    $psql -d $db -v ON_ERROR_STOP=1 -q -f "$dir/fn-masked.sql" >/dev/null 2>&1 && fn_ok=$((fn_ok + 1))
  leaks=$(grep -c -e 'ann@example.com' -e '4111 1111' -e 'x@example.com' -e 'bob@example.com' "$dir/fn-masked.sql" || true)
  [ "$leaks" = 0 ] || fn_ok=-9
done
check "function bodies and comments with INSERT and COPY lines: both dump forms mask and restore, nothing original left" \
  "$fn_ok/$(q fndst2 "select count(*) from users where email like '%@example.invalid'")/$(q fndst "select prosrc like '%INSERT INTO log (at, who) VALUES (now(), current_user);%' from pg_proc where proname = 'audit'")/$(q fndst "select obj_description('users'::regclass) like 'Example:%COPY users FROM stdin;%'")" \
  "2/1/t/t"

# COPY's text format without the script around it (`COPY t TO STDOUT`, with HEADER too), loaded back
# with COPY FROM STDIN: tokens are the dump's, and with --schema a token that does not fit a
# varchar(n) keeps its value's character count, as in a dump.
$psql -d src -c "create table short_contacts (id integer, email varchar(20), ssn char(11))" \
  -c "insert into short_contacts select id, 'u' || id || '@x.example.net', ssn from customers"
pg_dump -d src --schema-only -t customers -t short_contacts > "$dir/copy-schema.sql"
$psql -d dst -c "create table customers_copy (like customers)" -c "create table customers_copy_h (like customers)" \
  -c "create table short_copy (id integer, email varchar(20), ssn char(11))"
# (The schema through a pipe, as `--schema <(pg_restore -s …)` gives it: no size to read by.)
$psql -d src -c "COPY customers TO STDOUT" \
  | "$maskd" pipe -q --format copy --schema <(cat "$dir/copy-schema.sql") --table customers \
  | $psql -d dst -c "COPY customers_copy FROM STDIN"
$psql -d src -c "COPY customers TO STDOUT (HEADER)" | "$maskd" pipe -q --format copy --header \
  | $psql -d dst -c "COPY customers_copy_h FROM STDIN (HEADER)"
$psql -d src -c "COPY short_contacts TO STDOUT" \
  | "$maskd" pipe -q --format copy --schema "$dir/copy-schema.sql" --table public.short_contacts \
  | $psql -d dst -c "COPY short_copy FROM STDIN"
check "COPY text: every row loads back, with the dump's tokens" \
  "$(q dst "select count(*) from customers_copy c join customers d using (id) where c.email = d.email and c.ssn is not distinct from d.ssn and c.notes is not distinct from d.notes")/$(q dst "select count(*) from customers_copy_h c join customers d using (id) where c.email = d.email and c.notes is not distinct from d.notes")" \
  "400/400"
$psql -d dst -At -c "copy (select email, ssn, notes, profile::text from customers_copy union all select email, ssn, null, null from short_copy) to stdout" > "$dir/copy-restored.txt"
check "COPY text: original PII values left" "$(grep -F -c -f "$dir/pii.txt" "$dir/copy-restored.txt" || true)" "0"
$psql -d src -At -c "select email from short_contacts" > "$dir/short-emails.txt"
check "COPY text: a varchar(20) column of emails loads back, none left" \
  "$(q dst "select count(*) from short_copy")/$(q dst "select count(*) from short_copy where email like '%@%' and length(email) <= 20")/$(grep -F -c -f "$dir/short-emails.txt" "$dir/copy-restored.txt" || true)" "400/400/0"

# Number columns: random bigints are cards by their digits one time in 30 (Luhn and an issuer range of
# 16 to 19 digits), and a masked value must still be a number of its column's type, or the restore
# fails (a 19-digit token out of the bigint range; `****` or a hash's hex in a bigint or a bigint[]). Every action
# (a redaction or a partial mask makes equal values of distinct ones: no unique constraint here).
$psql -d postgres -c "create database nums"
$psql -d nums >/dev/null <<'SQL'
select setseed(0.2026);
create table ids (id bigint, neg bigint, amount numeric(21,2), small integer, pin smallint, refs bigint[]);
insert into ids select (random() * 9.2e18)::bigint, -(random() * 9.2e18)::bigint, round((random() * 1e18)::numeric, 2),
  (random() * 2e9)::integer, (random() * 3e4)::smallint, array[(random() * 9.2e18)::bigint, null, 7]
  from generate_series(1, 30000);
-- The same through domains: a column declared with a domain's name has the domain's base type (a
-- bigint, a varchar(20) too short for an email token), or the restore fails.
create domain acct as bigint;
create domain acct_too as acct;
create domain note as varchar(20) not null default '';
create domain "Money Amt" as numeric(21,2);
create table accounts (id acct, id2 acct_too, refs acct[], contact note, amount "Money Amt");
insert into accounts select (random() * 9.2e18)::bigint, (random() * 9.2e18)::bigint, array[(random() * 9.2e18)::bigint],
  'a' || g || '@example.com', round((random() * 1e18)::numeric, 2) from generate_series(1, 6000) g;
SQL
pg_dump -d nums > "$dir/nums.sql"
for action in tokenize redact hash partial:4; do
  db="nums_${action%%:*}"
  "$maskd" pipe -q --report "$dir/nums.jsonl" --action "credit_card=$action" < "$dir/nums.sql" > "$dir/$db.sql"
  $psql -d postgres -c "create database $db"
  $psql -d "$db" -f "$dir/$db.sql" >/dev/null 2>"$dir/$db.err" || true
  check "number columns, credit_card=$action: the masked dump restores" "$(q "$db" 'select count(*) from ids')" "30000"
  check "domains over numbers and varchar(20), credit_card=$action: the masked dump restores" \
    "$(q "$db" "select count(*) from accounts where contact not like '%@example.com'")" "6000"
done
for db in nums_tokenize nums_hash; do
  check "number columns, $db: distinct values stay distinct" \
    "$(q "$db" 'select count(distinct id) + count(distinct neg) from ids')" "$(q nums 'select count(distinct id) + count(distinct neg) from ids')"
done
# The same numbers inside JSON documents: a token never starts with 0 where its value does not, or
# `{"id": 0…}` is no JSON (one plain FF1 token in ten did) and the restore fails; a redaction, hash or
# partial mask of a bare JSON number is made a number (docs/detection/tokens.md), or `{"id": ****}`
# fails it likewise.
$psql -d nums >/dev/null <<'SQL'
select setseed(0.77);
create table docs (doc jsonb, raw json);
insert into docs select jsonb_build_object('id', (random() * 9.2e18)::bigint, 'refs', jsonb_build_array((random() * 9.2e18)::bigint, 5)),
  json_build_object('ref', (random() * 9.2e18)::bigint) from generate_series(1, 20000);
SQL
pg_dump -d nums -t docs > "$dir/docs-json.sql"
for action in tokenize redact hash partial:4; do
  db="json_${action%%:*}"
  "$maskd" pipe -q --report "$dir/$db.jsonl" --action "credit_card=$action" < "$dir/docs-json.sql" > "$dir/$db.sql"
  $psql -d postgres -c "create database $db" >/dev/null
  $psql -d "$db" -f "$dir/$db.sql" >/dev/null 2>"$dir/$db.err" || true
  check "numbers in JSON taken for cards, $action: the masked dump restores" "$(q "$db" 'select count(*) from docs')" "20000"
  check "numbers in JSON, $action: they are numbers still" \
    "$(q "$db" "select count(*) from docs where jsonb_typeof(doc->'id') = 'number' and json_typeof(raw->'ref') = 'number'")" "20000"
done
check "numbers in JSON: some were cards" \
  "$(grep -c '"type":"credit_card"' "$dir/json_redact.jsonl" | awk '{print ($1 >= 500) ? "yes" : "only " $1}')" "yes"
check "number columns: bigints were taken for cards (so the check above means something)" \
  "$(grep -c '"type":"credit_card"' "$dir/nums.jsonl" | awk '{print ($1 >= 500) ? "yes" : "only " $1}')" "yes"

# Large objects: pg_dump writes their data as `lowrite` lines of hex (16 KiB each), which passed as
# script text with every value in it. Objects of 40 kB of text with emails, some across the 16 KiB
# line boundaries: the restored objects keep their sizes and hold no original address.
$psql -d postgres -c "create database los"
$psql -d los >/dev/null <<'SQL'
create table attachments (id integer, body oid);
insert into attachments select g, lo_from_bytea(0, convert_to(
  (select string_agg('line ' || i || ' mail person' || g || '_' || i || '@example.com; ', '') from generate_series(1, 800) i), 'UTF8'))
  from generate_series(1, 30) g;
SQL
pg_dump -d los > "$dir/los.sql"
"$maskd" pipe -q < "$dir/los.sql" > "$dir/los-masked.sql"
$psql -d postgres -c "create database los_masked"
$psql -d los_masked -f "$dir/los-masked.sql" >/dev/null 2>"$dir/los.err" || true
check "large objects: the masked dump restores every object, each of its size" \
  "$(q los_masked "select count(*) from attachments a join pg_largeobject_metadata m on m.oid = a.body")/$(q los_masked "select sum(length(lo_get(body))) from attachments")" \
  "30/$(q los "select sum(length(lo_get(body))) from attachments")"
check "large objects: no original address in them" \
  "$(q los_masked "select count(*) from attachments where convert_from(lo_get(body), 'UTF8') like '%@example.com%'")" "0"

# Dumps of INSERT statements (`--inserts`, `--column-inserts`, `--rows-per-insert`, which other
# databases and old tools need): their rows are masked as the COPY dump's are, so each restores to the
# same tables as the masked COPY dump did, and nothing of the original is left.
digest() { q "$1" "select md5(string_agg(c::text, '|' order by c.id)) from customers c"; }
digest_orders() { q "$1" "select md5(string_agg(o::text, '|' order by o.id)) from orders o"; }
for form in "--inserts" "--column-inserts" "--rows-per-insert=7 --on-conflict-do-nothing" "--inserts --quote-all-identifiers"; do
  name=ins$(echo "$form" | tr -dc 'a-z')
  pg_dump -d src $form -t customers -t orders -t people > "$dir/$name.sql"
  "$maskd" pipe -q < "$dir/$name.sql" > "$dir/$name-masked.sql" || echo "maskd failed on $form"
  $psql -d postgres -q -c "create database $name"
  $psql -d "$name" -v ON_ERROR_STOP=1 -q -f "$dir/$name-masked.sql" >/dev/null 2>"$dir/$name.err" || head -3 "$dir/$name.err"
  check "pg_dump $form: restores to the COPY dump's masked rows, nothing original left" \
    "$(digest "$name")/$(digest_orders "$name")/$(q "$name" 'select count(distinct email) from people')/$(grep -F -c -f "$dir/pii.txt" "$dir/$name-masked.sql" || true)" \
    "$(digest dst)/$(digest_orders dst)/9/0"
done

# LZ4 in and out gives the same masked dump.
lz4 -q -c "$dir/src.sql" | "$maskd" pipe -q --lz4 | lz4 -q -d -c > "$dir/masked-lz4.sql"
check "LZ4 round trip" "$(cmp -s "$dir/masked.sql" "$dir/masked-lz4.sql" && echo same || echo differ)" "same"

[ $fail -eq 0 ] && echo "pgdump round trip: all checks passed" || exit 1
