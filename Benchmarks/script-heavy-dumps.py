#!/usr/bin/env python3
"""Writes pg_dump scripts that are mostly script text, the shapes behind RESULTS.md's figures for
dumps of many short lines (twenty-sixth session):

  comments.sql   the golden sample, then 200,000 `COMMENT ON COLUMN … IS '…';` lines (13.6 MB)
  objects.sql    the golden sample, 2,000 large-object `lowrite` lines of 16 KiB (64 MB of hex), then the
                 200,000 comment lines (79 MB)
  tables.sql     the golden sample, then 20,000 tables as pg_dump writes them: a CREATE TABLE and an
                 ALTER … OWNER each, then a one-row COPY block each (6.6 MB)

Usage: Benchmarks/script-heavy-dumps.py DIR, then e.g.
  CLOCK=task-clock Benchmarks/compare-files.sh BASE HEAD 3 DIR/comments.sql DIR/objects.sql DIR/tables.sql
"""
import os, random, sys

ROOT = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
out_dir = sys.argv[1] if len(sys.argv) > 1 else "."
golden = open(os.path.join(ROOT, "Tests", "maskdTests", "Golden", "sample.sql"), "rb").read()
comments = b"".join(b"COMMENT ON COLUMN public.t%d.c IS 'note %d with it''s text';\n" % (i, i) for i in range(200000))

with open(os.path.join(out_dir, "comments.sql"), "wb") as f:
    f.write(golden + comments)

r = random.Random(1)
chunk = bytes(r.getrandbits(8) for _ in range(16384))
lowrite = b"SELECT pg_catalog.lowrite(0, '\\x" + chunk.hex().encode() + b"');\n"
with open(os.path.join(out_dir, "objects.sql"), "wb") as f:
    f.write(golden + b"SELECT pg_catalog.lo_open('16387', 131072);\n")
    for _ in range(2000):
        f.write(lowrite)
    f.write(b"SELECT pg_catalog.lo_close(0);\n" + comments)

with open(os.path.join(out_dir, "tables.sql"), "wb") as f:
    f.write(golden)
    for i in range(20000):
        f.write(b"\n--\n-- Name: t%d; Type: TABLE; Schema: public; Owner: postgres\n--\n\nCREATE TABLE public.t%d (\n"
                b"    id integer,\n    email text\n);\n\n\nALTER TABLE public.t%d OWNER TO postgres;\n" % (i, i, i))
    for i in range(20000):
        f.write(b"\n--\n-- Data for Name: t%d; Type: TABLE DATA; Schema: public; Owner: postgres\n--\n\n"
                b"COPY public.t%d (id, email) FROM stdin;\n1\tuser%d@example.com\n\\.\n\n" % (i, i, i))
