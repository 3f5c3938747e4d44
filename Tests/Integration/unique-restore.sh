#!/usr/bin/env bash
# pg_dump → maskd pipe → psql into tables with UNIQUE on every masked column, against a throwaway
# PostgreSQL cluster of its own (Unix socket in a temporary directory). Masking must keep distinct
# values distinct: emails (tokens), cards and SSNs (FF1), 40-character secrets and passwords (same-length
# keyed tokens, not asterisks), emails in a varchar(12) column (the character-keeping fallback), and bare
# passwords in a column named `password` (a credential column, masked whole).
# Checks: every row restores, no original value is left, no asterisk stands in for a token, secrets
# keep their length, and masking twice gives the same bytes.
#
# The case pair `Ann@x.com` / `ann@x.com` (issue 12 item 7: the email token keeps case) sits in a table
# of its own, so that a unique violation there (with `--email-case fold`, say) cannot hide the other
# checks.
# Usage: Tests/Integration/unique-restore.sh path/to/maskd
set -euo pipefail
export INTEGRATION_DIR=$(cd "$(dirname "$0")" && pwd)
maskd=$(realpath "$1")
. "$INTEGRATION_DIR/throwaway-postgres.sh"
start_throwaway_postgres unique
$psql -d postgres -c "create database src" -c "create database dst"

rows=600
python3 - "$dir" "$rows" <<'PY'
import os, random, string, sys
d, rows = sys.argv[1], int(sys.argv[2])
sys.path.insert(0, os.environ["INTEGRATION_DIR"])
import testdata
r = random.Random(20260412)
def distinct(make):
    seen = set()
    def next_value():
        while True:
            v = make()
            if v not in seen:
                seen.add(v)
                return v
    return next_value
b64 = string.ascii_letters + string.digits + "+/"
printable = string.ascii_letters + string.digits + "!#$%&*+-.:?@^_~"
email = distinct(lambda: f"{r.choice(['kim','lee','ola','ravi','mia','jo'])}.{r.choice(['ng','park','diaz','obi'])}{r.randrange(10**6)}@{r.choice(['north','bluefin','quarry'])}.example.org")
short_email = distinct(lambda: f"{r.choice('abcdefgh')}{r.randrange(10**4)}@{r.choice(['ab','cd','ef'])}.io")
def card_number():
    prefix = r.choice(["4", "51", "37", "6011", "2221"])
    return testdata.luhn_complete(r, prefix, 15 if prefix == "37" else 16)
card = distinct(card_number)
ssn = distinct(lambda: f"{r.choice([a for a in range(1, 900) if a != 666]):03d}-{r.randrange(1, 100):02d}-{r.randrange(1, 10000):04d}")
def secret_value(i):
    kind = i % 3
    if kind == 0: return "aws_secret_access_key=" + "".join(r.choice(b64) for _ in range(40))
    # Passwords start with a letter or digit: which leading marks read as placeholders is the
    # detector's business (tested there); this script is about uniqueness.
    if kind == 1: return "password=" + r.choice(string.ascii_letters) + "".join(r.choice(printable) for _ in range(39))
    return "token=ghp_" + "".join(r.choice(string.ascii_letters + string.digits) for _ in range(36))
secret = distinct(lambda: secret_value(r.randrange(3)))
# Bare passwords in a column named for them (a credential column: nothing in the value says what it is).
password = distinct(lambda: r.choice(string.ascii_letters) + "".join(r.choice(printable) for _ in range(r.randrange(7, 15))))
originals = []
with open(f"{d}/accounts.tsv", "w") as f:
    for i in range(1, rows + 1):
        row = [str(i), email(), card(), ssn(), secret(), short_email(), password()]
        # What must not survive: the address, the card, the SSN, the secret's value, the short address,
        # the password.
        originals += [row[1], row[2], row[3], row[4].split("=", 1)[1], row[5], row[6]]
        f.write("\t".join(row) + "\n")
with open(f"{d}/originals.txt", "w") as f:
    f.write("\n".join(originals) + "\n")
PY

$psql -d src <<SQL
create table accounts (id integer primary key, email text unique not null, card text unique not null,
  ssn text unique not null, config_line text unique not null, short_email varchar(12) unique not null,
  password varchar(16) unique not null);
\copy accounts from '$dir/accounts.tsv'
-- The case pair: distinct under UNIQUE, the same address to a mail server that folds case.
create table case_pair (id integer primary key, email text unique not null);
insert into case_pair values (1, 'Ann@x.com'), (2, 'ann@x.com');
SQL

# Whole dumps (CREATE TABLE, then COPY): maskd learns the varchar(12) limit from the dump itself.
export MASKD_TOKEN_KEY=3e4f5a6b7c8d9eafb0c1d2e3f405162738495a6b7c8d9eafb0c1d2e3f4051627
pg_dump -d src -t accounts > "$dir/accounts.sql"
pg_dump -d src -t case_pair > "$dir/case_pair.sql"
"$maskd" pipe -q < "$dir/accounts.sql" > "$dir/accounts.masked.sql"
"$maskd" pipe -q < "$dir/case_pair.sql" > "$dir/case_pair.masked.sql"

fail=0
check() {
  if [ "$2" = "$3" ] && [ -n "$2" ] && [[ "$2" != *QUERY-FAILED* ]]; then echo "ok: $1"
  else echo "FAIL: $1: got '$2', want '$3'"; fail=1; fi
}
q() { psql -X -At -v ON_ERROR_STOP=1 -d "$1" -c "$2" 2>&1 || echo "QUERY-FAILED"; }

restore=$($psql -d dst -f "$dir/accounts.masked.sql" 2>&1 >/dev/null && echo restored || true)
check "the masked dump restores with UNIQUE on every masked column" "$restore" "restored"
check "every row arrived" "$(q dst 'select count(*) from accounts')" "$rows"
for col in email card ssn config_line short_email password; do
  check "$col: all distinct after masking" "$(q dst "select count(distinct $col) from accounts")" "$rows"
done
check "short emails fit varchar(12) without asterisks" "$(q dst "select count(*) from accounts where short_email like '%*%'")" "0"
# A token keeps the secret's punctuation (passwords here may hold '*'), so asterisks are counted.
stars="select sum(length(config_line) - length(replace(config_line, '*', ''))) || '/' || sum(length(config_line)) from accounts"
check "secrets keep their length, with no asterisk added" "$(q dst "$stars")" "$(q src "$stars")"
check "secrets keep their keyword" "$(q dst "select count(*) from accounts where config_line ~ '^(aws_secret_access_key|password|token)='")" "$rows"
check "passwords (a credential column) keep their length" \
  "$(q dst "select sum(length(password)) from accounts")" "$(q src "select sum(length(password)) from accounts")"
pg_dump -d dst --data-only -t accounts > "$dir/dst.sql"
check "original values left in the restored data" "$(grep -F -c -f "$dir/originals.txt" "$dir/dst.sql" || true)" "0"
"$maskd" pipe -q < "$dir/accounts.sql" > "$dir/accounts.masked.again.sql"
check "masking twice gives the same bytes" "$(cmp -s "$dir/accounts.masked.sql" "$dir/accounts.masked.again.sql" && echo same || echo differ)" "same"

# The case pair: email tokens keep case by default, so both addresses restore.
restore_pair=$($psql -d dst -f "$dir/case_pair.masked.sql" 2>&1 >/dev/null && echo restored || true)
check "case pair Ann@x.com / ann@x.com restores into UNIQUE(email)" "$restore_pair/$(q dst 'select count(*) from case_pair')" "restored/2"

[ $fail -eq 0 ] && echo "unique restore: all checks passed" || exit 1
