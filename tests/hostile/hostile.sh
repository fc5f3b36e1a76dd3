#!/usr/bin/env bash
# tests/hostile/hostile.sh — tlsc connect against misbehaving servers.
#
# Each case starts tests/hostile/hostile.py (a raw server sending crafted
# record framing, or a record-level relay in front of a real openssl
# s_server that rewrites the server's records), runs `tlsc connect`, and
# asserts the exit status (2 + category), the exact static message of the
# expected TLSC_ERR_* code and the words of the detail, and that the
# failure came within the configured timeout. The check build is
# ASan/LSan: a leak or a memory error makes tlsc exit non-zero with a
# report, which fails the exit-status assertion.
#
# Usage: TLSC_BIN=build/check/tools/tlsc bash tests/hostile/hostile.sh [FILTER]
#   FILTER (a regex) runs only the cases whose name matches it;
#   HOSTILE_GROUP=steps|records|peers runs one group (ctest runs the three
#   groups as three tests, so they run in parallel under ctest -j).
source "$(dirname "$0")/../interop/lib.sh"

HOSTILE=$(cd "$(dirname "$0")" && pwd)/hostile.py
PYTHON=${TLSC_PYTHON:-/usr/bin/python3}
FILTER=${1:-}
[ -x "$PYTHON" ] || die "$PYTHON not found (apt-get install python3)"

setup_pki
ROOT=$PKI/root.pem
TIMEOUT_MS=5000   # tlsc --timeout for cases that must fail fast anyway

# Static messages (src/core/base/error.c) of the codes asserted below.
MSG_TRUNCATED="peer closed the connection without close_notify"
MSG_BAD_MESSAGE="peer sent a malformed or unexpected TLS message"
MSG_TOO_LARGE="peer sent a TLS record larger than the input buffer"
MSG_HS_FAILURE="peer aborted the handshake"
MSG_TIMEOUT_HS="timed out during the TLS handshake"
MSG_RENEGOTIATION="peer asked for renegotiation, which tlsc refuses"
MSG_VERIFY="server certificate verification failed"

# ---- helpers -------------------------------------------------------------------

GROUP=""
group() { GROUP=$1; }

# selected NAME: whether the case is in the selected group and matches FILTER.
selected() {
  [ -n "${HOSTILE_GROUP:-}" ] && [ "$GROUP" != "$HOSTILE_GROUP" ] && return 1
  [ -n "$FILTER" ] && ! grep -qE -- "$FILTER" <<< "$1" && return 1
  return 0
}

# want NAME: when the case is selected, start it.
want() {
  selected "$1" || return 1
  case_begin "$1"
}

# start_hostile SCENARIO [ARGS...]: hostile.py on 127.0.0.1, port chosen by
# the kernel (it prints "LISTEN 127.0.0.1:PORT"). Sets SRV_PORT, SRV_LOG.
start_hostile() {
  _next_log
  _spawn "$SRV_LOG" "$PYTHON" "$HOSTILE" "$@" --lifetime "$SERVER_LIFETIME"
  if ! _wait_for_log "$SRV_PID" "$SRV_LOG" '^LISTEN ' 10; then
    fail "hostile.py $1 did not start: $(head -3 "$SRV_LOG" | tr '\n' ' ')"
    SRV_PORT=1
    return 1
  fi
  SRV_PORT=$(sed -n 's/^LISTEN .*:\([0-9][0-9]*\)$/\1/p' "$SRV_LOG" | head -1)
}

# serve [openssl options]: openssl s_server with the P-256 leaf and its
# intermediate (-rev unless another mode is given).
serve() {
  start_openssl -cert "$PKI/server-p256.pem" -key "$PKI/server-p256.key" \
    -cert_chain "$PKI/int.pem" "$@"
}

# The relays' upstream servers: one openssl s_server per set of options,
# started when first needed and shared by the cases of the run (s_server
# serves one connection after another), which saves a server start per
# case. They live outside the per-case cleanup, until the script exits.
declare -A UPSTREAM=()
SHARED_PGIDS=()
upstream() { # S_SERVER OPTIONS -> SRV_PORT
  local key="$*" dir=$CASE_DIR
  if [ -z "${UPSTREAM[$key]:-}" ]; then
    CASE_DIR=$T/upstream${#SHARED_PGIDS[@]}
    mkdir -p "$CASE_DIR"
    # shellcheck disable=SC2086
    SERVER_LIFETIME=600 serve $key
    local rc=$?
    CASE_DIR=$dir
    [ "$rc" = 0 ] || return 1
    UPSTREAM[$key]=$SRV_PORT
    SHARED_PGIDS+=("$SRV_PID")
    unset 'SERVER_PGIDS[-1]'
  fi
  SRV_PORT=${UPSTREAM[$key]}
}
_hostile_cleanup() {
  local rc=$? g
  for g in "${SHARED_PGIDS[@]}"; do kill -TERM -- "-$g" 2>/dev/null; done
  (exit "$rc")
  _cleanup
}
trap _hostile_cleanup EXIT

# relay "S_SERVER OPTIONS" SCENARIO [ARGS...]: hostile.py SCENARIO in
# front of a (shared) openssl s_server; SRV_PORT is the relay's.
relay() {
  local sopts=$1; shift
  upstream "$sopts" || return 1
  start_hostile "$@" --upstream "$SRV_PORT"
}

connect() { # [tlsc options]: tlsc connect localhost:$SRV_PORT --summary
  run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary "$@"
}

# A failed connection: exit status, the error line with the static message
# of the expected code, and no summary (only a handshake prints one).
expect_failure() { # EXIT STATIC_MESSAGE
  expect_exit "$1"
  expect_error_line
  expect_stderr_contains "tlsc: $2"
  grep -q '^protocol: ' <<< "$ERR" && fail "a summary was printed for a failed connection"
  return 0
}

# The failure came within the timeout (no case here may wait for it).
expect_fast() {
  [ "$ELAPSED_MS" -lt "$TIMEOUT_MS" ] || fail "took $ELAPSED_MS ms (timeout $TIMEOUT_MS ms)"
}

# ---- baseline: the relay itself is transparent ---------------------------------------
group steps

for v in 1.2 1.3; do
  if want "relay pass TLS$v: the handshake succeeds through the relay"; then
    relay "-tls${v/./_}" pass
    connect --timeout "$TIMEOUT_MS"
    expect_exit 0
    expect_summary protocol "TLSv$v"
  fi
done

# ---- closing at each handshake step (no alert) ----------------------------------------

# close_case VERSION K AWAITED: the relay forwards K server records, then
# closes. AWAITED is the message tlsc names, "" for the first step (then it
# hints at versions/suites: nothing TLS came back).
close_case() {
  local v=$1 k=$2 awaited=$3
  want "close after $k server records, TLS$v: truncated while waiting for ${awaited:-the ServerHello}" ||
    return 0
  relay "-tls${v/./_}" close-after --k "$k"
  connect --timeout "$TIMEOUT_MS"
  expect_failure $EXIT_CLOSED "$MSG_TRUNCATED"
  if [ -n "$awaited" ]; then
    expect_stderr_contains "while tlsc waited for the server's $awaited (no alert)"
  else
    expect_stderr_contains "during the handshake (no alert): if it speaks TLS, it refused tlsc's ClientHello, which offered"
  fi
  expect_fast
}
# openssl's TLS 1.2 flight: ServerHello, Certificate, ServerKeyExchange,
# ServerHelloDone | NewSessionTicket, ChangeCipherSpec, Finished.
close_case 1.2 0 ""
close_case 1.2 1 Certificate
close_case 1.2 2 ServerKeyExchange
close_case 1.2 3 "CertificateRequest or ServerHelloDone"
close_case 1.2 4 NewSessionTicket
close_case 1.2 5 ChangeCipherSpec
close_case 1.2 6 Finished
# TLS 1.3: ServerHello, ChangeCipherSpec (compatibility), then encrypted
# EncryptedExtensions, Certificate, CertificateVerify, Finished.
close_case 1.3 0 ""
close_case 1.3 1 EncryptedExtensions
close_case 1.3 2 EncryptedExtensions
close_case 1.3 3 "CertificateRequest or Certificate"
close_case 1.3 4 CertificateVerify
close_case 1.3 5 Finished

# ---- an alert at each step ---------------------------------------------------------------

# A plaintext fatal alert in place of server record K+1. Before encryption
# it is the server's alert (exit 8, named); once records are protected an
# alert in clear cannot be authenticated and is refused as such (exit 7).
alert_case() {
  local v=$1 k=$2
  want "alert after $k server records, TLS$v" || return 0
  relay "-tls${v/./_}" alert-after --k "$k" --alert 40
  connect --timeout "$TIMEOUT_MS"
  if [ "$3" = clear ]; then
    expect_failure $EXIT_ALERT "$MSG_HS_FAILURE"
    expect_stderr_contains "peer sent fatal alert handshake_failure (40) during the handshake"
  else
    expect_failure $EXIT_PROTOCOL "$MSG_BAD_MESSAGE"
    expect_stderr_contains "unencrypted alert handshake_failure (40, level 2) during the handshake, after encryption had started"
  fi
  expect_fast
}
for k in 0 1 2 3 4 5; do alert_case 1.2 $k clear; done
alert_case 1.2 6 protected
alert_case 1.3 0 clear
for k in 1 2 3 4 5; do alert_case 1.3 $k protected; done

if want "alert protocol_version instead of the ServerHello"; then
  relay -tls1_3 alert-after --k 0 --alert 70
  connect --timeout "$TIMEOUT_MS"
  expect_failure $EXIT_ALERT "peer does not accept our TLS versions"
  expect_stderr_contains "protocol_version (70)"
fi

# ---- not TLS at all ------------------------------------------------------------------
group records

if want "garbage instead of a ServerHello (an HTTP answer)"; then
  start_hostile garbage
  connect --timeout "$TIMEOUT_MS"
  expect_failure $EXIT_PROTOCOL "$MSG_BAD_MESSAGE"
  expect_stderr_contains 'the server does not answer in TLS: its reply begins with 48 54 54 50 2f ("HTTP/")'
  expect_fast
fi

# ---- record sizes ------------------------------------------------------------------------

# An unencrypted record over 16 KiB (the protocol's limit for plaintext).
for size in 16385 18433 65535; do
  if want "record of $size bytes instead of a ServerHello"; then
    start_hostile bigrecord --size "$size"
    connect --timeout "$TIMEOUT_MS"
    expect_failure $EXIT_PROTOCOL "$MSG_TOO_LARGE"
    expect_stderr_contains "the server sent a record of $size bytes during the handshake; unencrypted records hold at most 16384"
    expect_fast
  fi
done

# An encrypted record over 16 KiB plus TLS 1.3's expansion (2^14 + 256):
# still inside mbedTLS's input buffer, so it is read and fails to
# authenticate.
if want "record of 16641 bytes once encrypted (TLS 1.3): refused, not authentic"; then
  relay -tls1_3 oversize-after --k 2 --type 23 --size 16641
  connect --timeout "$TIMEOUT_MS"
  expect_failure $EXIT_PROTOCOL "$MSG_BAD_MESSAGE"
  expect_stderr_contains "Verification of the message MAC failed"
  expect_fast
fi

# A record larger than the configured input buffer. Today the buffer is
# the compile-time MBEDTLS_SSL_IN_CONTENT_LEN (16384) plus mbedTLS's
# expansion room: encrypted records of at most 16704 bytes. When
# per-connection buffers land (`tlsc connect --buffers IN[,OUT]`), call
# buffer_case with the smaller limit and the option, e.g.
#   buffer_case 1.3 <IN + overhead> --buffers 4096
buffer_case() { # VERSION LIMIT [tlsc options]
  local v=$1 limit=$2; shift 2
  local k=2 size=$((limit + 1))
  [ "$v" = 1.2 ] && k=6
  want "record of $size bytes once encrypted (TLS$v), input buffer $limit${*:+ ($*)}" || return 0
  relay "-tls${v/./_}" oversize-after --k "$k" --type 23 --size "$size"
  connect --timeout "$TIMEOUT_MS" "$@"
  expect_failure $EXIT_PROTOCOL "$MSG_TOO_LARGE"
  expect_stderr_contains "the server sent a record of $size bytes during the handshake; the input buffer holds encrypted records of at most $limit"
  expect_fast
}
buffer_case 1.3 16704
buffer_case 1.2 16704

# ---- fragmentation -------------------------------------------------------------------

# Splitting handshake messages across records is legal (RFC 5246 6.2.1,
# RFC 8446 5.1): the handshake must succeed. The relay can re-fragment only
# what is in clear: every TLS 1.2 handshake message before
# ChangeCipherSpec (the Certificate too), the TLS 1.3 ServerHello.
for size in 4 7 100; do
  if want "TLS1.2 handshake messages split into $size-byte records: succeeds"; then
    relay -tls1_2 fragment --size "$size"
    connect --timeout "$TIMEOUT_MS"
    expect_exit 0
    expect_summary protocol TLSv1.2
    expect_server_log "Certificate \(1[0-9]{3} bytes\) split into"
  fi
done
if want "TLS1.3 ServerHello split into 16-byte records: succeeds"; then
  relay -tls1_3 fragment --size 16
  connect --timeout "$TIMEOUT_MS"
  expect_exit 0
  expect_summary protocol TLSv1.3
fi
# Records shorter than the 4-byte handshake header: legal, but mbedTLS 3.6
# insists on the header in the first fragment (mbedtls_ssl_prepare_handshake_record).
if want "TLS1.2 handshake messages split into 1-byte records: succeeds (RFC 5246 6.2.1)"; then
  known_issue "mbedTLS 3.6 needs each handshake header in one record"
  relay -tls1_2 fragment --size 1
  connect --timeout "$TIMEOUT_MS"
  expect_exit 0
fi
if want "TLS1.2 handshake messages split into 1-byte records: until then, a clean error"; then
  relay -tls1_2 fragment --size 1
  connect --timeout "$TIMEOUT_MS"
  expect_failure $EXIT_PROTOCOL "$MSG_BAD_MESSAGE"
  expect_stderr_contains "the server sent a handshake record of 1 bytes during the handshake, splitting a message's 4-byte header across records"
  expect_fast
fi

# ---- empty records -------------------------------------------------------------------

# mbedTLS refuses every empty record at the record layer (it never reaches
# its "four consecutive empty records" DoS counter for records in clear),
# so a flood ends at its first record.
for t in 22 23; do
  if want "flood of 10000 empty records of type $t instead of a ServerHello"; then
    start_hostile zeros --count 10000 --type "$t"
    connect --timeout "$TIMEOUT_MS"
    expect_failure $EXIT_PROTOCOL "$MSG_BAD_MESSAGE"
    expect_stderr_contains "the server sent an empty record (content type $t) during the handshake"
    expect_fast
  fi
done
if want "flood of 10000 empty handshake records after the Certificate (TLS 1.2)"; then
  relay -tls1_2 zeros-after --k 2 --count 10000 --type 22
  connect --timeout "$TIMEOUT_MS"
  expect_failure $EXIT_PROTOCOL "$MSG_BAD_MESSAGE"
  expect_stderr_contains "the server sent an empty record (content type 22) during the handshake"
  expect_fast
fi

# ---- renegotiation ----------------------------------------------------------------------
group peers

# A HelloRequest in the middle of the TLS 1.2 handshake: RFC 5246 7.4.1.1
# says a negotiating client ignores it; mbedTLS treats it as an unexpected
# message instead. Either way the server is broken; the error is clean.
if want "HelloRequest during the TLS 1.2 handshake"; then
  relay -tls1_2 hello-request-after --k 1
  connect --timeout "$TIMEOUT_MS"
  expect_failure $EXIT_PROTOCOL "$MSG_BAD_MESSAGE"
  expect_stderr_contains "while tlsc waited for the server's Certificate"
  expect_fast
fi

# After the handshake: openssl s_server renegotiates when 'r' arrives on its
# stdin (an encrypted HelloRequest, which no relay could forge). tlsc
# declines with a no_renegotiation warning; OpenSSL answers that with a
# fatal handshake_failure, which tlsc reports as the refused renegotiation.
if want "renegotiation requested after the handshake (TLS 1.2): declined, reported"; then
  fifo=$CASE_DIR/server.stdin
  mkfifo "$fifo"
  _next_log
  log=$SRV_LOG
  _spawn "$log" bash -c 'exec openssl s_server -accept 127.0.0.1:0 -tls1_2 \
    -cert "$1" -key "$2" -cert_chain "$3" < "$4"' _ \
    "$PKI/server-p256.pem" "$PKI/server-p256.key" "$PKI/int.pem" "$fifo"
  # The writer holds the fifo open and sends 'r' once the handshake is done.
  ( exec 3> "$fifo"
    for _ in $(seq 200); do grep -aq '^CIPHER is' "$log" && break; sleep 0.05; done
    printf 'r\n' >&3
    sleep 20 ) > /dev/null 2>&1 &
  HELPER_PIDS+=("$!")
  if _wait_for_log "$SRV_PID" "$log" '^ACCEPT ' 10; then
    SRV_PORT=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' "$log" | head -1)
    run_tlsc_input '' 5 connect "localhost:$SRV_PORT" --ca "$ROOT" --timeout "$TIMEOUT_MS"
    expect_exit $EXIT_PROTOCOL
    expect_stderr_contains "tlsc: $MSG_RENEGOTIATION: the server asked to renegotiate (HelloRequest), tlsc declined with a no_renegotiation warning, and the server then sent fatal alert handshake_failure (40) while reading"
    expect_fast
  else
    fail "openssl s_server did not start"
  fi
fi

# ---- timeouts -----------------------------------------------------------------------

# The handshake timeout fires on time: in [timeout, timeout + 2 s).
for scenario in silent trickle; do
  if want "a server that $([ $scenario = silent ] && echo "never answers" || echo "answers one byte per second"): handshake timeout"; then
    if [ $scenario = silent ]; then
      start_hostile silent
    else
      relay -tls1_3 trickle --delay 1
    fi
    connect --timeout 2000
    expect_failure $EXIT_TIMEOUT "$MSG_TIMEOUT_HS"
    expect_stderr_contains "not completed within 2000 ms"
    expect_elapsed_between 2000 3999
  fi
done

# ---- truncation after data --------------------------------------------------------------

# The relay lets the server's answer through, then closes without
# close_notify: the data is delivered, then the truncation reported.
# (TLS 1.3: the client's Finished is its first application_data record.)
for v in 1.2 1.3; do
  if want "close without close_notify after data, TLS$v"; then
    n=1
    [ $v = 1.3 ] && n=2
    relay "-tls${v/./_} -num_tickets 0" truncate --count $n
    run_tlsc_input 'hello\n' 5 connect "localhost:$SRV_PORT" --ca "$ROOT" --timeout "$TIMEOUT_MS"
    expect_exit $EXIT_CLOSED
    expect_summary protocol "TLSv$v"
    expect_stdout_equals olleh
    expect_stderr_contains "tlsc: $MSG_TRUNCATED (data may be truncated): peer closed the connection without close_notify"
    expect_fast
  fi
done

# The server's close_notify is answered with tlsc's own (RFC 5246 7.2.1),
# by both drivers. TLS 1.2 shows the alert's record type in clear; the
# relay logs the client's records.
for driver in blocking event; do
  if want "a server's close_notify is answered with close_notify, TLS1.2, $driver driver"; then
    relay "-tls1_2 -www" pass
    run_tlsc_input 'GET / HTTP/1.0\r\n\r\n' 5 connect "localhost:$SRV_PORT" --ca "$ROOT" \
      --timeout "$TIMEOUT_MS" --driver "$driver"
    expect_exit 0
    expect_server_log "server record [0-9]+: alert \(26 bytes\) forwarded"
    expect_server_log "client record: alert \(26 bytes\)"
    expect_fast
  fi
done

# ---- certificate chains and sizes -----------------------------------------------------

# make_chain DIR N: root (DIR/ca0) and N intermediates (DIR/ca1..caN, each
# signed by the one before), and a leaf for localhost signed by caN. ECDSA
# P-256 throughout: about 0.1 s per certificate.
make_chain() {
  local d=$1 n=$2 i
  mkdir -p "$d"
  cat > "$d/ext.cnf" <<'EOF'
[ ca_ext ]
basicConstraints = critical, CA:TRUE
keyUsage = critical, keyCertSign
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
[ leaf_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = serverAuth
subjectAltName = DNS:localhost
EOF
  openssl req -x509 -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$d/ca0.key" -out "$d/ca0.pem" -subj "/CN=chain root" -days 2 \
    -addext "basicConstraints=critical,CA:TRUE" -addext "keyUsage=critical,keyCertSign" 2>/dev/null
  for ((i = 1; i <= n; i++)); do
    openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
      -keyout "$d/ca$i.key" -subj "/CN=chain intermediate $i" -out "$d/ca$i.csr" 2>/dev/null
    openssl x509 -req -in "$d/ca$i.csr" -CA "$d/ca$((i - 1)).pem" -CAkey "$d/ca$((i - 1)).key" \
      -set_serial "$i" -days 2 -extfile "$d/ext.cnf" -extensions ca_ext -out "$d/ca$i.pem" 2>/dev/null
  done
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes \
    -keyout "$d/leaf.key" -subj "/CN=localhost" -out "$d/leaf.csr" 2>/dev/null
  openssl x509 -req -in "$d/leaf.csr" -CA "$d/ca$n.pem" -CAkey "$d/ca$n.key" -set_serial 1000 \
    -days 2 -extfile "$d/ext.cnf" -extensions leaf_ext -out "$d/leaf.pem" 2>/dev/null
}

# intermediates DIR FROM TO: the PEMs of caTO down to caFROM (leaf first order).
intermediates() {
  local d=$1 i
  for ((i = $3; i >= $2; i--)); do cat "$d/ca$i.pem"; done
}

CHAIN=$T/chain
if selected "chain of certificates"; then
  make_chain "$CHAIN" 19
  [ -s "$CHAIN/leaf.pem" ] || die "could not generate the 20-certificate chain"
  intermediates "$CHAIN" 1 19 > "$CHAIN/ints19.pem"
  intermediates "$CHAIN" 11 19 > "$CHAIN/ints9.pem"
  intermediates "$CHAIN" 12 19 > "$CHAIN/ints8.pem"
fi

# mbedTLS verifies chains of at most MBEDTLS_X509_MAX_INTERMEDIATE_CA (8)
# intermediates; tlsc keeps that limit (real chains have 1-3): 8 pass, 9
# and the 20-certificate chain (leaf + 19) fail verification, named.
if want "chain of certificates: leaf + 8 intermediates is verified"; then
  start_openssl -cert "$CHAIN/leaf.pem" -key "$CHAIN/leaf.key" -cert_chain "$CHAIN/ints8.pem"
  run_tlsc connect "localhost:$SRV_PORT" --ca "$CHAIN/ca11.pem" --summary --timeout "$TIMEOUT_MS"
  expect_exit 0
  expect_summary verify ok
fi
for v in 1.2 1.3; do
  for n in 9 19; do
    want "chain of certificates: leaf + $n intermediates, TLS$v: refused, limit named" || continue
    start_openssl -"tls${v/./_}" -cert "$CHAIN/leaf.pem" -key "$CHAIN/leaf.key" \
      -cert_chain "$CHAIN/ints$n.pem"
    run_tlsc connect "localhost:$SRV_PORT" --ca "$CHAIN/ca$((19 - n)).pem" --summary \
      --timeout "$TIMEOUT_MS"
    # tlsc builds the path itself (docs/internals.md, "Path building"), so
    # the limit is its own check, named with the setting that lowers it.
    expect_failure $EXIT_VERIFY "server certificate refused by the certificate policy"
    expect_stderr_contains "intermediate CAs, more than the 8 allowed (tlsc_config_set_max_chain_depth; at most 8, MBEDTLS_X509_MAX_INTERMEDIATE_CA)"
    expect_fast
  done
done

# A 64 KiB leaf (2330 SANs): the server splits its Certificate message over
# records (legal), and mbedTLS reassembles handshake messages in its 16 KiB
# input buffer, so it cannot take it: a clean error naming the size.
if selected "64 KiB certificate"; then
  {
    printf '[ big_ext ]\nbasicConstraints = critical, CA:FALSE\n'
    printf 'keyUsage = critical, digitalSignature\nextendedKeyUsage = serverAuth\n'
    printf 'subjectAltName = @alt\n[ alt ]\nDNS.1 = localhost\n'
    for ((i = 2; i <= 2330; i++)); do printf 'DNS.%d = host%05d.big.example.test\n' $i $i; done
  } > "$T/big.cnf"
  openssl req -new -newkey ec -pkeyopt ec_paramgen_curve:P-256 -nodes -keyout "$T/big.key" \
    -subj "/CN=localhost" -out "$T/big.csr" 2>/dev/null
  openssl x509 -req -in "$T/big.csr" -CA "$PKI/root.pem" -CAkey "$PKI/root.key" -set_serial 77 \
    -days 2 -extfile "$T/big.cnf" -extensions big_ext -out "$T/big.pem" 2>/dev/null
  BIG_DER=$(openssl x509 -in "$T/big.pem" -outform DER 2>/dev/null | wc -c)
fi
for v in 1.2 1.3; do
  want "64 KiB certificate, TLS$v: refused, size named" || continue
  [ "${BIG_DER:-0}" -ge 65000 ] || fail "the big certificate is only ${BIG_DER:-0} bytes"
  start_openssl -"tls${v/./_}" -cert "$T/big.pem" -key "$T/big.key"
  connect --timeout "$TIMEOUT_MS"
  expect_failure $EXIT_PROTOCOL "$MSG_TOO_LARGE"
  expect_stderr_re "the server's Certificate message is 6[5-9][0-9]{3} bytes during the handshake, more than the input buffer holds \(handshake messages of at most 16384 bytes\)"
  expect_fast
done

finish
