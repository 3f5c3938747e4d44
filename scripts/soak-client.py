#!/usr/bin/env python3
"""The soak's clients, policy reloads and measurements (driven by scripts/soak; standard library only).

  soak-client.py seed DIR ROWS       writes DIR/customers.tsv and DIR/pii.txt (every original value, one a line)
  soak-client.py run CONFIG.json     runs the soak and writes a JSON summary to stdout

Clients speak the PostgreSQL protocol themselves (simple query, COPY TO STDOUT), so every byte maskd
sends is seen: each client appends what it receives to a capture file, and full files are searched
with `grep -F -f pii.txt` (every seeded original, byte for byte) and then deleted.
"""
import json, os, queue, random, re, signal, socket, struct, subprocess, sys, threading, time, urllib.request

INTEGRATION_DIR = os.path.join(os.path.dirname(os.path.abspath(__file__)), "..", "Tests", "Integration")


# ---------------------------------------------------------------------------------------------------
# Seed data: labelled PII of every built-in type, in columns and in prose.
def seed(directory, rows):
    sys.path.insert(0, INTEGRATION_DIR)
    import testdata
    r = random.Random(2026_12_01)
    firsts = ["ines", "tomasz", "keiko", "omar", "zuri", "pavel", "adaeze", "noor", "bjorn", "lucille", "amaru", "sigrid"]
    lasts = ["vance", "okoye", "lindqvist", "moreau", "tanaka", "haddad", "ferreira", "kowalczyk", "abara", "quist"]
    domains = ["brightwater-soak.com", "quillmere-soak.org", "harbourline-soak.net", "saltmarsh-soak.io"]
    alnum = "ABCDEFGHIJKLMNOPQRSTUVWXYZ234567"

    def email(i, tag=""):
        return f"{r.choice(firsts)}.{r.choice(lasts)}{tag}{i}@{r.choice(domains)}"

    def ssn():
        return f"{r.choice([a for a in range(100, 900) if a != 666]):03d}-{r.randrange(1, 100):02d}-{r.randrange(1, 10000):04d}"

    def card():
        return testdata.luhn_complete(r, r.choice(["4", "51", "52", "55", "2221"]), 16)

    pii = []
    with open(os.path.join(directory, "customers.tsv"), "w") as out:
        for i in range(1, rows + 1):
            e, e2, s, c = email(i), email(i, "x"), ssn(), card()
            aws = "AKIA" + "".join(r.choice(alnum) for _ in range(16))
            note = r.choice([
                f"forward invoices to {e2}; SSN {s} on file",
                f"paid by card {c}, receipt to {e2}",
                f"rotated key {aws} after the audit; contact {e2}",
                f"plain note {i}, nothing sensitive (ticket #{r.randrange(10000, 99999)})",
            ])
            out.write("\t".join([str(i), e, s, c, note]) + "\n")
            pii += [e, e2, s, c, aws]
    with open(os.path.join(directory, "pii.txt"), "w") as out:
        out.write("\n".join(sorted(set(pii))) + "\n")


# ---------------------------------------------------------------------------------------------------
# A PostgreSQL client at the byte level.
class Closed(Exception):
    """The server (maskd proxy) closed the connection."""


class PGError(Exception):
    def __init__(self, sqlstate):
        super().__init__(sqlstate)
        self.sqlstate = sqlstate


class Client:
    def __init__(self, port, capture):
        self.capture = capture
        self.sock = socket.create_connection(("127.0.0.1", port), timeout=60)
        self.buf = bytearray()
        params = b"user\0postgres\0database\0soak\0application_name\0soak\0\0"
        self.sock.sendall(struct.pack("!ii", 8 + len(params), 196608) + params)
        while True:
            kind, payload = self.message()
            if kind == b"E":
                raise PGError(sqlstate(payload))
            if kind == b"Z":
                return

    def recv(self):
        data = self.sock.recv(1 << 16)
        if not data:
            raise Closed()
        self.capture.write(data)
        self.buf += data

    def message(self):
        while len(self.buf) < 5:
            self.recv()
        length = struct.unpack("!i", self.buf[1:5])[0]
        while len(self.buf) < 1 + length:
            self.recv()
        kind, payload = bytes(self.buf[0:1]), bytes(self.buf[5:1 + length])
        del self.buf[:1 + length]
        return kind, payload

    def query(self, sql):
        """Runs one simple query to its ReadyForQuery: (result sets, rows, SQLSTATE of an error or None)."""
        body = sql.encode() + b"\0"
        self.sock.sendall(b"Q" + struct.pack("!i", 4 + len(body)) + body)
        results, rows, error = 0, 0, None
        while True:
            kind, payload = self.message()
            if kind in (b"D", b"d"):
                rows += 1
            elif kind == b"C":
                results += 1
            elif kind == b"E":
                error = sqlstate(payload)
            elif kind == b"Z":
                return results, rows, error

    def abandon(self):
        """Hangs up with the answer unread (a reset, as a killed client's kernel sends)."""
        self.sock.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
        self.sock.close()

    def close(self):
        try:
            self.sock.sendall(b"X\0\0\0\4")
        except OSError:
            pass
        self.sock.close()


def sqlstate(payload):
    for field in payload.split(b"\0"):
        if field[:1] == b"C":
            return field[1:].decode(errors="replace")
    return "?"


# ---------------------------------------------------------------------------------------------------
def queries(r, rows):
    a = r.randrange(1, rows)
    k = r.choice([1, 5, 50, 500, 2000])
    return r.choice([
        f"SELECT id, email, ssn, card, note FROM customers WHERE id BETWEEN {a} AND {a + k}",
        f"SELECT * FROM customers ORDER BY id LIMIT {k}",
        f"SELECT note || ' / ' || email AS mixed FROM customers WHERE id % 7 = {a % 7} LIMIT {k}",
        f"COPY (SELECT id, email, card FROM customers WHERE id > {a} LIMIT {k}) TO STDOUT",
        f"COPY (SELECT email, note FROM customers LIMIT {k}) TO STDOUT WITH (FORMAT csv)",
        # The server's error message echoes the value (invalid input syntax for type integer: "…").
        f"SELECT email::int FROM customers WHERE id = {a}",
        f"SELECT ssn::date FROM customers WHERE id = {a}",
    ])


class Counters:
    def __init__(self):
        self.lock = threading.Lock()
        self.values = {}
        self.errors = {}

    def add(self, name, n=1):
        with self.lock:
            self.values[name] = self.values.get(name, 0) + n

    def error(self, kind):
        with self.lock:
            self.errors[kind] = self.errors.get(kind, 0) + 1


class Captures:
    """Capture files per client, searched for every original once full (or at the end) and deleted."""

    def __init__(self, directory, pii, limit):
        self.directory, self.pii, self.limit = directory, pii, limit
        self.pending = queue.Queue()
        self.lock = threading.Lock()
        self.searched_bytes = 0
        self.leaks = set()
        self.worker = threading.Thread(target=self.search_loop, daemon=True)
        self.worker.start()

    def open(self, client, n):
        return open(os.path.join(self.directory, f"capture-{client}-{n}"), "wb")

    def hand_over(self, f):
        f.close()
        self.pending.put(f.name)

    def search_loop(self):
        while True:
            path = self.pending.get()
            if path is None:
                return
            size = os.path.getsize(path)
            # Byte-exact in the C locale (with -i and 25,000 patterns GNU grep takes gigabytes and minutes).
            found = subprocess.run(["grep", "-a", "-o", "-F", "-f", self.pii, path], capture_output=True,
                                   env=dict(os.environ, LC_ALL="C")).stdout
            with self.lock:
                self.searched_bytes += size
                for line in found.decode(errors="replace").splitlines():
                    self.leaks.add(line)
            os.unlink(path)

    def finish(self):
        self.pending.put(None)
        self.worker.join()


def client_loop(number, config, deadline, counters, captures):
    r = random.Random(number)
    n = 0
    capture = captures.open(number, n)
    client = None
    while time.time() < deadline:
        phase = "startup"
        try:
            if client is None:
                client = Client(config["proxy_port"], capture)
                counters.add("sessions")
            sql = queries(r, config["rows"])
            phase = "query: " + sql[:60]
            if r.random() < config["disconnect_probability"]:
                # Ask, read the first bytes of the answer, hang up.
                body = sql.encode() + b"\0"
                client.sock.sendall(b"Q" + struct.pack("!i", 4 + len(body)) + body)
                client.recv()
                client.abandon()
                client = None
                counters.add("disconnects")
            else:
                results, rows, error = client.query(sql)
                counters.add("result_sets", results)
                counters.add("rows", rows)
                counters.add("queries")
                if error:
                    counters.error(f"ErrorResponse {error}")
                if r.random() < 0.05:
                    client.close()
                    client = None
        except Closed:
            counters.error("connection closed by maskd")
            client = None
        except PGError as e:
            counters.error(f"startup ErrorResponse {e.sqlstate}")
            client = None
        except socket.timeout:
            counters.error("timeout (60 s)")
            # Which phase and when, so the daemons' logs can be read at that moment.
            print(f"soak-client {number}: timeout at {time.strftime('%H:%M:%S')} during {phase}", file=sys.stderr, flush=True)
            client = None
        except (ConnectionError, OSError) as e:
            counters.error(f"socket: {type(e).__name__}")
            client = None
            time.sleep(0.1)
        if capture.tell() > captures.limit:
            captures.hand_over(capture)
            n += 1
            capture = captures.open(number, n)
            if client is not None:
                client.capture = capture
    if client is not None:
        client.close()
    captures.hand_over(capture)


POLICIES = [
    ("valid", "version: 1\ndefaults: {email: tokenize, credit_card: tokenize, us_ssn: tokenize, secret: redact}\n"),
    ("invalid", "version: 1\ndefaults: {email: unmask}\n"),
    ("valid", "version: 1\ndefaults: {email: hash, credit_card: \"partial:4\", us_ssn: redact, secret: redact}\n"),
    ("invalid", "version: 1\ndefaults: {email: tokenize\n"),
]


def reload_loop(config, deadline, counters):
    i = 1
    while True:
        time.sleep(config["reload_seconds"])
        if time.time() >= deadline:
            return
        kind, text = POLICIES[i % len(POLICIES)]
        i += 1
        tmp = config["policy"] + ".new"
        with open(tmp, "w") as f:
            f.write(text)
        os.rename(tmp, config["policy"])
        for pid in config["reload_pids"]:
            os.kill(pid, signal.SIGHUP)
        counters.add(f"reloads_{kind}")


def process_sample(pid):
    with open(f"/proc/{pid}/status") as f:
        fields = dict(line.split(":", 1) for line in f if ":" in line)
    return {"rss_kb": int(fields["VmRSS"].split()[0]), "hwm_kb": int(fields["VmHWM"].split()[0]),
            "fds": len(os.listdir(f"/proc/{pid}/fd")), "threads": int(fields["Threads"])}


def metrics(port):
    try:
        text = urllib.request.urlopen(f"http://127.0.0.1:{port}/metrics", timeout=5).read().decode()
    except OSError:
        return {}
    out = {}
    for line in text.splitlines():
        if line.startswith("#") or " " not in line:
            continue
        name, value = line.rsplit(" ", 1)
        if name.startswith(("maskd_rows_total", "maskd_sessions_started_total", "maskd_findings_total", "maskd_session_errors_total",
                            "maskd_server_bytes_in_total", "maskd_masked_bytes_out_total")):
            try:
                out[name] = float(value)
            except ValueError:
                pass
    return out


def run(config_path):
    config = json.load(open(config_path))
    processes = config["processes"]   # name -> pid
    counters = Counters()
    captures = Captures(config["dir"], config["pii"], 8 << 20)
    samples = {name: [] for name in processes}
    idle_before = {name: process_sample(pid) for name, pid in processes.items()}
    started = time.time()
    deadline = started + config["minutes"] * 60
    threads = [threading.Thread(target=client_loop, args=(i, config, deadline, counters, captures))
               for i in range(config["clients"])]
    threads.append(threading.Thread(target=reload_loop, args=(config, deadline, counters)))
    for t in threads:
        t.start()
    while time.time() < deadline:
        time.sleep(min(5, max(0, deadline - time.time())))
        for name, pid in processes.items():
            s = process_sample(pid)
            s["t"] = round(time.time() - started, 1)
            samples[name].append(s)
        if config.get("progress"):
            print(f"  {time.time() - started:6.0f} s  sessions {counters.values.get('sessions', 0)}  "
                  f"result sets {counters.values.get('result_sets', 0)}  "
                  + "  ".join(f"{n} rss {s[-1]['rss_kb'] // 1024} MB fds {s[-1]['fds']}" for n, s in samples.items()),
                  file=sys.stderr, flush=True)
    for t in threads:
        t.join()
    time.sleep(3)   # sessions close; the daemons release their descriptors
    idle_after = {name: process_sample(pid) for name, pid in processes.items()}
    captures.finish()
    json.dump({"seconds": round(time.time() - started), "counters": counters.values, "errors": counters.errors,
               "samples": samples, "idle_before": idle_before, "idle_after": idle_after,
               "searched_bytes": captures.searched_bytes, "leaks": sorted(captures.leaks),
               "metrics": metrics(config["metrics_port"]) if config.get("metrics_port") else {}}, sys.stdout)


if __name__ == "__main__":
    if len(sys.argv) == 4 and sys.argv[1] == "seed":
        seed(sys.argv[2], int(sys.argv[3]))
    elif len(sys.argv) == 3 and sys.argv[1] == "run":
        run(sys.argv[2])
    else:
        sys.exit(__doc__)
