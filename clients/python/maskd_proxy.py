#!/usr/bin/env python3
"""A minimal PostgreSQL proxy that masks result sets through maskd (docs/protocol.md).

    python3 maskd_proxy.py --listen 127.0.0.1:6432 --upstream db.internal:5432 --maskd /run/maskd.sock
    python3 maskd_proxy.py --listen 127.0.0.1:6432 --upstream /var/run/postgresql:5432 --maskd /run/maskd.sock

--upstream is HOST:PORT for TCP, or DIR:PORT (DIR starting with '/') for the server's Unix socket
DIR/.s.PGSQL.PORT. Standard library only; one thread per direction per client connection.

What it does per client connection:
  - SSLRequest / GSSENCRequest: answers 'N' itself (never forwarded), reads the next startup packet;
  - CancelRequest: forwarded raw to the upstream on its own connection, then closed (not sent to maskd);
  - a startup packet asking for replication (`replication` other than false/off/no/0): refused;
  - otherwise: one maskd session (identity: user, database, application_name, client address);
    client -> server bytes: C frame first, then written upstream;
    server -> client bytes: S frame, the M answer is what the client gets.
  - any maskd error or loss of the maskd connection: FATAL ErrorResponse (SQLSTATE 08006) to the
    client and both connections closed; unmasked server bytes are never forwarded.
"""

from __future__ import annotations

import argparse
import os
import socket
import struct
import sys
import threading

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from maskd_client import MaskdClientError, MaskdError, MaskdSession  # noqa: E402

SSL_REQUEST = 80877103
GSSENC_REQUEST = 80877104
CANCEL_REQUEST = 80877102
MAX_STARTUP = 10000          # PostgreSQL's own limit on a startup packet
READ_SIZE = 64 * 1024

verbose = False


def log(msg: str):
    if verbose:
        print(f"maskd_proxy: {msg}", file=sys.stderr, flush=True)


def error_response(message: str, sqlstate: str = "08006", severity: str = "FATAL") -> bytes:
    body = b""
    for code, value in ((b"S", severity), (b"V", severity), (b"C", sqlstate), (b"M", message)):
        body += code + value.encode("utf-8", "replace").replace(b"\0", b"?") + b"\0"
    body += b"\0"
    return b"E" + struct.pack(">I", 4 + len(body)) + body


def recv_exact(sock: socket.socket, n: int) -> bytes:
    buf = bytearray()
    while len(buf) < n:
        chunk = sock.recv(n - len(buf))
        if not chunk:
            raise EOFError("client closed the connection during startup")
        buf += chunk
    return bytes(buf)


def read_startup(sock: socket.socket) -> tuple[bytes, int]:
    """One untyped startup-phase packet: (raw bytes, code)."""
    head = recv_exact(sock, 8)
    length, code = struct.unpack(">ii", head)
    if length < 8 or length > MAX_STARTUP:
        raise ValueError(f"invalid startup packet length {length}")
    return head + recv_exact(sock, length - 8), code


def startup_params(packet: bytes) -> dict[str, str]:
    items = packet[8:].split(b"\0")
    params = {}
    for i in range(0, len(items) - 1, 2):
        if not items[i]:
            break
        params[items[i].decode("utf-8", "replace")] = items[i + 1].decode("utf-8", "replace")
    return params


def connect_upstream(spec: str) -> socket.socket:
    host, _, port = spec.rpartition(":")
    if host.startswith("/"):
        s = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        s.connect(os.path.join(host, f".s.PGSQL.{port}"))
        return s
    s = socket.create_connection((host.strip("[]"), int(port)))
    s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    return s


def close_quietly(*socks):
    for s in socks:
        if s is None:
            continue
        try:
            s.shutdown(socket.SHUT_RDWR)
        except OSError:
            pass
        try:
            s.close()
        except OSError:
            pass


class Connection:
    def __init__(self, client: socket.socket, addr, args):
        self.client = client
        self.addr = addr
        self.args = args
        self.upstream: socket.socket | None = None
        self.session: MaskdSession | None = None
        self.lock = threading.Lock()     # guards `done` and writes to the client
        self.done = False

    # Fail closed: an ErrorResponse to the client (at a message boundary: every M payload is whole
    # messages), then everything closed. Never forwards anything else after this.
    def fail(self, message: str):
        with self.lock:
            if self.done:
                return
            self.done = True
            log(f"{self.addr}: failing closed: {message}")
            try:
                self.client.sendall(error_response(f"maskd: {message}"))
            except OSError:
                pass
        if self.session:
            self.session.close()
        close_quietly(self.upstream, self.client)

    def finish(self):
        with self.lock:
            if self.done:
                return
            self.done = True
        close_quietly(self.upstream, self.client)
        if self.session:
            self.session.close()

    def run(self):
        try:
            self.startup()
        except (EOFError, ConnectionError, ValueError) as e:
            log(f"{self.addr}: startup: {e}")
            close_quietly(self.client, self.upstream)
            if self.session:
                self.session.close()

    def startup(self):
        while True:
            packet, code = read_startup(self.client)
            if code in (SSL_REQUEST, GSSENC_REQUEST):
                self.client.sendall(b"N")
                continue
            break
        if code == CANCEL_REQUEST:
            up = connect_upstream(self.args.upstream)
            try:
                up.sendall(packet)
            finally:
                close_quietly(up, self.client)
            return
        params = startup_params(packet)
        if params.get("replication", "false").lower() not in ("false", "off", "no", "0"):
            self.client.sendall(error_response("replication connections are not supported through maskd",
                                               sqlstate="08004"))
            close_quietly(self.client)
            return
        identity = {"user": params.get("user")}
        identity["database"] = params.get("database") or params.get("user")
        if params.get("application_name"):
            identity["application"] = params["application_name"]
        if isinstance(self.addr, tuple) and self.addr:
            identity["client_addr"] = str(self.addr[0])
        try:
            self.session = MaskdSession.connect(self.args.maskd, identity)
        except (MaskdClientError, OSError) as e:
            self.client.sendall(error_response(f"maskd: {e}"))
            close_quietly(self.client)
            return
        log(f"{self.addr}: maskd session {self.session.session_id}")
        try:
            self.upstream = connect_upstream(self.args.upstream)
        except OSError as e:
            self.client.sendall(error_response(f"cannot reach the server: {e.strerror or e}"))
            close_quietly(self.client)
            self.session.close()
            return
        try:
            self.session.client_bytes(packet)        # C before the server sees the bytes
            self.upstream.sendall(packet)
        except MaskdClientError as e:
            self.fail(str(e))
            return
        except OSError as e:
            self.fail(f"server connection failed: {e.strerror or e}")
            return
        t = threading.Thread(target=self.client_to_server, daemon=True)
        t.start()
        self.server_to_client()

    def client_to_server(self):
        try:
            while True:
                data = self.client.recv(READ_SIZE)
                if not data:
                    # Client gone: let the server see EOF; server_to_client ends the session.
                    try:
                        self.upstream.shutdown(socket.SHUT_WR)
                    except OSError:
                        pass
                    return
                self.session.client_bytes(data)
                self.upstream.sendall(data)
        except MaskdClientError as e:
            self.fail(str(e))
        except OSError:
            # Either side closed: server_to_client sees it and ends the session.
            try:
                self.upstream.shutdown(socket.SHUT_WR)
            except OSError:
                pass

    def server_to_client(self):
        chunk = min(READ_SIZE, self.session.max_chunk)
        try:
            while True:
                try:
                    data = self.upstream.recv(chunk)
                except OSError:
                    data = b""
                if not data:
                    break
                masked = self.session.server_bytes(data)
                if masked:
                    with self.lock:
                        if self.done:
                            return
                        self.client.sendall(masked)
            if not self.done:
                rows, findings = self.session.end()
                log(f"{self.addr}: session {self.session.session_id} ended: {rows} rows, {findings} findings")
        except MaskdError as e:
            self.fail(e.message)
        except MaskdClientError as e:
            self.fail(str(e))
        except OSError as e:   # writing to the client failed
            log(f"{self.addr}: client write failed: {e}")
        finally:
            self.finish()


def parse_listen(spec: str):
    host, _, port = spec.rpartition(":")
    return host.strip("[]") or "127.0.0.1", int(port)


def main(argv=None):
    global verbose
    ap = argparse.ArgumentParser(description="Minimal PostgreSQL proxy masking result sets through maskd.")
    ap.add_argument("--listen", required=True, help="HOST:PORT to accept PostgreSQL clients on")
    ap.add_argument("--upstream", required=True, help="HOST:PORT, or /socket/dir:PORT for a Unix socket")
    ap.add_argument("--maskd", required=True, help="maskd's Unix socket (maskd serve --socket PATH)")
    ap.add_argument("-v", "--verbose", action="store_true", help="log sessions and failures on stderr")
    args = ap.parse_args(argv)
    verbose = args.verbose
    host, port = parse_listen(args.listen)
    family = socket.AF_INET6 if ":" in host else socket.AF_INET
    srv = socket.socket(family, socket.SOCK_STREAM)
    srv.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    srv.bind((host, port))
    srv.listen(128)
    print(f"maskd_proxy: listening on {host}:{srv.getsockname()[1]}, upstream {args.upstream}, maskd {args.maskd}",
          file=sys.stderr, flush=True)
    try:
        while True:
            client, addr = srv.accept()
            client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
            threading.Thread(target=Connection(client, addr, args).run, daemon=True).start()
    except KeyboardInterrupt:
        pass
    finally:
        srv.close()


if __name__ == "__main__":
    main()
