#!/usr/bin/env bash
# tests/pki/gen.sh OUTDIR — create a fresh test PKI with the openssl CLI.
#
# Everything is generated at test time (nothing secret or stale is checked
# in). ECDSA keys are near-instant; the three RSA keys (2048 server, 2048
# client, 4096 server) are generated in the background while the ECDSA part
# runs, so the whole script takes about 1-2 s. Set TLSC_PKI_NO_RSA4096=1 to
# skip the RSA-4096 leaf (the slowest key, 1-4 s by itself).
#
# See tests/pki/README.md for the list of files and what each is for.
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

out=${1:?usage: gen.sh OUTDIR}
mkdir -p "$out"
cd "$out"

. "$here/common.sh"   # OPENSSL_CONF, next_serial, eckey
days=30

# ---- extension profiles ------------------------------------------------------
cat > ext.cnf <<'EOF'
[ req ]
distinguished_name = dn
[ dn ]
[ root_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ int_ext ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ server_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:localhost, DNS:tlsc.test, IP:127.0.0.1, IP:::1
[ dated_ext ]
# the CN (expired.localhost, notyet.localhost) must be one of the SAN
# entries (CA/B BR 7.1.4.3, enforced by tlsc)
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:localhost, DNS:expired.localhost, DNS:notyet.localhost
[ xroot_ext ]
# a root certified by another root: not self-issued, so it names its
# issuer's key like any other certificate
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ wronghost_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:other.test
[ nosan_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ badeku_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:localhost, DNS:tlsc.test, IP:127.0.0.1, IP:::1
[ selfsigned_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
subjectAltName = DNS:localhost, DNS:tlsc.test, IP:127.0.0.1, IP:::1
[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ nc_root_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
nameConstraints = critical, permitted;DNS:tlsc.test, permitted;IP:127.0.0.0/255.0.0.0, excluded;DNS:bad.tlsc.test
[ nc_int_ext ]
basicConstraints = critical, CA:TRUE, pathlen:0
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
nameConstraints = critical, permitted;DNS:tlsc.test
[ nc_leaf_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:tlsc.test, DNS:www.tlsc.test, IP:127.0.0.1
[ nc_excluded_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:tlsc.test, DNS:bad.tlsc.test
[ notca_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature, keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ critext_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
subjectAltName = DNS:localhost, IP:127.0.0.1
1.3.6.1.4.1.55555.1 = critical, ASN1:NULL
[ ca ]
default_ca = ca_dates
[ ca_dates ]
database = ca-db/index.txt
new_certs_dir = ca-db
serial = ca-db/serial
crlnumber = ca-db/crlnumber
default_md = sha256
policy = policy_any
unique_subject = no
copy_extensions = none
[ policy_any ]
commonName = supplied
organizationName = optional
EOF

# ---- helpers -----------------------------------------------------------------
rsakey() { openssl genpkey -algorithm RSA -pkeyopt "rsa_keygen_bits:$2" -out "$1" 2>/dev/null; }

# selfsign NAME SUBJ EXT: self-signed certificate for NAME.key
selfsign() {
  openssl req -new -x509 -config ext.cnf -extensions "$3" -key "$1.key" \
    -subj "$2" -days "$days" -sha256 -set_serial "$(next_serial)" -out "$1.pem"
}

# issue NAME SUBJ EXT ISSUER: NAME.pem for NAME.key, signed by ISSUER.{pem,key}
issue() {
  openssl req -new -x509 -config ext.cnf -extensions "$3" -key "$1.key" \
    -subj "$2" -CA "$4.pem" -CAkey "$4.key" -days "$days" -sha256 \
    -set_serial "$(next_serial)" -out "$1.pem"
}

# issue_dated NAME SUBJ EXT ISSUER START END: as issue, with explicit dates
# (YYMMDDHHMMSSZ). openssl 3.0's x509/req cannot set dates; `openssl ca` can.
issue_dated() {
  openssl req -new -config ext.cnf -key "$1.key" -subj "$2" -out "$1.csr"
  mkdir -p ca-db
  : > ca-db/index.txt
  next_serial | sed 's/^0x//' > ca-db/serial
  openssl ca -batch -notext -config ext.cnf -extfile ext.cnf -extensions "$3" \
    -cert "$4.pem" -keyfile "$4.key" -startdate "$5" -enddate "$6" \
    -in "$1.csr" -out "$1.pem" 2>/dev/null
  rm -f "$1.csr"
}

chain() { cat "$1.pem" "$2.pem" > "$1-chain.pem"; }

# ---- slow RSA keys, in the background ------------------------------------------
rsakey server-rsa2048.key 2048 & rsa1=$!
rsakey client-rsa.key 2048 & rsa2=$!
rsakey xroot-b.key 2048 & rsa4=$!
rsa3=""
if [ "${TLSC_PKI_NO_RSA4096:-0}" != 1 ]; then
  rsakey server-rsa4096.key 4096 & rsa3=$!
fi

# ---- server-side PKI -----------------------------------------------------------
O="/O=tlsc tests"
eckey root.key P-384
selfsign root "/CN=tlsc Test Root CA$O" root_ext
eckey int.key P-256
issue int "/CN=tlsc Test Intermediate CA$O" int_ext root

eckey server-p256.key P-256
issue server-p256 "/CN=localhost$O/OU=ecdsa-p256" server_ext int
chain server-p256 int
eckey server-p384.key P-384
issue server-p384 "/CN=localhost$O/OU=ecdsa-p384" server_ext int
chain server-p384 int

# negative leaves (each signed by the intermediate unless said otherwise)
eckey expired.key P-256
issue_dated expired "/CN=expired.localhost$O" dated_ext int 200101000000Z 240101000000Z
chain expired int
eckey notyet.key P-256
issue_dated notyet "/CN=notyet.localhost$O" dated_ext int 400101000000Z 410101000000Z
chain notyet int
eckey wronghost.key P-256
issue wronghost "/CN=other.test$O" wronghost_ext int
chain wronghost int
eckey nosan.key P-256
issue nosan "/CN=localhost$O/OU=no-san" nosan_ext int
chain nosan int
eckey badeku.key P-256
issue badeku "/CN=localhost$O/OU=client-eku-only" badeku_ext int
chain badeku int
openssl genpkey -algorithm RSA -pkeyopt rsa_keygen_bits:1024 -out weak-rsa1024.key 2>/dev/null
issue weak-rsa1024 "/CN=localhost$O/OU=rsa-1024" server_ext int
chain weak-rsa1024 int
eckey sha1.key P-256
openssl req -new -x509 -config ext.cnf -extensions server_ext -key sha1.key \
  -subj "/CN=localhost$O/OU=sha1-signed" -CA int.pem -CAkey int.key -days "$days" -sha1 \
  -set_serial "$(next_serial)" -out sha1.pem
chain sha1 int
eckey selfsigned.key P-256
selfsign selfsigned "/CN=localhost$O/OU=self-signed" selfsigned_ext
eckey untrusted-root.key P-256
selfsign untrusted-root "/CN=tlsc Untrusted Root CA$O" root_ext
eckey untrusted.key P-256
issue untrusted "/CN=localhost$O/OU=untrusted" server_ext untrusted-root
cat untrusted.pem untrusted-root.pem > untrusted-chain.pem

# ---- certificate policy (tlsc verify, tests/api/test_policy.c) -------------------
# nc-root: a root with nameConstraints (permitted DNS:tlsc.test and 127/8,
# excluded DNS:bad.tlsc.test); nc-ok inside, nc-outside (server_ext names:
# localhost, ::1) and nc-excluded outside. nc-int: an intermediate with
# critical nameConstraints under the test root, nc-int-leaf below it.
eckey nc-root.key P-256
selfsign nc-root "/CN=tlsc Constrained Root CA$O" nc_root_ext
eckey nc-ok.key P-256
issue nc-ok "/CN=tlsc.test$O/OU=nc-ok" nc_leaf_ext nc-root
eckey nc-outside.key P-256
issue nc-outside "/CN=localhost$O/OU=nc-outside" server_ext nc-root
eckey nc-excluded.key P-256
issue nc-excluded "/CN=tlsc.test$O/OU=nc-excluded" nc_excluded_ext nc-root
eckey nc-int.key P-256
issue nc-int "/CN=tlsc Constrained Intermediate CA$O" nc_int_ext root
eckey nc-int-leaf.key P-256
issue nc-int-leaf "/CN=tlsc.test$O/OU=nc-int-leaf" nc_leaf_ext nc-int
cat nc-int-leaf.pem nc-int.pem > nc-int-leaf-chain.pem
# notca: an intermediate without basicConstraints CA:TRUE issuing a leaf
eckey notca.key P-256
issue notca "/CN=tlsc Not A CA$O" notca_ext int
eckey notca-leaf.key P-256
issue notca-leaf "/CN=localhost$O/OU=notca-leaf" server_ext notca
cat notca-leaf.pem notca.pem int.pem > notca-leaf-chain.pem
# deep: a second intermediate below int, whose pathlen:0 forbids it
eckey int2.key P-256
issue int2 "/CN=tlsc Test Intermediate 2$O" int_ext int
eckey deep.key P-256
issue deep "/CN=localhost$O/OU=below-pathlen" server_ext int2
cat int2.pem int.pem > deep-ints.pem
cat deep.pem deep-ints.pem > deep-chain.pem
# critext: a leaf with an unknown critical extension
eckey critext.key P-256
issue critext "/CN=localhost$O/OU=critical-extension" critext_ext int
chain critext int

# revoked: a leaf the intermediate's CRL (int-crl.pem) lists; int-crl-empty.pem
# lists nothing. Both carry a CRL number (tlsc requires it).
eckey revoked.key P-256
issue revoked "/CN=localhost$O/OU=revoked" server_ext int
chain revoked int
mkdir -p ca-db
echo 01 > ca-db/crlnumber
: > ca-db/index.txt
openssl ca -gencrl -batch -config ext.cnf -keyfile int.key -cert int.pem -crldays 30 \
  -out int-crl-empty.pem 2>/dev/null
printf 'R\t491231235959Z\t250101000000Z\t%s\tunknown\t/CN=revoked\n' \
  "$(openssl x509 -in revoked.pem -noout -serial | cut -d= -f2)" > ca-db/index.txt
openssl ca -gencrl -batch -config ext.cnf -keyfile int.key -cert int.pem -crldays 30 \
  -out int-crl.pem 2>/dev/null

# ---- client-side PKI -----------------------------------------------------------
eckey client-ca.key P-256
selfsign client-ca "/CN=tlsc Test Client CA$O" root_ext
eckey client-ec.p8.pem P-256                                                       # PKCS#8
openssl ec -in client-ec.p8.pem -out client-ec.key 2>/dev/null                     # SEC1
issue client-ec "/CN=tlsc-client-ec$O" client_ext client-ca
openssl pkcs8 -topk8 -in client-ec.p8.pem -v2 aes-256-cbc -v2prf hmacWithSHA256 \
  -passout pass:secret -out client-ec.enc.p8.pem                                     # enc PKCS#8
openssl ec -in client-ec.p8.pem -aes256 -passout pass:secret \
  -out client-ec.enc.sec1.pem 2>/dev/null                                           # Proc-Type
openssl x509 -in client-ec.pem -outform DER -out client-ec.der
openssl pkey -in client-ec.p8.pem -outform DER -out client-ec.key.der              # PKCS#8 DER
eckey client-mismatch.key P-256
eckey client-selfsigned.key P-256
selfsign client-selfsigned "/CN=tlsc-client-selfsigned$O" client_ext

wait "$rsa2"
openssl pkey -in client-rsa.key -out client-rsa.p8.pem
openssl rsa -in client-rsa.p8.pem -traditional -out client-rsa.key 2>/dev/null     # PKCS#1
issue client-rsa "/CN=tlsc-client-rsa$O" client_ext client-ca
openssl pkcs8 -topk8 -in client-rsa.p8.pem -v2 aes-256-cbc -v2prf hmacWithSHA256 \
  -passout pass:secret -out client-rsa.enc.p8.pem

wait "$rsa1"
issue server-rsa2048 "/CN=localhost$O/OU=rsa-2048" server_ext int
chain server-rsa2048 int
if [ -n "$rsa3" ]; then
  wait "$rsa3"
  issue server-rsa4096 "/CN=localhost$O/OU=rsa-4096" server_ext int
  chain server-rsa4096 int
fi

# ---- cross-signed chains (root bundles) ---------------------------------------
# One intermediate key certified twice under one subject: xint-a by root A
# (ECDSA), xint-b by root B (RSA). The leaf is signed by that key, so either
# certificate completes its chain. xroot-a-by-b: root A's subject and key
# certified by root B (A cross-signed by B).
eckey xroot-a.key P-256
selfsign xroot-a "/CN=tlsc Cross Root A$O" root_ext
eckey xint-a.key P-256
cp xint-a.key xint-b.key
issue xint-a "/CN=tlsc Cross Intermediate CA$O" int_ext xroot-a
eckey xleaf.key P-256
issue xleaf "/CN=localhost$O/OU=cross-signed" server_ext xint-a
wait "$rsa4"
selfsign xroot-b "/CN=tlsc Cross Root B$O" root_ext
issue xint-b "/CN=tlsc Cross Intermediate CA$O" int_ext xroot-b
cp xroot-a.key xroot-a-by-b.key
issue xroot-a-by-b "/CN=tlsc Cross Root A$O" xroot_ext xroot-b
rm -f xint-b.key xroot-a-by-b.key

rm -rf ca-db ext.cnf
chmod 600 ./*.key ./*.p8.pem ./*.sec1.pem ./*.key.der
