#!/usr/bin/python3
"""TLS server for bench/memory.sh (standard library only).

memory_server.py CHAIN KEY MINVER MAXVER DEFAULT_SIZE [TICKETS]

Listens on 127.0.0.1:0 and prints the port. For each connection: reads one
line; if it is a number N, sends N bytes, otherwise DEFAULT_SIZE bytes, in
ONE write (so one TLS record of that size, up to 16384, unless the client
negotiated max_fragment_length, which OpenSSL honours); then close_notify.
TICKETS: TLS 1.3 session tickets sent after the handshake (default 0).
"""
import socket
import ssl
import sys

VERSIONS = {"1.2": ssl.TLSVersion.TLSv1_2, "1.3": ssl.TLSVersion.TLSv1_3}


def serve(ctx, sock, default):
    while True:
        raw, _ = sock.accept()
        try:
            conn = ctx.wrap_socket(raw, server_side=True)
            line = b""
            while not line.endswith(b"\n"):
                chunk = conn.recv(4096)
                if not chunk:
                    break
                line += chunk
            first = line.split(b"\n", 1)[0].strip()
            size = int(first) if first.isdigit() else default
            conn.sendall(b"x" * size)
            conn.unwrap()
        except (ssl.SSLError, OSError):
            pass
        finally:
            raw.close()


def main():
    chain, key, vmin, vmax, default = sys.argv[1:6]
    tickets = int(sys.argv[6]) if len(sys.argv) > 6 else 0
    ctx = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    ctx.minimum_version = VERSIONS[vmin]
    ctx.maximum_version = VERSIONS[vmax]
    ctx.num_tickets = tickets
    ctx.load_cert_chain(chain, key)
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    print(sock.getsockname()[1], flush=True)
    serve(ctx, sock, int(default))


if __name__ == "__main__":
    main()
