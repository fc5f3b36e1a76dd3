#!/usr/bin/python3
"""Certificate chain shapes for tlsc's path building, generated at test time.

Usage: gen.py OUTDIR

Writes one directory per shape, each with:
  leaf.pem leaf.key   the server's certificate (SAN localhost, 127.0.0.1) and key
  inter.pem           the intermediates the server sends, in the order it sends them
  chain.pem           leaf.pem + inter.pem (what `tlsc verify --chain` reads)
  ca.pem              the trust anchors; some shapes have other trust files too
and OUTDIR/shapes.txt: "SHAPE TRUSTFILE EXPECT" per case (EXPECT: ok or an
error substring). EC P-256 keys (RSA-2048 for the GlobalSign-style root),
SHA-256, the profile tlsc's lint wants (AKI/SKI, critical basicConstraints,
serverAuth EKU on the leaf). Needs python3-cryptography (Debian package).
"""
import datetime
import os
import sys

from cryptography import x509
from cryptography.hazmat.primitives import hashes, serialization
from cryptography.hazmat.primitives.asymmetric import ec, rsa
from cryptography.x509.oid import ExtendedKeyUsageOID, NameOID

NOW = datetime.datetime.now(datetime.timezone.utc).replace(tzinfo=None)
DAY = datetime.timedelta(days=1)
SERIAL = [1000]


def key(kind="ec"):
    if kind == "rsa":
        return rsa.generate_private_key(public_exponent=65537, key_size=2048)
    return ec.generate_private_key(ec.SECP256R1())


def name(cn):
    return x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, cn)])


def cert(cn, pub_key, issuer_cn, issuer_key, ca=True, pathlen=None, start=None, end=None,
         aki=True, issuer_name=None):
    """A certificate for cn/pub_key (a private key: its public half is used),
    signed by issuer_key as issuer_cn (or the Name issuer_name)."""
    SERIAL[0] += 1
    pub = pub_key.public_key()
    b = (x509.CertificateBuilder()
         .subject_name(name(cn))
         .issuer_name(issuer_name or name(issuer_cn))
         .public_key(pub)
         .serial_number(SERIAL[0])
         .not_valid_before(start or NOW - DAY)
         .not_valid_after(end or NOW + 365 * DAY)
         .add_extension(x509.SubjectKeyIdentifier.from_public_key(pub), critical=False))
    self_issued = cn == issuer_cn and pub_key is issuer_key
    if aki and not self_issued:
        b = b.add_extension(
            x509.AuthorityKeyIdentifier.from_issuer_public_key(issuer_key.public_key()),
            critical=False)
    if ca:
        b = b.add_extension(x509.BasicConstraints(ca=True, path_length=pathlen), critical=True)
        b = b.add_extension(x509.KeyUsage(False, False, False, False, False, True, True, False,
                                          False), critical=True)
    else:
        b = b.add_extension(x509.BasicConstraints(ca=False, path_length=None), critical=True)
        b = b.add_extension(x509.KeyUsage(True, False, False, False, False, False, False, False,
                                          False), critical=True)
        b = b.add_extension(x509.ExtendedKeyUsage([ExtendedKeyUsageOID.SERVER_AUTH]),
                            critical=False)
        b = b.add_extension(x509.SubjectAlternativeName([
            x509.DNSName("localhost"),
            x509.IPAddress(__import__("ipaddress").ip_address("127.0.0.1"))]), critical=False)
    return b.sign(issuer_key, hashes.SHA256())


def root(cn, k, **kw):
    return cert(cn, k, cn, k, **kw)


def pem(*certs):
    return b"".join(c.public_bytes(serialization.Encoding.PEM) for c in certs)


def write(out, shape, leaf, leaf_key, inter, trust):
    d = os.path.join(out, shape)
    os.makedirs(d, exist_ok=True)
    files = {
        "leaf.pem": pem(leaf),
        "inter.pem": pem(*inter),
        "chain.pem": pem(leaf, *inter),
        "leaf.key": leaf_key.private_bytes(serialization.Encoding.PEM,
                                           serialization.PrivateFormat.PKCS8,
                                           serialization.NoEncryption()),
    }
    for fname, certs in trust.items():
        files[fname] = pem(*certs)
    for fname, data in files.items():
        with open(os.path.join(d, fname), "wb") as f:
            f.write(data)


def leaf_for(issuer_cn, issuer_key):
    k = key()
    return cert("localhost", k, issuer_cn, issuer_key, ca=False), k


def plain(out):
    """The common case: leaf, Int; Root trusted (bench/path.sh's baseline)."""
    kr, ki = key(), key()
    r = root("Root", kr)
    inter = cert("Int", ki, "Root", kr)
    leaf, lk = leaf_for("Int", ki)
    write(out, "plain", leaf, lk, [inter], {"ca.pem": [r]})
    return [("plain", "ca.pem", "ok")]


def badsig(out):
    """The leaf names Int as issuer but another key signed it: Int is the
    only candidate, whose check a handshake leaves to mbedTLS."""
    kr, ki, other = key(), key(), key()
    r = root("Root", kr)
    inter = cert("Int", ki, "Root", kr)
    leaf, lk = leaf_for("Int", other)
    write(out, "badsig", leaf, lk, [inter], {"ca.pem": [r]})
    return [("badsig", "ca.pem", "no certificate of that name, sent or trusted, has the key")]


def cross_first(out):
    """leaf, Int<-Root B (untrusted), Int<-Root A (trusted): the cross-signed
    intermediate comes first."""
    ka, kb, ki = key(), key(), key()
    ra, rb = root("Root A", ka), root("Root B", kb)
    int_a = cert("Int", ki, "Root A", ka)
    int_b = cert("Int", ki, "Root B", kb)
    leaf, lk = leaf_for("Int", ki)
    write(out, "cross_first", leaf, lk, [int_b, int_a],
          {"ca.pem": [ra], "ca_b.pem": [rb], "ca_c.pem": [root("Root C", key())]})
    return [("cross_first", "ca.pem", "ok"), ("cross_first", "ca_b.pem", "ok"),
            ("cross_first", "ca_c.pem", "no trusted path: tried 2 paths")]


def rollover(out):
    """Int with an old key sent before Int with the new key that signed the leaf."""
    kr, old, new = key(), key(), key()
    r = root("Root", kr)
    int_old = cert("Int", old, "Root", kr)
    int_new = cert("Int", new, "Root", kr)
    leaf, lk = leaf_for("Int", new)
    write(out, "rollover", leaf, lk, [int_old, int_new], {"ca.pem": [r]})
    # only the old key sent: the issuer was sent, so it is not "missing"
    d = os.path.join(out, "rollover_old_only")
    write(out, "rollover_old_only", leaf, lk, [int_old], {"ca.pem": [r]})
    return [("rollover", "ca.pem", "ok"),
            ("rollover_old_only", "ca.pem", "no certificate of that name, sent or trusted")]


def reverse5(out):
    """Five intermediates sent root-most first (RFC 8446 4.4.2: any order)."""
    kr = key()
    r = root("Root", kr)
    keys = [key() for _ in range(5)]
    inters = []
    issuer_cn, issuer_key = "Root", kr
    for i in range(5):
        cn = "d%d" % i
        inters.append(cert(cn, keys[i], issuer_cn, issuer_key))
        issuer_cn, issuer_key = cn, keys[i]
    leaf, lk = leaf_for(issuer_cn, issuer_key)
    write(out, "reverse5", leaf, lk, inters, {"ca.pem": [r]})
    return [("reverse5", "ca.pem", "ok")]


def le2021(out):
    """leaf, R3, ISRG Root X1 cross-signed by the expired DST Root CA X3; trust:
    ISRG Root X1 self-signed (and, second case, only the expired DST root)."""
    kdst, kx1, kr3 = key(), key(), key()
    dst = root("DST Root CA X3", kdst, start=NOW - 3000 * DAY, end=NOW - 30 * DAY)
    x1 = root("ISRG Root X1", kx1)
    x1_cross = cert("ISRG Root X1", kx1, "DST Root CA X3", kdst, end=NOW + 900 * DAY)
    r3 = cert("R3", kr3, "ISRG Root X1", kx1, pathlen=0)
    leaf, lk = leaf_for("R3", kr3)
    write(out, "le2021", leaf, lk, [r3, x1_cross],
          {"ca.pem": [x1], "ca_both.pem": [dst, x1], "ca_dst.pem": [dst]})
    return [("le2021", "ca.pem", "ok"), ("le2021", "ca_both.pem", "ok"),
            ("le2021", "ca_dst.pem", "expired")]


def gts_r4(out):
    """leaf, WE1 <- GTS Root R4, GTS Root R4 cross-signed by GlobalSign Root CA
    (RSA); new devices trust R4, old ones GlobalSign only."""
    kgs, kr4, kwe1 = key("rsa"), key(), key()
    gs = root("GlobalSign Root CA", kgs)
    r4 = root("GTS Root R4", kr4)
    r4_cross = cert("GTS Root R4", kr4, "GlobalSign Root CA", kgs)
    we1 = cert("WE1", kwe1, "GTS Root R4", kr4, pathlen=0)
    leaf, lk = leaf_for("WE1", kwe1)
    write(out, "gts_r4", leaf, lk, [we1, r4_cross],
          {"ca.pem": [r4], "ca_gs.pem": [gs]})
    return [("gts_r4", "ca.pem", "ok"), ("gts_r4", "ca_gs.pem", "ok")]


def shared_name(out):
    """Two trusted roots share the name Root (a root rollover); the
    intermediate is signed by the second. Bundles keep both."""
    k1, k2, ki = key(), key(), key()
    r1, r2 = root("Root", k1), root("Root", k2)
    inter = cert("Int", ki, "Root", k2)
    leaf, lk = leaf_for("Int", ki)
    write(out, "shared_name", leaf, lk, [inter], {"ca.pem": [r1, r2]})
    return [("shared_name", "ca.pem", "ok")]


def name_types(out):
    """The intermediate names its issuer in PrintableString and upper case,
    the root's subject is a UTF8String: the same name by RFC 5280 7.1 and by
    mbedTLS's comparison, though not the same DER."""
    from cryptography.x509.name import _ASN1Type
    kr, ki = key(), key()
    r = root("Name Root", kr)
    printable = x509.Name([x509.NameAttribute(NameOID.COMMON_NAME, "NAME ROOT",
                                              _type=_ASN1Type.PrintableString)])
    inter = cert("Int", ki, "Name Root", kr, issuer_name=printable)
    leaf, lk = leaf_for("Int", ki)
    write(out, "name_types", leaf, lk, [inter], {"ca.pem": [r]})
    return [("name_types", "ca.pem", "ok")]


def loop(out, n):
    """n intermediates all named Loop, each signed by the next one's key (a
    ring of mutual cross-signatures), no key identifiers to guide the search,
    and no way to the trusted root: the search must give up on its budget."""
    kr = key()
    r = root("Root", kr)
    keys = [key() for _ in range(n)]
    inters = [cert("Loop", keys[i], "Loop", keys[(i + 1) % n], aki=False) for i in range(n)]
    k = key()
    leaf = cert("localhost", k, "Loop", keys[0], ca=False, aki=False)
    shape = "loop%d" % n
    write(out, shape, leaf, k, inters, {"ca.pem": [r]})
    return [(shape, "ca.pem", "within the budget of")]


def loop100(out):
    return loop(out, 100)


def loop20(out):
    """Small enough for one TLS Certificate message (tests/interop/paths.sh)."""
    return loop(out, 20)


def main():
    out = sys.argv[1]
    cases = []
    for shape in (plain, badsig, cross_first, rollover, reverse5, le2021, gts_r4, shared_name,
                  name_types, loop100, loop20):
        cases += shape(out)
    with open(os.path.join(out, "shapes.txt"), "w") as f:
        for c in cases:
            f.write("%s %s %s\n" % c)


if __name__ == "__main__":
    main()
