"""A client of the maskd session protocol, v1 (docs/protocol.md). Standard library only.

    from maskd_client import MaskdSession, MaskdError

    s = MaskdSession.connect("/run/maskd.sock", {"user": "alice", "database": "app"})
    s.client_bytes(startup_packet)          # before writing the same bytes to the server
    masked = s.server_bytes(chunk)          # S frame(s) out, M frame(s) back
    rows, findings = s.end()

Pipelined: ``send_server(b)`` sends one S frame, ``recv_masked()`` returns the next M payload
(one per S frame, in order). ``send_server`` never lets more S bytes be unanswered than maskd's
in-flight limit: when the next frame would exceed it, it first reads M answers into an internal
queue, which ``recv_masked`` drains first.

Thread-safety: one thread may send C frames while another sends S frames and reads M frames
(that is what maskd_proxy.py does); sends are serialised by a lock, reads by another.

This module never asks for the LZ4 capability (the standard library has no LZ4), so every frame
it accepts has flags = 0.

Run ``python3 maskd_client.py`` for a self-test against an in-process fake maskd.
"""

from __future__ import annotations

import collections
import os
import socket
import struct
import threading

__all__ = [
    "MaskdSession", "MaskdClientError", "MaskdError", "MaskdProtocolError",
    "MaskdConnectionError", "ERROR_NAMES", "PROTOCOL_MAJOR", "PROTOCOL_MINOR",
]

PROTOCOL_MAJOR = 1
PROTOCOL_MINOR = 0

# Frame kinds.
K_HELLO, K_CLIENT, K_SERVER, K_END = 0x48, 0x43, 0x53, 0x58          # H C S X   proxy -> maskd
K_WELCOME, K_MASKED, K_ERROR, K_ENDED = 0x68, 0x4D, 0x45, 0x78       # h M E x   maskd -> proxy
MASKD_KINDS = {K_WELCOME, K_MASKED, K_ERROR, K_ENDED}

FLAG_LZ4 = 0x01
CAP_LZ4 = 0x00000001

HEADER = struct.Struct(">BBHI")   # kind, flags, reserved, length
HEADER_SIZE = 8

ERROR_NAMES = {
    1: "unsupported_version", 2: "malformed_frame", 3: "frame_too_large", 4: "unexpected_frame",
    5: "backend_protocol", 6: "frontend_protocol", 7: "unsupported_session", 8: "limit_exceeded",
    9: "shutting_down", 10: "internal", 11: "decompression_failed", 12: "peer_refused",
}

# The largest payload this client accepts from maskd. An M payload may be larger than its S
# payload (tokens can be longer than the values they replace) and may carry a whole PostgreSQL
# message that was held back, which PostgreSQL limits to 1 GiB; the default leaves room above that.
DEFAULT_MAX_INCOMING = (1 << 30) + (1 << 24)


class MaskdClientError(Exception):
    """Base class: the session is unusable; fail closed."""


class MaskdError(MaskdClientError):
    """maskd sent an E frame."""

    def __init__(self, code: int, message: str):
        self.code = code
        self.message = message
        self.name = ERROR_NAMES.get(code, "unknown")
        super().__init__(f"maskd error {code} ({self.name}): {message}")


class MaskdProtocolError(MaskdClientError):
    """maskd sent something this client cannot accept (a protocol violation on maskd's side)."""


class MaskdConnectionError(MaskdClientError):
    """The maskd socket closed or failed."""


def encode_frame(kind: int, payload: bytes = b"", flags: int = 0) -> bytes:
    if len(payload) > 0xFFFFFFFF:
        raise ValueError("payload longer than 2^32-1 bytes")
    return HEADER.pack(kind, flags, 0, len(payload)) + payload


def _cstring(s: str, what: str) -> bytes:
    b = s.encode("utf-8")
    if b"\0" in b:
        raise ValueError(f"{what} contains a NUL byte")
    return b + b"\0"


def encode_hello(identity: dict | None = None, capabilities: int = 0,
                 major: int = PROTOCOL_MAJOR, minor: int = PROTOCOL_MINOR) -> bytes:
    """The H payload. identity maps key -> str, or key -> list of str for repeatable keys
    (group, role). Keys and values are UTF-8 without NUL; keys are non-empty."""
    out = bytearray(struct.pack(">HHI", major, minor, capabilities))
    for key, value in (identity or {}).items():
        if not key:
            raise ValueError("an identity key is empty")
        values = value if isinstance(value, (list, tuple)) else [value]
        for v in values:
            if v is None:
                continue
            out += _cstring(key, "identity key") + _cstring(str(v), f"identity value of {key!r}")
    out += b"\0"
    return bytes(out)


def _parse_cstring_to_end(payload: bytes, start: int, what: str) -> str:
    """A C-string that must end exactly at the end of the payload."""
    nul = payload.find(b"\0", start)
    if nul < 0:
        raise MaskdProtocolError(f"{what}: missing NUL terminator")
    if nul != len(payload) - 1:
        raise MaskdProtocolError(f"{what}: {len(payload) - 1 - nul} trailing byte(s) after the string")
    try:
        return payload[start:nul].decode("utf-8")
    except UnicodeDecodeError:
        raise MaskdProtocolError(f"{what}: not UTF-8") from None


def parse_error(payload: bytes) -> MaskdError:
    if len(payload) < 3:
        raise MaskdProtocolError(f"E frame: payload of {len(payload)} bytes, need at least 3")
    (code,) = struct.unpack_from(">H", payload, 0)
    return MaskdError(code, _parse_cstring_to_end(payload, 2, "E frame message"))


class Welcome:
    __slots__ = ("major", "minor", "capabilities", "max_frame_payload", "max_inflight", "session_id")

    def __init__(self, major, minor, capabilities, max_frame_payload, max_inflight, session_id):
        self.major, self.minor, self.capabilities = major, minor, capabilities
        self.max_frame_payload, self.max_inflight, self.session_id = max_frame_payload, max_inflight, session_id

    def __repr__(self):
        return (f"Welcome(v{self.major}.{self.minor}, caps={self.capabilities:#x}, "
                f"max_frame={self.max_frame_payload}, max_inflight={self.max_inflight}, "
                f"session_id={self.session_id!r})")


def parse_welcome(payload: bytes, wanted_caps: int) -> Welcome:
    if len(payload) < 17:
        raise MaskdProtocolError(f"h frame: payload of {len(payload)} bytes, need at least 17")
    major, minor, caps, max_frame, max_inflight = struct.unpack_from(">HHIII", payload, 0)
    if major != PROTOCOL_MAJOR:
        raise MaskdProtocolError(f"h frame: major version {major}, expected {PROTOCOL_MAJOR}")
    if minor > PROTOCOL_MINOR:
        raise MaskdProtocolError(f"h frame: minor version {minor} is above the {PROTOCOL_MINOR} offered")
    if caps & ~wanted_caps:
        raise MaskdProtocolError(f"h frame: capabilities {caps:#x} granted, only {wanted_caps:#x} wanted")
    if max_frame == 0:
        raise MaskdProtocolError("h frame: max frame payload is 0")
    session_id = _parse_cstring_to_end(payload, 16, "h frame session id")
    return Welcome(major, minor, caps, max_frame, max_inflight, session_id)


def parse_ended(payload: bytes) -> tuple[int, int]:
    if len(payload) != 16:
        raise MaskdProtocolError(f"x frame: payload of {len(payload)} bytes, expected 16")
    return struct.unpack(">QQ", payload)


class MaskdSession:
    """One PostgreSQL session = one connection to maskd."""

    def __init__(self, sock: socket.socket, max_incoming: int = DEFAULT_MAX_INCOMING):
        self._sock = sock
        self._max_incoming = max_incoming
        self._wlock = threading.Lock()
        self._rlock = threading.Lock()
        self._ready: collections.deque[bytes] = collections.deque()   # M payloads read ahead
        self._inflight: collections.deque[int] = collections.deque()  # sizes of unanswered S frames
        self._inflight_bytes = 0
        self._ended = False        # X sent
        self._closed = False
        self._failure: MaskdClientError | None = None
        self.welcome: Welcome | None = None

    # -- setup -------------------------------------------------------------------------------

    @classmethod
    def connect(cls, path: str, identity: dict | None = None, session_id: str | None = None,
                timeout: float | None = None, max_incoming: int = DEFAULT_MAX_INCOMING) -> "MaskdSession":
        """Connect to maskd's Unix socket, send Hello and read Welcome (or raise MaskdError)."""
        sock = socket.socket(socket.AF_UNIX, socket.SOCK_STREAM)
        try:
            sock.settimeout(timeout)
            sock.connect(path)
        except OSError as e:
            sock.close()
            raise MaskdConnectionError(f"cannot connect to maskd at {path}: {e.strerror or e}") from None
        session = cls(sock, max_incoming)
        try:
            session.handshake(identity, session_id)
        except BaseException:
            session.close()
            raise
        return session

    def handshake(self, identity: dict | None = None, session_id: str | None = None) -> Welcome:
        ident = dict(identity or {})
        if session_id is not None:
            ident["session_id"] = session_id
        self._send(encode_frame(K_HELLO, encode_hello(ident, capabilities=0)))
        with self._rlock:
            kind, payload = self._read_frame()
            if kind == K_ERROR:
                raise self._fail(parse_error(payload))
            if kind != K_WELCOME:
                raise self._fail(MaskdProtocolError(f"expected h or E after Hello, got kind {kind:#04x}"))
            try:
                self.welcome = parse_welcome(payload, wanted_caps=0)
            except MaskdProtocolError as e:
                raise self._fail(e) from None
        return self.welcome

    @property
    def session_id(self) -> str | None:
        return self.welcome.session_id if self.welcome else None

    @property
    def max_chunk(self) -> int:
        """The largest S payload worth sending in one frame."""
        w = self.welcome
        if w is None:
            raise MaskdClientError("no Welcome yet")
        return max(1, min(w.max_frame_payload, w.max_inflight or w.max_frame_payload))

    # -- I/O primitives ----------------------------------------------------------------------

    def _fail(self, err: MaskdClientError) -> MaskdClientError:
        if self._failure is None:
            self._failure = err
        self._closed = True
        try:
            self._sock.close()
        except OSError:
            pass
        return err

    def _check_usable(self):
        if self._failure is not None:
            raise self._failure
        if self._closed:
            raise MaskdClientError("session closed")

    def _send(self, data: bytes):
        with self._wlock:
            self._check_usable()
            try:
                self._sock.sendall(data)
            except OSError as e:
                # maskd closes right after an E frame; if one is waiting, report it instead.
                raise self._fail(self._pending_error() or
                                 MaskdConnectionError(f"maskd connection lost while sending: {e.strerror or e}")) from None

    def _pending_error(self) -> MaskdError | None:
        if not self._rlock.acquire(blocking=False):
            return None
        try:
            self._sock.settimeout(1.0)
            while True:
                kind, payload = self._read_frame()
                if kind == K_ERROR:
                    return parse_error(payload)
                if kind != K_MASKED:
                    return None
        except (MaskdClientError, OSError):
            return None
        finally:
            self._rlock.release()

    def _recv_exact(self, n: int) -> bytes:
        buf = bytearray()
        while len(buf) < n:
            try:
                chunk = self._sock.recv(min(n - len(buf), 1 << 20))
            except OSError as e:
                raise MaskdConnectionError(f"maskd connection lost while reading: {e.strerror or e}") from None
            if not chunk:
                where = "between frames" if not buf and n == HEADER_SIZE else "inside a frame"
                raise MaskdConnectionError(f"maskd closed the connection ({where})")
            buf += chunk
        return bytes(buf)

    def _read_frame(self) -> tuple[int, bytes]:
        """Read and validate one frame header; return (kind, payload). Caller holds _rlock."""
        kind, flags, reserved, length = HEADER.unpack(self._recv_exact(HEADER_SIZE))
        if kind not in MASKD_KINDS:
            raise MaskdProtocolError(f"unknown frame kind {kind:#04x}")
        if flags & FLAG_LZ4:
            raise MaskdProtocolError("LZ4-compressed frame, but LZ4 was never granted")
        if flags:
            raise MaskdProtocolError(f"undefined flag bits {flags:#04x}")
        if reserved:
            raise MaskdProtocolError(f"reserved field is {reserved:#06x}, must be 0")
        if length > self._max_incoming:
            raise MaskdProtocolError(f"frame payload of {length} bytes is over this client's limit of {self._max_incoming}")
        return kind, (self._recv_exact(length) if length else b"")

    def _read_expected(self, expected: int, what: str) -> bytes:
        """Read one frame that must be `expected` (or an E, which fails the session); return its payload."""
        try:
            kind, payload = self._read_frame()
        except MaskdClientError as e:
            raise self._fail(e) from None
        if kind == K_ERROR:
            raise self._fail(parse_error(payload))
        if kind != expected:
            raise self._fail(MaskdProtocolError(f"expected {what}, got kind {kind:#04x}"))
        return payload

    def _read_answer(self) -> bytes:
        """Read the M answering the oldest unanswered S. Caller holds _rlock."""
        payload = self._read_expected(K_MASKED, "M or E")
        if not self._inflight:
            raise self._fail(MaskdProtocolError("M frame with no S frame unanswered"))
        self._inflight_bytes -= self._inflight.popleft()
        return payload

    # -- the session -------------------------------------------------------------------------

    def client_bytes(self, data: bytes):
        """Send bytes the client sent toward the server (C frames; no answer). Call it BEFORE
        writing the same bytes to the server."""
        if self._ended:
            raise MaskdClientError("session already ended")
        step = self.welcome.max_frame_payload
        for i in range(0, len(data), step):
            self._send(encode_frame(K_CLIENT, data[i:i + step]))

    def send_server(self, data: bytes):
        """Send one S frame (len(data) <= max_chunk). Its M comes from recv_masked()."""
        if self._ended:
            raise MaskdClientError("session already ended")
        if len(data) > self.max_chunk:
            raise ValueError(f"S payload of {len(data)} bytes is over max_chunk ({self.max_chunk}); use server_bytes")
        limit = self.welcome.max_inflight
        if limit:
            while self._inflight and self._inflight_bytes + len(data) > limit:
                with self._rlock:
                    self._ready.append(self._read_answer())
        with self._wlock:   # keep the in-flight record in send order
            self._inflight.append(len(data))
            self._inflight_bytes += len(data)
        self._send(encode_frame(K_SERVER, data))

    def recv_masked(self) -> bytes:
        """The next M payload (answers come in S order). Raises MaskdError on an E frame."""
        if self._ready:
            return self._ready.popleft()
        if not self._inflight:
            raise MaskdClientError("recv_masked with no S frame unanswered")
        with self._rlock:
            self._check_usable()
            return self._read_answer()

    def server_bytes(self, data: bytes) -> bytes:
        """Send server bytes (split into frames as needed) and return the masked bytes for them.
        Answers of S frames sent earlier with send_server() and not yet received are discarded
        by nothing: they come first, so call this only when nothing is pipelined."""
        if self._inflight or self._ready:
            raise MaskdClientError("server_bytes with pipelined S frames unanswered; use recv_masked")
        step = self.max_chunk
        out = []
        for i in range(0, max(len(data), 1), step):
            self.send_server(data[i:i + step])
        while self._inflight or self._ready:
            out.append(self.recv_masked())
        return b"".join(out)

    def end(self) -> tuple[int, int]:
        """Send X, collect the M answers still due (discarded: call recv_masked first if you
        need them) and the x frame; return (data rows masked, findings). Closes the session."""
        if self._ended:
            raise MaskdClientError("session already ended")
        self._ended = True
        self._send(encode_frame(K_END))
        with self._rlock:
            while self._inflight:
                self._read_answer()
            payload = self._read_expected(K_ENDED, "x or E after End")
            try:
                result = parse_ended(payload)
            except MaskdProtocolError as e:
                raise self._fail(e) from None
        self.close()
        return result

    def close(self):
        """Close the connection without End (maskd treats it as an abnormal session end)."""
        self._closed = True
        try:
            self._sock.close()
        except OSError:
            pass

    def fileno(self) -> int:
        return self._sock.fileno()

    def __enter__(self):
        return self

    def __exit__(self, *exc):
        self.close()


# ---------------------------------------------------------------------------------------------
# Self-test: a fake maskd (echoes S as M, upper-cases nothing, counts frames) over a socketpair,
# plus the strictness checks and the worked example of docs/protocol.md.

def _fake_maskd(sock: socket.socket, script=None, max_frame=1 << 20, max_inflight=4 << 20):
    """Minimal maskd: Hello -> Welcome, C ignored, S echoed as M, X -> x. `script` may replace
    the answer to the n-th S frame (a callable taking (n, payload) and returning raw bytes)."""
    def recv_exact(n):
        b = bytearray()
        while len(b) < n:
            c = sock.recv(n - len(b))
            if not c:
                raise EOFError
            b += c
        return bytes(b)
    try:
        n_s = 0
        c_bytes = 0
        while True:
            kind, flags, reserved, length = HEADER.unpack(recv_exact(8))
            payload = recv_exact(length)
            if kind == K_HELLO:
                major, minor, caps = struct.unpack_from(">HHI", payload)
                items = payload[8:].split(b"\0")
                assert items[-2:] == [b"", b""], items
                attrs = items[:-2]
                ident = dict(zip(attrs[0::2], attrs[1::2]))
                sid = ident.get(b"session_id", b"generated-0001")
                if major != 1:
                    sock.sendall(encode_frame(K_ERROR, struct.pack(">H", 1) + b"unsupported major version\0"))
                    return
                sock.sendall(encode_frame(K_WELCOME, struct.pack(">HHIII", 1, min(minor, 0), 0, max_frame, max_inflight) + sid + b"\0"))
            elif kind == K_CLIENT:
                c_bytes += length
            elif kind == K_SERVER:
                n_s += 1
                sock.sendall(script(n_s, payload) if script else encode_frame(K_MASKED, payload))
            elif kind == K_END:
                sock.sendall(encode_frame(K_ENDED, struct.pack(">QQ", n_s, c_bytes)))
                return
    except (EOFError, OSError):
        pass
    finally:
        sock.close()


def _pair(**kw):
    a, b = socket.socketpair(socket.AF_UNIX, socket.SOCK_STREAM)
    t = threading.Thread(target=_fake_maskd, args=(b,), kwargs=kw, daemon=True)
    t.start()
    return MaskdSession(a), t


def _example_bytes():
    """The worked example of docs/protocol.md, built from first principles."""
    def msg(t, body):
        return t + struct.pack(">I", 4 + len(body)) + body
    hello = encode_frame(K_HELLO, encode_hello({"user": "alice", "database": "app", "application": "psql"}))
    welcome = encode_frame(K_WELCOME, struct.pack(">HHIII", 1, 0, 0, 1 << 20, 4 << 20) + b"3f2a9c1e0b7d4e58\0")
    query = msg(b"Q", b"SELECT email FROM users\0")
    c = encode_frame(K_CLIENT, query)
    rowdesc = msg(b"T", struct.pack(">H", 1) + b"email\0" + struct.pack(">IHIhiH", 16384, 2, 25, -1, -1, 0))
    datarow = msg(b"D", struct.pack(">HI", 1, 15) + b"ann@example.com")
    cc = msg(b"C", b"SELECT 1\0")
    rfq = msg(b"Z", b"I")
    s = encode_frame(K_SERVER, rowdesc + datarow + cc + rfq)
    err = encode_frame(K_ERROR, struct.pack(">H", 5) + b"message 1 (DataRow) at byte offset 7: cell length 16 runs past the message end\0")
    end = encode_frame(K_END)
    ended = encode_frame(K_ENDED, struct.pack(">QQ", 1, 1))
    return dict(hello=hello, welcome=welcome, c=c, s=s, rowdesc=rowdesc, datarow=datarow, cc=cc, rfq=rfq,
                error=err, end=end, ended=ended)


def _selftest():
    import traceback
    passed = failed = 0

    def check(name, fn):
        nonlocal passed, failed
        try:
            fn()
            passed += 1
        except Exception:
            failed += 1
            print(f"FAIL: {name}")
            traceback.print_exc()

    def basic():
        s, t = _pair()
        w = s.handshake({"user": "alice", "database": "app", "group": ["g1", "g2"]}, session_id="sid-7")
        assert (w.major, w.minor, w.capabilities, w.session_id) == (1, 0, 0, "sid-7"), w
        s.client_bytes(b"\0\0\0\x08\0\x03\0\0")
        assert s.server_bytes(b"hello") == b"hello"
        assert s.server_bytes(b"") == b""
        assert s.end() == (2, 8)
        t.join(2)

    def pipelined():
        s, t = _pair(max_inflight=10)
        s.handshake()
        assert s.session_id == "generated-0001"
        for i in range(20):
            s.send_server(bytes([65 + i]) * 4)    # 4 bytes each, at most 2 in flight
            assert s._inflight_bytes <= 10
        got = [s.recv_masked() for _ in range(20)]
        assert got == [bytes([65 + i]) * 4 for i in range(20)], got
        assert s.end() == (20, 0)

    def splitting():
        s, t = _pair(max_frame=7, max_inflight=100)
        s.handshake()
        data = bytes(range(50))
        assert s.server_bytes(data) == data
        assert s.end()[0] == 8     # ceil(50 / 7) S frames

    def error_frame():
        s, t = _pair(script=lambda n, p: encode_frame(K_ERROR, struct.pack(">H", 5) + b"message 3 at byte offset 12\0"))
        s.handshake()
        try:
            s.server_bytes(b"x")
            raise AssertionError("no MaskdError")
        except MaskdError as e:
            assert (e.code, e.name, e.message) == (5, "backend_protocol", "message 3 at byte offset 12")
        try:
            s.client_bytes(b"y")
            raise AssertionError("session still usable after E")
        except MaskdError:
            pass

    def bad(frame, needle):
        def run():
            s, t = _pair(script=lambda n, p: frame)
            s.handshake()
            try:
                s.server_bytes(b"x")
                raise AssertionError("accepted a bad frame")
            except MaskdProtocolError as e:
                assert needle in str(e), str(e)
        return run

    def version_refused():
        a, b = socket.socketpair()
        threading.Thread(target=_fake_maskd, args=(b,), daemon=True).start()
        s = MaskdSession(a)
        s._send(encode_frame(K_HELLO, encode_hello({}, major=2)))
        with s._rlock:
            kind, payload = s._read_frame()
        e = parse_error(payload)
        assert kind == K_ERROR and e.code == 1, (kind, e)

    def hello_encoding():
        assert encode_hello({}) == b"\0\x01\0\0\0\0\0\0\0"
        assert encode_hello({"role": ["a", "b"]}) == b"\0\x01\0\0\0\0\0\0role\0a\0role\0b\0\0"
        for badid in ({"": "x"}, {"user": "a\0b"}, {"us\0er": "a"}):
            try:
                encode_hello(badid)
                raise AssertionError(f"accepted {badid!r}")
            except ValueError:
                pass

    def welcome_strict():
        good = struct.pack(">HHIII", 1, 0, 0, 100, 100) + b"id\0"
        assert parse_welcome(good, 0).session_id == "id"
        for payload, needle in [
            (struct.pack(">HHIII", 2, 0, 0, 100, 100) + b"id\0", "major"),
            (struct.pack(">HHIII", 1, 1, 0, 100, 100) + b"id\0", "minor"),
            (struct.pack(">HHIII", 1, 0, 1, 100, 100) + b"id\0", "capabilities"),
            (struct.pack(">HHIII", 1, 0, 0, 0, 100) + b"id\0", "max frame"),
            (struct.pack(">HHIII", 1, 0, 0, 100, 100) + b"id", "NUL"),
            (struct.pack(">HHIII", 1, 0, 0, 100, 100) + b"id\0z", "trailing"),
            (struct.pack(">HHII", 1, 0, 0, 100), "at least"),
        ]:
            try:
                parse_welcome(payload, 0)
                raise AssertionError(f"accepted {payload!r}")
            except MaskdProtocolError as e:
                assert needle in str(e), (needle, str(e))

    def connection_loss():
        s, t = _pair(script=lambda n, p: b"")   # fake answers nothing, then we close its end
        s.handshake()
        s.send_server(b"abc")
        s._sock.shutdown(socket.SHUT_WR)         # fake sees EOF, closes
        try:
            s.recv_masked()
            raise AssertionError("no error on EOF")
        except MaskdConnectionError:
            pass

    def example():
        ex = _example_bytes()
        assert ex["hello"].hex() == ("48000000000000320001000000000000"
                                     "7573657200616c69636500646174616261736500617070006170706c69636174696f6e007073716c0000")
        w = parse_welcome(ex["welcome"][8:], 0)
        assert (w.max_frame_payload, w.max_inflight, w.session_id) == (1 << 20, 4 << 20, "3f2a9c1e0b7d4e58")
        assert ex["c"].hex() == "430000000000001d510000001c53454c45435420656d61696c2046524f4d20757365727300"
        assert len(ex["s"]) - 8 == 31 + 26 + 14 + 6
        assert parse_error(ex["error"][8:]).code == 5
        assert parse_ended(ex["ended"][8:]) == (1, 1)

    check("basic session", basic)
    check("pipelined S frames within the in-flight limit", pipelined)
    check("S split by max frame payload", splitting)
    check("E frame raises MaskdError and poisons the session", error_frame)
    check("unknown kind rejected", bad(encode_frame(0x51, b""), "unknown frame kind"))
    check("LZ4 flag rejected", bad(encode_frame(K_MASKED, b"x", flags=1), "LZ4"))
    check("undefined flag rejected", bad(encode_frame(K_MASKED, b"x", flags=4), "flag"))
    check("reserved field rejected", bad(HEADER.pack(K_MASKED, 0, 1, 0), "reserved"))
    check("x in place of M rejected", bad(encode_frame(K_ENDED, bytes(16)), "expected M or E"))
    check("h in place of M rejected", bad(encode_frame(K_WELCOME, b""), "expected M or E"))
    check("E without NUL rejected", bad(encode_frame(K_ERROR, b"\0\x05abc"), "NUL"))
    check("truncated E rejected", bad(encode_frame(K_ERROR, b"\0"), "at least 3"))
    check("unsupported major answered with E 1", version_refused)
    check("Hello encoding", hello_encoding)
    check("Welcome parsing is strict", welcome_strict)
    check("connection loss raises MaskdConnectionError", connection_loss)
    check("docs/protocol.md worked example", example)
    print(f"{passed} passed, {failed} failed")
    return failed == 0


if __name__ == "__main__":
    import sys
    sys.exit(0 if _selftest() else 1)
