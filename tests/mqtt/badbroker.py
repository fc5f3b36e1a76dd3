#!/usr/bin/env python3
"""badbroker.py CERT KEY SCRIPT... — a scripted MQTT "broker" over TLS on
127.0.0.1 (port chosen by the kernel, printed as "PORT n"). Connection k
gets SCRIPT k: after the client's CONNECT arrives, the script's bytes are
sent, then the broker waits for the client to close. Standard library
only; it frames nothing itself, the bytes are the test — except the
script "count": CONNACK, then the PUBLISH packets that arrive within 1.5 s
are counted (never acknowledged) and printed as "PUBLISHES n" before the
connection is closed (the client's in-flight window, tests/mqtt/cli.sh)."""
import socket, ssl, sys, time

CONNACK = b"\x20\x02\x00\x00"
SCRIPTS = {
    "badlen": CONNACK + b"\x30\xff\xff\xff\xff\x01",
    "wrongid": CONNACK + b"\x40\x02\x00\x4d",
    "twice": CONNACK + CONNACK,
    "before": b"\x90\x03\x00\x01\x00",
    "refuse": b"\x20\x02\x00\x05",
    "toolarge": CONNACK + b"\x30\xa0\x8d\x06\x00\x01t",
    "badutf8": CONNACK + b"\x30\x05\x00\x02\xc0\xafx",
    "badflags": CONNACK + b"\xd1\x00",
    "silent": b"",
    # 5.0: an assigned client id and a topic alias learnt, then used, then
    # an alias never learnt
    "alias5": b"\x20\x0b\x00\x00\x08\x12\x00\x05dev42"
              + b"\x30\x0a\x00\x03a/b\x03\x23\x00\x01x"
              + b"\x30\x07\x00\x00\x03\x23\x00\x01y"
              + b"\x30\x07\x00\x00\x03\x23\x00\x02z",
    # 5.0: a refusal with a reason string
    "refuse5": b"\x20\x14\x00\x87\x11\x1f\x00\x0edevice blocked",
    # 5.0: the broker ends the session with a reason
    "disc5": b"\x20\x03\x00\x00\x00" + b"\xe0\x0c\x8b\x0a\x1f\x00\x07" + b"bye now",
}

def count_publishes(c, first):
    """PUBLISH packets in the bytes arriving for 1.5 s (after first)."""
    buf, n, end = bytearray(first), 0, time.monotonic() + 1.5
    while True:
        while len(buf) >= 2:
            size, mult, i = 0, 1, 1
            while i < len(buf) and i <= 4:
                size += (buf[i] & 0x7F) * mult
                mult *= 128
                i += 1
                if not buf[i - 1] & 0x80:
                    break
            else:
                break
            if len(buf) < i + size:
                break
            n += (buf[0] >> 4) == 3
            del buf[:i + size]
        left = end - time.monotonic()
        if left <= 0:
            return n
        c.settimeout(left)
        try:
            data = c.recv(4096)
        except (socket.timeout, TimeoutError):
            return n
        if not data:
            return n
        buf += data

def main():
    cert, key, scripts = sys.argv[1], sys.argv[2], sys.argv[3:]
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(4)
    print("PORT %d" % ls.getsockname()[1], flush=True)
    for name in scripts:
        raw, _ = ls.accept()
        try:
            c = ctx.wrap_socket(raw, server_side=True)
            c.settimeout(10)
            connect = c.recv(4096)  # CONNECT (and maybe what follows)
            if name == "count":
                c.sendall(CONNACK)
                # the CONNECT's own bytes are not a PUBLISH: skip them
                skip = 2 + connect[1] if len(connect) > 1 and connect[1] < 128 else len(connect)
                print("PUBLISHES %d" % count_publishes(c, connect[skip:]), flush=True)
                c.close()  # raw was detached by wrap_socket: close the TLS socket
                continue
            c.sendall(SCRIPTS[name])
            print("SENT %s" % name, flush=True)
            while c.recv(4096):
                pass
        except (OSError, ssl.SSLError) as e:
            print("END %s %s" % (name, e), flush=True)
        finally:
            raw.close()

main()
