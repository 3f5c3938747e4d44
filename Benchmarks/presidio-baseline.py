#!/usr/bin/env python3
"""Microsoft Presidio as a masking baseline for maskbench.

Reads the first rows of a CSV (header first), runs Presidio's AnalyzerEngine and AnonymizerEngine
on every non-empty cell, and prints one JSON object on stdout:

    {"bytes": B, "rows": R, "cells": C, "seconds": [...], "cpu_seconds": [...], "engine": "...", "entities": [...],
     "presidio_version": "...", "spans": [{"row": r, "column": c, "start": s, "end": e, "type": t}, ...]}

`bytes` is the size of the sampled CSV records as they are in the file (header excluded), so
bytes / seconds compares with maskd's MB/s on the same file. Spans use the corpus labels'
convention: 0-based data row and column, UTF-8 byte offsets into the unquoted cell value, and the
types email / credit_card / us_ssn. Presidio reports character offsets; they are converted here.

Presidio is slow (about 0.2 MB/s), so only a sample is read: the first --max-rows rows or the
rows within --max-bytes, whichever ends first. Its analyzer is asked only for the entities that
map to the corpus's types (EMAIL_ADDRESS, CREDIT_CARD, US_SSN): the configuration most favourable
to its speed; it has no recognizers for API keys or tokens. Its default NLP engine needs a spaCy
model (en_core_web_sm here); without one, Presidio's NoOpNlpEngine runs, which gives the pattern
recognizers no tokens or lemmas, so context words cannot raise scores (with the default score
threshold 0 every pattern match is kept either way). "engine" says which ran. The email
recognizer checks top-level domains with tldextract, which is pointed at its bundled snapshot of
the public suffix list, so the run needs no network.

Exit status: 0 with the JSON, 2 on bad usage, 3 when presidio_analyzer cannot be imported.
"""

import argparse
import csv
import json
import os
import sys
import time

# An empty list of URLs: tldextract's default extractor (made when it is imported) then uses the
# snapshot it ships instead of trying the network first on every run.
os.environ.setdefault("TLDEXTRACT_PUBLIC_SUFFIX_LIST_URLS", "")

ENTITY_TYPES = {"EMAIL_ADDRESS": "email", "CREDIT_CARD": "credit_card", "US_SSN": "us_ssn"}


def build_engines(spacy_model):
    """The analyzer and anonymizer, and a description of the NLP engine used."""
    from presidio_analyzer import AnalyzerEngine
    from presidio_anonymizer import AnonymizerEngine

    nlp_engine = None
    description = None
    if spacy_model:
        try:
            import spacy.util

            if spacy.util.is_package(spacy_model):
                from presidio_analyzer.nlp_engine import NlpEngineProvider

                provider = NlpEngineProvider(nlp_configuration={
                    "nlp_engine_name": "spacy",
                    "models": [{"lang_code": "en", "model_name": spacy_model}],
                })
                nlp_engine = provider.create_engine()
                description = f"spacy NLP engine with {spacy_model}"
        except ImportError:
            pass
    if nlp_engine is None:
        from presidio_analyzer.nlp_engine.no_op_nlp_engine import NoOpNlpEngine

        nlp_engine = NoOpNlpEngine(models=[{"lang_code": "en", "model_name": "none"}])
        description = (f"NoOpNlpEngine (no spaCy model {spacy_model} installed)" if spacy_model
                       else "NoOpNlpEngine")
    analyzer = AnalyzerEngine(nlp_engine=nlp_engine, supported_languages=["en"])
    return analyzer, AnonymizerEngine(), description


def read_sample(path, max_rows, max_bytes):
    """The sample's rows (lists of cell strings) and its size in bytes as stored in the file."""

    consumed = [0]

    def counted_lines(f):
        for line in f:
            consumed[0] += len(line.encode("utf-8"))
            yield line

    rows = []
    with open(path, encoding="utf-8", newline="") as f:
        reader = csv.reader(counted_lines(f))
        next(reader, None)  # header
        header_bytes = consumed[0]
        for row in reader:
            if len(rows) >= max_rows or (rows and consumed[0] - header_bytes > max_bytes):
                # This row was read past the budget; leave it out of both counts.
                break
            rows.append(row)
            sample_bytes = consumed[0] - header_bytes
    return rows, (sample_bytes if rows else 0)


def byte_offset(text, char_offset):
    """The UTF-8 byte offset of a character offset into text."""
    if text.isascii():
        return char_offset
    return len(text[:char_offset].encode("utf-8"))


def mask_sample(rows, analyzer, anonymizer, spans):
    """Analyzes and anonymizes every non-empty cell; appends found spans to `spans` if not None."""
    entities = list(ENTITY_TYPES)
    for r, row in enumerate(rows):
        for c, cell in enumerate(row):
            if not cell:
                continue
            results = analyzer.analyze(text=cell, language="en", entities=entities)
            anonymizer.anonymize(text=cell, analyzer_results=results)
            if spans is not None:
                for res in results:
                    spans.append({"row": r, "column": c, "start": byte_offset(cell, res.start),
                                  "end": byte_offset(cell, res.end), "type": ENTITY_TYPES[res.entity_type]})


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--csv", required=True, help="CSV file with a header row")
    parser.add_argument("--max-rows", type=int, default=2000, help="rows in the sample at most (default 2000)")
    parser.add_argument("--max-bytes", type=int, default=1_000_000,
                        help="bytes of CSV records in the sample at most (default 1000000)")
    parser.add_argument("--runs", type=int, default=1, help="timed runs over the sample (default 1)")
    parser.add_argument("--warmup", type=int, default=0, help="untimed runs first (default 0)")
    parser.add_argument("--spacy-model", default="en_core_web_sm",
                        help="spaCy model for Presidio's NLP engine if installed; '' for none")
    args = parser.parse_args()
    if args.runs < 1 or args.warmup < 0 or args.max_rows < 1 or args.max_bytes < 1:
        parser.error("--runs, --max-rows and --max-bytes must be at least 1, --warmup at least 0")
    try:
        import presidio_analyzer  # noqa: F401
        import presidio_anonymizer  # noqa: F401
    except ImportError as e:
        print(f"presidio-baseline: {e}", file=sys.stderr)
        return 3
    from importlib.metadata import version

    analyzer, anonymizer, engine = build_engines(args.spacy_model)
    rows, sample_bytes = read_sample(args.csv, args.max_rows, args.max_bytes)
    for _ in range(args.warmup):
        mask_sample(rows, analyzer, anonymizer, None)
    seconds = []
    cpu_seconds = []
    spans = []
    for run in range(args.runs):
        record = spans if run == 0 else None
        started, cpu_started = time.perf_counter(), time.process_time()
        mask_sample(rows, analyzer, anonymizer, record)
        seconds.append(time.perf_counter() - started)
        cpu_seconds.append(time.process_time() - cpu_started)
    json.dump({
        "bytes": sample_bytes,
        "rows": len(rows),
        "cells": sum(1 for row in rows for cell in row if cell),
        "seconds": seconds,
        "cpu_seconds": cpu_seconds,
        "engine": engine,
        "entities": list(ENTITY_TYPES),
        "presidio_version": version("presidio-analyzer"),
        "spans": spans,
    }, sys.stdout)
    sys.stdout.write("\n")
    return 0


if __name__ == "__main__":
    sys.exit(main())
