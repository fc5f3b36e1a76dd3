#!/usr/bin/env python3
"""cutrelay.py UPSTREAM_PORT CUT_AFTER — a TCP relay on 127.0.0.1 (port
chosen by the kernel, printed as "PORT n") in front of a server. The FIRST
connection is cut abruptly (RST, no TLS close_notify) once CUT_AFTER bytes
have gone from the server to the client; later connections are relayed
whole. Prints "CUT" when it cuts and "CONN n" for each connection, so a
test can see the cut and the reconnection. Standard library only."""
import selectors, socket, struct, sys, threading

def relay(client, upstream_port, cut_after, log):
    server = socket.create_connection(("127.0.0.1", upstream_port))
    sent = 0
    sel = selectors.DefaultSelector()
    sel.register(client, selectors.EVENT_READ, server)
    sel.register(server, selectors.EVENT_READ, client)
    try:
        while True:
            for key, _ in sel.select():
                src, dst = key.fileobj, key.data
                data = src.recv(65536)
                if not data:
                    return
                if src is server and cut_after is not None:
                    if sent + len(data) >= cut_after:
                        dst.sendall(data[: cut_after - sent])
                        log("CUT")
                        for s in (client, server):  # RST: SO_LINGER 0
                            s.setsockopt(socket.SOL_SOCKET, socket.SO_LINGER, struct.pack("ii", 1, 0))
                        return
                    sent += len(data)
                dst.sendall(data)
    except OSError:
        pass
    finally:
        client.close()
        server.close()

def main():
    upstream, cut_after = int(sys.argv[1]), int(sys.argv[2])
    lock = threading.Lock()
    def log(msg):
        with lock:
            print(msg, flush=True)
    ls = socket.socket()
    ls.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
    ls.bind(("127.0.0.1", 0))
    ls.listen(16)
    log("PORT %d" % ls.getsockname()[1])
    n = 0
    while True:
        c, _ = ls.accept()
        n += 1
        log("CONN %d" % n)
        threading.Thread(target=relay, args=(c, upstream, cut_after if n == 1 else None, log),
                         daemon=True).start()

main()
