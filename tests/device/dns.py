#!/usr/bin/env python3
"""tests/device/dns.py NAME ADDR LOG — a DNS server for one name, for the
device tests: lwIP's resolver on the emulated board asks 10.0.2.2:53 (the
host's 127.0.0.1:53 through QEMU's user network). Answers A queries for
NAME with ADDR, an empty NOERROR for NAME's other types, NXDOMAIN for any
other name; appends each question ("NAME TYPE") to LOG. Prints "ready" once
listening; needs port 53 (root). Not a general DNS server: one question
per query, no compression in questions (what lwIP sends)."""
import socket
import struct
import sys

name, addr, log = sys.argv[1].lower().rstrip("."), sys.argv[2], sys.argv[3]
sock = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
sock.bind(("127.0.0.1", 53))
print("ready", flush=True)


def question(msg):
    labels, i = [], 12
    while msg[i] != 0:
        n = msg[i]
        labels.append(msg[i + 1:i + 1 + n].decode("ascii", "replace"))
        i += 1 + n
    qtype, _ = struct.unpack("!HH", msg[i + 1:i + 5])
    return ".".join(labels).lower(), qtype, i + 5


while True:
    msg, peer = sock.recvfrom(512)
    if len(msg) < 17:
        continue
    qid, flags, qd = struct.unpack("!HHH", msg[:6])
    if qd != 1 or flags & 0x8000:
        continue
    qname, qtype, end = question(msg)
    with open(log, "a") as f:
        f.write(f"{qname} {qtype}\n")
    rcode = 0 if qname == name else 3
    answers = b""
    if rcode == 0 and qtype == 1:
        answers = struct.pack("!HHHIH", 0xC00C, 1, 1, 60, 4) + socket.inet_aton(addr)
    header = struct.pack("!HHHHHH", qid, 0x8180 | rcode, 1, 1 if answers else 0, 0, 0)
    sock.sendto(header + msg[12:end] + answers, peer)
