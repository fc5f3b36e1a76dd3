#!/usr/bin/python3
"""tests/hostile/hostile.py — a scriptable misbehaving TLS server for tlsc's tests.

    hostile.py SCENARIO [--upstream PORT] [--k N] [--size N] [--count N] ...

Listens on 127.0.0.1 (port chosen by the kernel), prints "LISTEN 127.0.0.1:PORT"
on stdout, serves ONE client connection according to SCENARIO (or
--connections N, one after the other), logs on stderr what it did (one line
per record it forwarded, injected or dropped), and exits.

Two kinds of scenario (see SCENARIOS below and tests/hostile/README.md):

  raw     no TLS at all: after the client's first bytes (its ClientHello) the
          script answers with crafted record framing (headers, zero bytes,
          garbage) or with nothing. Test scaffolding only: it never builds a
          handshake message or does any cryptography.
  relay   a record-level man in the middle in front of a real TLS server
          (--upstream PORT, e.g. `openssl s_server`): it parses the TLS record
          headers of both directions and rewrites the server's stream — cuts it
          after the k-th record, injects an alert, a HelloRequest or empty
          records, re-fragments or merges plaintext handshake records,
          trickles bytes.
          It can only touch what is in clear: record headers, and the payload
          of records sent before encryption starts (all TLS 1.2 handshake
          messages up to ChangeCipherSpec; only the ServerHello in TLS 1.3).

Python 3 standard library only (run with /usr/bin/python3).
"""
import argparse
import socket
import struct
import sys
import threading
import time

HANDSHAKE, ALERT, CCS, APPDATA = 22, 21, 20, 23
TYPE_NAMES = {20: "change_cipher_spec", 21: "alert", 22: "handshake", 23: "application_data"}
HS_NAMES = {0: "HelloRequest", 1: "ClientHello", 2: "ServerHello", 4: "NewSessionTicket",
            8: "EncryptedExtensions", 11: "Certificate", 12: "ServerKeyExchange",
            13: "CertificateRequest", 14: "ServerHelloDone", 15: "CertificateVerify",
            20: "Finished"}


def log(msg):
    sys.stderr.write("hostile: %s\n" % msg)
    sys.stderr.flush()


def record(rtype, payload, version=b"\x03\x03"):
    """One TLS record: type, legacy version, 16-bit length, payload."""
    return struct.pack("!B2sH", rtype, version, len(payload)) + payload


def describe(rtype, payload, encrypted):
    name = TYPE_NAMES.get(rtype, "type %d" % rtype)
    if rtype == HANDSHAKE and not encrypted and payload:
        name += " " + HS_NAMES.get(payload[0], "hs %d" % payload[0])
    if rtype == ALERT and not encrypted and len(payload) == 2:
        name += " level %d desc %d" % (payload[0], payload[1])
    return "%s (%d bytes)" % (name, len(payload))


class Stream:
    """Reads whole TLS records from a socket (5-byte header + payload)."""

    def __init__(self, sock):
        self.sock = sock
        self.buf = b""

    def _fill(self, n):
        while len(self.buf) < n:
            try:
                data = self.sock.recv(65536)
            except OSError:
                data = b""
            if not data:
                return False
            self.buf += data
        return True

    def next_record(self):
        """(type, payload) or None at end of stream / on a truncated record."""
        if not self._fill(5):
            return None
        rtype, _, length = struct.unpack("!B2sH", self.buf[:5])
        if not self._fill(5 + length):
            return None
        payload, self.buf = self.buf[5:5 + length], self.buf[5 + length:]
        return rtype, payload


def send(sock, data, what):
    try:
        sock.sendall(data)
        return True
    except OSError as e:
        log("client gone while sending %s: %s" % (what, e))
        return False


def finish(client, hold):
    """End the connection without close_notify: FIN (not RST: drain what the
    client still sends), then wait up to `hold` seconds for the client to
    close its side."""
    try:
        client.shutdown(socket.SHUT_WR)
    except OSError:
        pass
    client.settimeout(0.2)
    deadline = time.monotonic() + hold
    while time.monotonic() < deadline:
        try:
            if not client.recv(65536):
                break
        except socket.timeout:
            continue
        except OSError:
            break
    client.close()
    log("closed the connection (no close_notify)")


def hold_open(client, seconds):
    """Read and discard whatever the client sends, answer nothing, until it
    closes or `seconds` pass."""
    client.settimeout(0.2)
    deadline = time.monotonic() + seconds
    while time.monotonic() < deadline:
        try:
            if not client.recv(65536):
                log("client closed")
                return
        except socket.timeout:
            continue
        except OSError:
            return
    log("hold time over")


# ---- raw scenarios: no upstream ---------------------------------------------------


def read_client_hello(client, args):
    rec = Stream(client).next_record()
    if rec is None:
        log("client sent no complete record")
        return False
    log("client record: %s" % describe(rec[0], rec[1], False))
    return True


def raw_silent(client, args):
    """Accept, read, never answer."""
    hold_open(client, args.hold)


def raw_garbage(client, args):
    """Answer the ClientHello with bytes that are not TLS (an HTTP error)."""
    if not read_client_hello(client, args):
        return
    data = args.garbage.encode().decode("unicode_escape").encode("latin-1")
    if send(client, data, "garbage"):
        log("sent %d bytes of garbage" % len(data))
    hold_open(client, args.hold)


def raw_bigrecord(client, args):
    """A record header announcing --size bytes of type --type, then that many
    zero bytes (the client may stop reading at the header)."""
    if not read_client_hello(client, args):
        return
    header = struct.pack("!BBBH", args.type, 3, 3, args.size)
    log("sending a record header: type %d, length %d" % (args.type, args.size))
    if send(client, header, "header"):
        send(client, bytes(args.size), "body")
    hold_open(client, args.hold)


def raw_zeros(client, args):
    """--count zero-length records of type --type in answer to the ClientHello."""
    if not read_client_hello(client, args):
        return
    data = record(args.type, b"") * args.count
    if send(client, data, "empty records"):
        log("sent %d empty records of type %d" % (args.count, args.type))
    hold_open(client, args.hold)


# ---- relay scenarios: in front of --upstream ---------------------------------------


class Relay:
    """Forwards records both ways; the scenario decides, for each record the
    server sends, what the client gets instead (on_server_record)."""

    def __init__(self, client, upstream, args):
        self.client, self.upstream, self.args = client, upstream, args
        self.server_records = 0
        self.client_appdata = 0     # client records of type 23 so far
        self.server_encrypted = False  # after the server's ChangeCipherSpec / in TLS 1.3
        self.done = False
        self.pending = b""          # plaintext handshake bytes held back (coalesce)

    def client_to_server(self):
        stream = Stream(self.client)
        encrypted = False
        while not self.done:
            rec = stream.next_record()
            if rec is None:
                break
            if rec[0] == APPDATA:
                self.client_appdata += 1
            log("client record: %s" % describe(rec[0], rec[1], encrypted or rec[0] == APPDATA))
            encrypted = encrypted or rec[0] == CCS
            try:
                self.upstream.sendall(record(rec[0], rec[1]))
            except OSError:
                break
        self.done = True
        try:
            self.upstream.shutdown(socket.SHUT_WR)
        except OSError:
            pass

    def forward(self, rtype, payload, note="forwarded"):
        log("server record %d: %s %s" % (self.server_records, describe(
            rtype, payload, self.server_encrypted or rtype == APPDATA), note))
        return send(self.client, record(rtype, payload), "a record")

    def inject(self, rtype, payload, what):
        log("injected %s: %s" % (what, describe(rtype, payload, False)))
        return send(self.client, record(rtype, payload), what)

    def run(self, scenario):
        threading.Thread(target=self.client_to_server, daemon=True).start()
        stream = Stream(self.upstream)
        while not self.done:
            rec = stream.next_record()
            if rec is None:
                log("server closed after %d records" % self.server_records)
                break
            self.server_records += 1
            rtype, payload = rec
            # TLS 1.3 ServerHello: everything after it is encrypted (outer type 23).
            tls13_hello = (rtype == HANDSHAKE and not self.server_encrypted and
                           payload[:1] == b"\x02" and b"\x00\x2b\x00\x02\x03\x04" in payload)
            if scenario(self, rtype, payload) is False:
                break
            if rtype == CCS or tls13_hello:
                self.server_encrypted = True
        self.done = True
        finish(self.client, self.args.hold)
        self.upstream.close()


def relay_pass(r, rtype, payload):
    """Forward unchanged (baseline: the handshake must succeed)."""
    return r.forward(rtype, payload)


def relay_close_after(r, rtype, payload):
    """Forward the first --k server records, then close without an alert."""
    if r.server_records > r.args.k:
        log("server record %d dropped: closing after %d" % (r.server_records, r.args.k))
        return False
    ok = r.forward(rtype, payload)
    return ok and r.server_records < r.args.k


def relay_alert_after(r, rtype, payload):
    """Forward the first --k server records, then a plaintext fatal alert
    --alert (default handshake_failure) in place of the next one, then close."""
    if r.server_records <= r.args.k:
        return r.forward(rtype, payload)
    r.inject(ALERT, bytes([2, r.args.alert]), "a fatal alert")
    return False


def relay_fragment(r, rtype, payload):
    """Split every plaintext handshake record into records of --size bytes."""
    if rtype != HANDSHAKE or r.server_encrypted:
        return r.forward(rtype, payload)
    pieces = [payload[i:i + r.args.size] for i in range(0, len(payload), r.args.size)]
    log("server record %d: %s split into %d records of <= %d bytes" % (
        r.server_records, describe(rtype, payload, False), len(pieces), r.args.size))
    return send(r.client, b"".join(record(rtype, p) for p in pieces), "fragments")


def flight_over(data):
    """Whether data (handshake messages) ends with a whole ServerHelloDone,
    or a whole TLS 1.3 ServerHello: the server waits for the client or
    encrypts what follows, so nothing is to be merged with it."""
    i, last = 0, None
    while i + 4 <= len(data):
        last = data[i:i + 4 + int.from_bytes(data[i + 1:i + 4], "big")]
        i += len(last)
    if i != len(data) or last is None:
        return False
    return last[0] == 14 or (last[0] == 2 and b"\x00\x2b\x00\x02\x03\x04" in last)


def flush_pending(r):
    """Send the held-back handshake bytes in records of at most 16384."""
    data, r.pending = r.pending, b""
    if not data:
        return True
    pieces = [data[i:i + 16384] for i in range(0, len(data), 16384)]
    log("server handshake bytes merged into %d record(s) of %s bytes" % (
        len(pieces), ",".join(str(len(p)) for p in pieces)))
    return send(r.client, b"".join(record(HANDSHAKE, p) for p in pieces), "merged records")


def relay_coalesce(r, rtype, payload):
    """Merge the server's plaintext handshake records into one record per
    flight: the framing of a server that ignores max_fragment_length (a
    server honouring an offer of 512 sends records of <= 512 bytes; the
    client then sees one larger record). Legal framing otherwise: record
    boundaries are not part of the handshake transcript."""
    if rtype == HANDSHAKE and not r.server_encrypted:
        log("server record %d: %s held back" % (r.server_records,
                                                describe(rtype, payload, False)))
        r.pending += payload
        return flush_pending(r) if flight_over(r.pending) else True
    return flush_pending(r) and r.forward(rtype, payload)


def relay_zeros_after(r, rtype, payload):
    """After --k server records, inject --count empty records of --type."""
    if r.server_records == r.args.k + 1:
        data = record(r.args.type, b"") * r.args.count
        log("injected %d empty records of type %d" % (r.args.count, r.args.type))
        if not send(r.client, data, "empty records"):
            return False
    return r.forward(rtype, payload)


def relay_oversize_after(r, rtype, payload):
    """After --k server records, a record header of type --type announcing
    --size bytes, and that many zero bytes (once encryption has started this
    tests the input buffer's limit for protected records)."""
    if r.server_records <= r.args.k:
        return r.forward(rtype, payload)
    log("injected a record header: type %d, length %d" % (r.args.type, r.args.size))
    send(r.client, struct.pack("!BBBH", r.args.type, 3, 3, r.args.size), "header")
    send(r.client, bytes(r.args.size), "body")
    return False


def relay_hello_request_after(r, rtype, payload):
    """After --k server records, inject a plaintext HelloRequest (renegotiation
    request; only meaningful before encryption, i.e. during a TLS 1.2
    handshake: RFC 5246 7.4.1.1 says a negotiating client ignores it)."""
    if r.server_records == r.args.k + 1:
        if not r.inject(HANDSHAKE, b"\x00\x00\x00\x00", "a HelloRequest"):
            return False
    return r.forward(rtype, payload)


def relay_trickle(r, rtype, payload):
    """Deliver the server's bytes one at a time, --delay seconds apart."""
    data = record(rtype, payload)
    log("server record %d: %s trickled" % (r.server_records, describe(rtype, payload, True)))
    for i in range(len(data)):
        if r.done or not send(r.client, data[i:i + 1], "a byte"):
            return False
        time.sleep(r.args.delay)
    return True


def relay_truncate(r, rtype, payload):
    """Once the client has sent --count application_data records (its TLS 1.3
    Finished counts as one), forward the server's next application_data
    record, then close without close_notify."""
    armed = rtype == APPDATA and r.client_appdata >= r.args.count
    if not r.forward(rtype, payload):
        return False
    if armed:
        log("data delivered; now closing without close_notify")
        return False
    return True


SCENARIOS = {
    "silent": (raw_silent, False),
    "garbage": (raw_garbage, False),
    "bigrecord": (raw_bigrecord, False),
    "zeros": (raw_zeros, False),
    "pass": (relay_pass, True),
    "close-after": (relay_close_after, True),
    "alert-after": (relay_alert_after, True),
    "fragment": (relay_fragment, True),
    "coalesce": (relay_coalesce, True),
    "zeros-after": (relay_zeros_after, True),
    "hello-request-after": (relay_hello_request_after, True),
    "oversize-after": (relay_oversize_after, True),
    "trickle": (relay_trickle, True),
    "truncate": (relay_truncate, True),
}


def parse_args():
    p = argparse.ArgumentParser(description="misbehaving TLS server for tlsc's tests")
    p.add_argument("scenario", choices=sorted(SCENARIOS))
    p.add_argument("--upstream", type=int, help="port of the real server (relay scenarios)")
    p.add_argument("--k", type=int, default=0, help="number of server records before acting")
    p.add_argument("--size", type=int, default=1, help="record size (bigrecord, fragment)")
    p.add_argument("--count", type=int, default=1, help="how many (zeros, truncate)")
    p.add_argument("--type", type=int, default=HANDSHAKE, help="record content type")
    p.add_argument("--alert", type=int, default=40, help="alert description (alert-after)")
    p.add_argument("--delay", type=float, default=1.0, help="seconds between bytes (trickle)")
    p.add_argument("--hold", type=float, default=30.0,
                   help="longest time to keep a connection open, seconds")
    p.add_argument("--garbage", default="HTTP/1.1 400 Bad Request\\r\\n\\r\\n")
    p.add_argument("--lifetime", type=float, default=60.0,
                   help="give up when no client came within this many seconds")
    p.add_argument("--connections", type=int, default=1,
                   help="serve this many connections, one after the other")
    args = p.parse_args()
    if SCENARIOS[args.scenario][1] and args.upstream is None:
        p.error("scenario %s needs --upstream PORT" % args.scenario)
    if args.connections < 1:
        p.error("--connections must be at least 1")
    if not 0 <= args.size <= 65535:
        p.error("--size must be 0..65535 (a record length is 16 bits)")
    return args


def serve(client, fn, is_relay, args):
    client.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    log("client connected; scenario %s" % args.scenario)
    if not is_relay:
        fn(client, args)
        client.close()
        return
    upstream = socket.create_connection(("127.0.0.1", args.upstream), timeout=10)
    upstream.settimeout(None)
    upstream.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
    Relay(client, upstream, args).run(fn)


def main():
    args = parse_args()
    fn, is_relay = SCENARIOS[args.scenario]
    listener = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    listener.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    listener.bind(("127.0.0.1", 0))
    listener.listen(1)
    listener.settimeout(args.lifetime)
    print("LISTEN 127.0.0.1:%d" % listener.getsockname()[1], flush=True)
    for n in range(args.connections):
        try:
            client, _ = listener.accept()
        except socket.timeout:
            log("no client within %.0f s" % args.lifetime)
            return 1 if n == 0 else 0
        if n == args.connections - 1:
            listener.close()  # a client after the last is refused, not queued
        serve(client, fn, is_relay, args)
    return 0


if __name__ == "__main__":
    sys.exit(main())
