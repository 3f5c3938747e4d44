#!/usr/bin/env python3
"""Turns a generated CSV corpus into a pg_dump plain-SQL script (CREATE TABLE + one COPY block in
PostgreSQL's text format), for measuring `maskd pipe --format pgdump` on the same data.
Usage: csv-to-pgdump.py IN.csv OUT.sql TABLE"""
import csv, sys

def escape(value):
    return (value.replace("\\", "\\\\").replace("\t", "\\t").replace("\n", "\\n").replace("\r", "\\r"))

src, dst, table = sys.argv[1], sys.argv[2], sys.argv[3]
csv.field_size_limit(1 << 30)
with open(src, newline="") as f, open(dst, "w", buffering=1 << 20) as out:
    reader = csv.reader(f)
    header = next(reader)
    out.write("--\n-- PostgreSQL database dump\n--\n\nSET statement_timeout = 0;\n\n")
    out.write(f"CREATE TABLE public.{table} (\n" + ",\n".join(f"    {c} text" for c in header) + "\n);\n\n")
    out.write(f"COPY public.{table} ({', '.join(header)}) FROM stdin;\n")
    for row in reader:
        out.write("\t".join("\\N" if v == "" else escape(v) for v in row) + "\n")
    out.write("\\.\n\n--\n-- PostgreSQL database dump complete\n--\n")
