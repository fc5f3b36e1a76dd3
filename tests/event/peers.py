#!/usr/bin/python3
"""Misbehaving peers for the event-driver tests (standard library only).

Each mode listens on 127.0.0.1 with a kernel-chosen port, prints
"ACCEPT 127.0.0.1:PORT" on stdout (as openssl s_server does) and serves
until killed.

  relay TARGET_PORT [--trickle] [--drop-after N] [--drop-first K] [--cut-ms MS]
      TCP relay to 127.0.0.1:TARGET_PORT (an openssl s_server).
      --trickle        server->client one byte per send, 1 ms apart
      --drop-after N   close both sides after N server->client bytes
                       (mid-handshake), for the first K connections
                       (--drop-first, default all)
      --cut-ms MS      close both sides (no close_notify) MS ms after
                       accepting, for the first K connections
  flood CERT KEY BYTES
      TLS server: after the handshake send BYTES of data, print "DONE"
      when the last byte was accepted by the kernel, then wait.
  sink CERT KEY
      TLS server: complete the handshake, then never read again.
  httpcut CERT KEY BYTES
      TLS server: read a request head, answer "200, Connection: close"
      with a close-delimited body of BYTES 'x', then end TCP without
      close_notify (a truncated body).
  httpbad CERT KEY KIND
      TLS server: read a request head, then misbehave (KIND):
        continue  "100 Continue" interim responses, endlessly
        blank     empty lines (CRLF) before any status line, endlessly
        trickle   "200, Content-Length: 100", then one body byte a second
        endless   "200, Connection: close", then 'x' endlessly
        biglen    "200, Content-Length: 1000000000", then 'x' endlessly
      until the client goes away.
"""
import socket
import ssl
import sys
import threading
import time


def listen():
    s = socket.socket(socket.AF_INET, socket.SOCK_STREAM)
    s.bind(("127.0.0.1", 0))
    s.listen(256)
    print("ACCEPT 127.0.0.1:%d" % s.getsockname()[1], flush=True)
    return s


def pump(src, dst, trickle, limit, on_done):
    sent = 0
    try:
        while True:
            data = src.recv(65536)
            if not data:
                break
            if limit is not None and sent + len(data) >= limit:
                dst.sendall(data[: limit - sent])
                break
            if trickle:
                for i in range(len(data)):
                    dst.sendall(data[i:i + 1])
                    time.sleep(0.001)
            else:
                dst.sendall(data)
            sent += len(data)
    except OSError:
        pass
    on_done()


def relay(argv):
    target = int(argv[0])
    trickle = "--trickle" in argv
    opt = lambda name: int(argv[argv.index(name) + 1]) if name in argv else None
    drop_after, drop_first, cut_ms = opt("--drop-after"), opt("--drop-first"), opt("--cut-ms")
    srv = listen()
    n = 0
    while True:
        client, _ = srv.accept()
        n += 1
        misbehave = drop_first is None or n <= drop_first
        upstream = socket.create_connection(("127.0.0.1", target))
        for s in (client, upstream):
            s.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)

        def close_both(a=client, b=upstream):
            for s in (a, b):
                try:
                    s.shutdown(socket.SHUT_RDWR)
                except OSError:
                    pass
                s.close()

        limit = drop_after if misbehave else None
        threading.Thread(target=pump, args=(upstream, client, trickle, limit, close_both),
                         daemon=True).start()
        threading.Thread(target=pump, args=(client, upstream, False, None, close_both),
                         daemon=True).start()
        if cut_ms is not None and misbehave:
            threading.Timer(cut_ms / 1000.0, close_both).start()


def tls_server(cert, key):
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.load_cert_chain(cert, key)
    return ctx


def serve(argv, handler):
    ctx = tls_server(argv[0], argv[1])
    srv = listen()
    while True:
        raw, _ = srv.accept()
        try:
            conn = ctx.wrap_socket(raw, server_side=True)
        except (OSError, ssl.SSLError):
            raw.close()
            continue
        threading.Thread(target=handler, args=(conn, argv[2:]), daemon=True).start()


def flood(conn, args):
    total = int(args[0])
    block = b"x" * 16384
    sent = 0
    try:
        while sent < total:
            part = block[: min(len(block), total - sent)]
            conn.sendall(part)
            sent += len(part)
        print("DONE %d" % sent, flush=True)
        conn.recv(1)  # until the client closes
    except (OSError, ssl.SSLError):
        pass


def sink(conn, args):
    time.sleep(3600)


def httpcut(conn, args):
    try:
        head = b""
        while b"\r\n\r\n" not in head:
            data = conn.recv(4096)
            if not data:
                return
            head += data
        conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n" + b"x" * int(args[0]))
        conn.shutdown(socket.SHUT_RDWR)  # SSLSocket.shutdown: no close_notify
    except (OSError, ssl.SSLError):
        pass
    conn.close()


def httpbad(conn, args):
    kind = args[0]
    try:
        head = b""
        while b"\r\n\r\n" not in head:
            data = conn.recv(4096)
            if not data:
                return
            head += data
        if kind == "continue":
            while True:
                conn.sendall(b"HTTP/1.1 100 Continue\r\n\r\n" * 64)
        elif kind == "blank":
            while True:
                conn.sendall(b"\r\n" * 1024)
        elif kind == "trickle":
            conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 100\r\n\r\n")
            for _ in range(100):
                time.sleep(1)
                conn.sendall(b"x")
        else:
            if kind == "endless":
                conn.sendall(b"HTTP/1.1 200 OK\r\nConnection: close\r\n\r\n")
            else:
                conn.sendall(b"HTTP/1.1 200 OK\r\nContent-Length: 1000000000\r\n\r\n")
            block = b"x" * 16384
            while True:
                conn.sendall(block)
    except (OSError, ssl.SSLError):
        pass
    conn.close()


def main():
    mode, argv = sys.argv[1], sys.argv[2:]
    if mode == "relay":
        relay(argv)
    elif mode == "flood":
        serve(argv, flood)
    elif mode == "httpcut":
        serve(argv, httpcut)
    elif mode == "httpbad":
        serve(argv, httpbad)
    elif mode == "sink":
        serve(argv, sink)
    else:
        sys.exit("unknown mode " + mode)


if __name__ == "__main__":
    main()
