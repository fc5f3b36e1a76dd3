#!/usr/bin/env bash
# tests/pki/names.sh OUTDIR — the certificates of the name-policy tests
# (tests/api/test_names.c, tests/interop/names.sh), made at test time with
# the openssl CLI: every spelling of one name under CAs whose
# nameConstraints exclude or permit it, CN-only leaves for the legacy CN
# fallback, CNs that are IP addresses, and a leaf with an empty subject.
# ECDSA P-256 only; about 1 s. See tests/pki/README.md ("Names").
set -euo pipefail
here=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)

out=${1:?usage: names.sh OUTDIR}
mkdir -p "$out"
cd "$out"

. "$here/common.sh"   # OPENSSL_CONF, next_serial, eckey

# The leaves' SANs vary per leaf: written into the [leaf_san] section of a
# per-leaf copy of the configuration (openssl req reads no SAN from the
# command line in 3.0 without -addext, which cannot mark it critical).
cat > base.cnf <<'EOF'
[ req ]
distinguished_name = dn
[ dn ]
[ root_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
[ excl_ext ]
# excludes example.com (the issue's case) and localhost (the live case)
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
nameConstraints = critical, excluded;DNS:example.com, excluded;DNS:localhost
[ perm_ext ]
# permits example.com and localhost only (DNS; IP addresses unconstrained)
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
nameConstraints = critical, permitted;DNS:example.com, permitted;DNS:localhost
[ ip_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
nameConstraints = critical, permitted;IP:192.168.0.0/255.255.0.0, excluded;IP:127.0.0.0/255.0.0.0
[ absnc_ext ]
# an absolute dNSName constraint: refused as malformed (fail closed)
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign, cRLSign
subjectKeyIdentifier = hash
nameConstraints = critical, excluded;DNS:example.com.
[ leaf_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
EOF


# root NAME EXT SUBJ
root() {
  eckey "$1.key"
  openssl req -new -x509 -config base.cnf -extensions "$2" -key "$1.key" -subj "$3" \
    -days 30 -sha256 -set_serial "$(next_serial)" -out "$1.pem"
}

# leaf NAME ISSUER SUBJ [SAN]: NAME.pem signed by ISSUER with the shared
# leaf key; SAN "" = no subjectAltName, "critical, ..." marks it critical.
leaf() {
  local cnf="$1.cnf"
  cp base.cnf "$cnf"
  if [ -n "${4:-}" ]; then
    printf 'subjectAltName = %s\n' "$4" >> "$cnf"
  fi
  openssl req -new -x509 -config "$cnf" -extensions leaf_ext -key leaf.key -subj "$3" \
    -CA "$2.pem" -CAkey "$2.key" -days 30 -sha256 -set_serial "$(next_serial)" \
    -out "$1.pem"
  rm -f "$cnf"
}

root excl-root excl_ext "/CN=tlsc Names Excluding Root"
root perm-root perm_ext "/CN=tlsc Names Permitting Root"
root ip-root ip_ext "/CN=tlsc Names IP Root"
root plain-root root_ext "/CN=tlsc Names Plain Root"
root absnc-root absnc_ext "/CN=tlsc Names Absolute Constraint Root"
eckey leaf.key

# Every spelling of a name in example.com, under both DNS roots:
#   san        DNS:evil.example.com           (for host evil.example.com)
#   san-upper  DNS:EVIL.EXAMPLE.COM
#   san-abs    DNS:evil.example.com.          absolute: always refused
#   wild       DNS:*.example.com
#   wild-abs   DNS:*.example.com.             absolute: always refused
#   apex       DNS:example.com                (for host example.com)
#   apex-abs   DNS:example.com.               absolute: always refused
#   cn         CN=evil.example.com, no SAN    (legacy CN fallback)
#   cn-upper   CN=EVIL.EXAMPLE.COM, no SAN
#   cn-abs     CN=evil.example.com., no SAN   absolute: always refused
#   other      DNS:good.test                  outside example.com
#   lh-abs     DNS:localhost.                 the live case (host localhost)
#   lh-cn-abs  CN=localhost., no SAN
for ca in excl perm; do
  leaf "$ca-san" "$ca-root" "/" "critical, DNS:evil.example.com"
  leaf "$ca-san-upper" "$ca-root" "/" "critical, DNS:EVIL.EXAMPLE.COM"
  leaf "$ca-san-abs" "$ca-root" "/" "critical, DNS:evil.example.com."
  leaf "$ca-wild" "$ca-root" "/" "critical, DNS:*.example.com"
  leaf "$ca-wild-abs" "$ca-root" "/" "critical, DNS:*.example.com."
  leaf "$ca-apex" "$ca-root" "/" "critical, DNS:example.com"
  leaf "$ca-apex-abs" "$ca-root" "/" "critical, DNS:example.com."
  leaf "$ca-cn" "$ca-root" "/CN=evil.example.com"
  leaf "$ca-cn-upper" "$ca-root" "/CN=EVIL.EXAMPLE.COM"
  leaf "$ca-cn-abs" "$ca-root" "/CN=evil.example.com."
  leaf "$ca-other" "$ca-root" "/" "critical, DNS:good.test"
  leaf "$ca-lh-abs" "$ca-root" "/" "critical, DNS:localhost."
  leaf "$ca-lh-cn-abs" "$ca-root" "/CN=localhost."
done

# under a constraint that is itself absolute (excluded DNS:example.com.)
leaf absnc-san absnc-root "/" "critical, DNS:evil.example.com"

# CNs that are IP addresses (no SAN) under permitted 192.168/16, excluded 127/8
leaf ip-cn-lo ip-root "/CN=127.0.0.1"
leaf ip-cn-in ip-root "/CN=192.168.1.10"
leaf ip-cn-out ip-root "/CN=10.0.0.1"
# ... and the same addresses as SAN iPAddress, which must agree
leaf ip-san-lo ip-root "/" "critical, IP:127.0.0.1"
leaf ip-san-in ip-root "/" "critical, IP:192.168.1.10"

# An empty subject (SAN-only leaf, SAN critical as RFC 5280 requires)
leaf empty-subject plain-root "/" "critical, DNS:localhost, IP:127.0.0.1"

# A SAN carrying a terminal escape sequence (ESC [31m): the errors that
# quote the certificate's names must not pass it to the user's terminal.
leaf esc-san plain-root "/" "critical, DNS:evil$(printf '\033')[31m.test"

rm -f base.cnf
chmod 600 ./*.key
