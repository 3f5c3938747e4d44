"""A result set as PostgreSQL's backend sends it to a simple query, for the benchmark tables' wire
forms (table-shapes.py, one-shape-tables.py): a RowDescription of text columns, a DataRow per row
(every value as text, none NULL), CommandComplete and ReadyForQuery."""
import struct


def message(kind, body):
    return kind + struct.pack(">i", len(body) + 4) + body


def write_text_table(out, header, rows):
    """Writes `header` (column names) and `rows` (lists of str) to the binary file `out`."""
    body = struct.pack(">h", len(header))
    for name in header:
        body += name.encode() + b"\0" + struct.pack(">ihihih", 0, 0, 25, -1, -1, 0)
    out.write(message(b"T", body))
    count = 0
    for row in rows:
        cells = struct.pack(">h", len(row))
        for value in row:
            encoded = value.encode()
            cells += struct.pack(">i", len(encoded)) + encoded
        out.write(message(b"D", cells))
        count += 1
    out.write(message(b"C", b"SELECT %d\0" % count))
    out.write(message(b"Z", b"I"))
