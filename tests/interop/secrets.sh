#!/usr/bin/env bash
# tests/interop/secrets.sh — secrets stay secret in the tlsc command (issue
# 13, section 7), against openssl s_server:
#  - --keylog FILE and SSLKEYLOGFILE write the NSS key log lines that the
#    server itself writes with -keylogfile for the same connection, to a
#    file created 0600 (appended to when it exists, never through a
#    symlink), with a warning on stderr; off by default;
#  - --debug 4 (mbedTLS's level-3 trace) never shows a secret that the key
#    log reveals, for TLS 1.2 and TLS 1.3 with a resumed handshake; the
#    dumps of secrets are replaced by a "not shown" line with no hex after
#    it, and public dumps (the client random) are still there;
#  - --psk and --key-pass from env:VAR, file:PATH and @PATH (not in ps),
#    with errors naming the option.
# (The library side, mbedTLS level 4, is tests/api/test_keylog.c.)
source "$(dirname "$0")/lib.sh"

TLSC_RUN_LIMIT=20
unset SSLKEYLOGFILE   # the key log is off unless a case asks for it
setup_pki
ROOT=$PKI/root.pem
CA=(--ca "$ROOT")

start_srv() { # ARGS...: openssl s_server with the P-256 chain and a key log
  start_openssl -cert "$PKI/server-p256.pem" -cert_chain "$PKI/int.pem" \
    -key "$PKI/server-p256.key" -keylogfile "$CASE_DIR/server.keylog" "$@"
}

# keylog_matches FILE N: FILE holds N key log lines, each of them a line of
# the server's key log (same label, client random and secret). The server
# writes its last lines after tlsc's side of the handshake is over: wait
# until they are there (up to 5 s).
keylog_matches() {
  local f=$1 n=$2 line count=0 i
  [ -f "$f" ] || { fail "no key log $f"; return; }
  for ((i = 0; i < 100; i++)); do
    grep -qvxFf "$CASE_DIR/server.keylog" "$f" 2>/dev/null || break
    sleep 0.05
  done
  while IFS= read -r line; do
    count=$((count + 1))
    [[ $line =~ ^(CLIENT_RANDOM|CLIENT_HANDSHAKE_TRAFFIC_SECRET|SERVER_HANDSHAKE_TRAFFIC_SECRET|CLIENT_TRAFFIC_SECRET_0|SERVER_TRAFFIC_SECRET_0)\ [0-9a-f]{64}\ [0-9a-f]{64,96}$ ]] ||
      fail "not an NSS key log line: $line"
    grep -qxF -- "$line" "$CASE_DIR/server.keylog" ||
      fail "line not in the server's key log: $line"
  done < "$f"
  expect_equal "key log lines in $f" "$count" "$n"
}

# The hex bytes of every mbedTLS dump line in $ERR, concatenated.
dump_hex() {
  sed -nE 's/^.*: [0-9a-f]{4}: (( [0-9a-f]{2}){1,16}).*$/\1/p' <<< "$ERR" | tr -d ' \n'
}

# no_secret_in_log KEYLOG: no secret of KEYLOG in the dumps of $ERR, each
# client random is; no hex line follows a "not shown" note from its site.
no_secret_in_log() {
  local hex line random secret site
  hex=$(dump_hex)
  [ -n "$hex" ] || { fail "no hex dump in the --debug 4 log"; return; }
  while read -r _ random secret; do
    [[ $hex == *"$secret"* ]] && fail "secret ${secret:0:16}... is in the --debug 4 log"
    [[ $hex == *"$random"* ]] || fail "control: client random ${random:0:16}... not in the log"
  done < "$1"
  grep -q "not shown (key material" <<< "$ERR" || fail "no 'not shown' line in the log"
  while IFS= read -r site; do
    grep -qE "mbedtls: $site: 0x[0-9a-f]+: [0-9a-f]{4}:  " <<< "$ERR" &&
      fail "hex lines from $site after its 'not shown' note"
  done < <(sed -nE "s/^.*mbedtls: ([a-z0-9_]+\.c:[0-9]+): '.*' not shown.*$/\1/p" <<< "$ERR" | sort -u)
  return 0
}

# ---- key log ------------------------------------------------------------------------

case_begin "--keylog, TLS 1.2: CLIENT_RANDOM as the server writes it, file 0600, a warning"
start_srv -tls1_2
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --keylog "$CASE_DIR/k"
expect_exit 0
keylog_matches "$CASE_DIR/k" 1
expect_equal "mode of the key log" "$(stat -c %a "$CASE_DIR/k")" 600
expect_stderr_contains "warning: writing TLS secrets to $CASE_DIR/k (--keylog)"

case_begin "--keylog, TLS 1.3: four secrets as the server writes them; appended to; a shared file warns"
start_srv -tls1_3
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --keylog "$CASE_DIR/k"
expect_exit 0
keylog_matches "$CASE_DIR/k" 4
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --keylog "$CASE_DIR/k"
expect_exit 0
keylog_matches "$CASE_DIR/k" 8
expect_stderr_not_contains "accessible by others"
chmod 0644 "$CASE_DIR/k"
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --keylog "$CASE_DIR/k"
expect_exit 0
keylog_matches "$CASE_DIR/k" 12
expect_stderr_contains "warning: key log $CASE_DIR/k is accessible by others (mode 0644)"

case_begin "SSLKEYLOGFILE: used like --keylog, with a warning naming it"
start_srv -tls1_3
SSLKEYLOGFILE=$CASE_DIR/env.keylog run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary
expect_exit 0
keylog_matches "$CASE_DIR/env.keylog" 4
expect_stderr_contains "warning: writing TLS secrets to $CASE_DIR/env.keylog (SSLKEYLOGFILE)"

case_begin "no key log by default: no warning, and the key log API is not used"
start_srv -tls1_3
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --debug 4
expect_exit 0
expect_stderr_not_contains "secrets to"
expect_stderr_not_contains "TRAFFIC_SECRET"

case_begin "--keylog through a planted symlink is refused (exit 3), the target untouched"
echo victim > "$CASE_DIR/victim"
ln -s victim "$CASE_DIR/k"
run_tlsc connect localhost:1 "${CA[@]}" --keylog "$CASE_DIR/k"
expect_exit "$EXIT_CONFIG"
expect_stderr_contains "--keylog $CASE_DIR/k: it is a symlink (not followed)"
expect_equal "victim" "$(cat "$CASE_DIR/victim")" victim
SSLKEYLOGFILE=$CASE_DIR/k run_tlsc connect localhost:1 "${CA[@]}"
expect_exit "$EXIT_NETWORK"
expect_stderr_contains "warning: SSLKEYLOGFILE $CASE_DIR/k not used: it is a symlink"
expect_equal "victim" "$(cat "$CASE_DIR/victim")" victim

# ---- --debug 4 -------------------------------------------------------------------------

case_begin "--debug 4, TLS 1.2: no secret of the key log in the log"
start_srv -tls1_2
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --debug 4 --keylog "$CASE_DIR/k"
expect_exit 0
keylog_matches "$CASE_DIR/k" 1
no_secret_in_log "$CASE_DIR/k"
expect_stderr_contains "'master secret' not shown (key material"

case_begin "--debug 4, TLS 1.3 and a resumed handshake: no secret in the log"
start_srv -tls1_3
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --debug 4 --keylog "$CASE_DIR/k1" \
  --sess-out "$CASE_DIR/s"
expect_exit 0
keylog_matches "$CASE_DIR/k1" 4
no_secret_in_log "$CASE_DIR/k1"
expect_stderr_contains "'resumption_master_secret' not shown"
expect_stderr_contains "'Ticket-resumed PSK' not shown"
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --debug 4 --keylog "$CASE_DIR/k2" \
  --sess-in "$CASE_DIR/s"
expect_exit 0
expect_summary resumed yes
keylog_matches "$CASE_DIR/k2" 4
no_secret_in_log "$CASE_DIR/k2"
expect_stderr_contains "'psk binder' not shown"

# ---- --psk and --key-pass from the environment or a file -----------------------------------

PSK_ID=device1 PSK_HEX=0123456789abcdef0123456789abcdef
start_psk() {
  start_openssl -psk "$PSK_HEX" -psk_identity "$PSK_ID" -nocert -tls1_2 \
    -cipher PSK-AES128-GCM-SHA256
}

case_begin "--psk env:VAR, file:PATH and @PATH connect (a PSK server)"
start_psk
printf '%s:%s\n' "$PSK_ID" "$PSK_HEX" > "$CASE_DIR/psk"
chmod 600 "$CASE_DIR/psk"
TLSC_TEST_PSK="$PSK_ID:$PSK_HEX" run_tlsc connect "localhost:$SRV_PORT" --psk env:TLSC_TEST_PSK --summary
expect_exit 0
expect_summary verify psk
run_tlsc connect "localhost:$SRV_PORT" --psk "file:$CASE_DIR/psk" --summary
expect_exit 0
run_tlsc connect "localhost:$SRV_PORT" --psk "@$CASE_DIR/psk" --summary
expect_exit 0
expect_summary verify psk

case_begin "--psk sources that cannot be used: exit 3 naming the option"
run_tlsc connect localhost:1 --psk env:TLSC_TEST_UNSET_VARIABLE
expect_exit "$EXIT_CONFIG"
expect_stderr_contains "--psk: environment variable TLSC_TEST_UNSET_VARIABLE is not set"
mkfifo "$CASE_DIR/fifo"
run_tlsc connect localhost:1 --psk "@$CASE_DIR/fifo"
expect_exit "$EXIT_CONFIG"
expect_stderr_contains "--psk: $CASE_DIR/fifo: a FIFO, not a regular file"
echo "no-colon" > "$CASE_DIR/bad"
run_tlsc connect localhost:1 --psk "file:$CASE_DIR/bad"
expect_exit "$EXIT_CONFIG"
expect_stderr_contains "--psk: expected IDENTITY:HEXKEY"

case_begin "--key-pass env:VAR and file:PATH decrypt the client key (a server requiring it)"
start_srv -tls1_3 -Verify 1 -CAfile "$PKI/client-ca.pem"
echo secret > "$CASE_DIR/pass"
KEY=(--cert "$PKI/client-ec.pem" --key "$PKI/client-ec.enc.p8.pem")
TLSC_TEST_PASS=secret run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" "${KEY[@]}" \
  --key-pass env:TLSC_TEST_PASS --summary
expect_exit 0
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" "${KEY[@]}" --key-pass "file:$CASE_DIR/pass" --summary
expect_exit 0
TLSC_TEST_PASS=wrong run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" "${KEY[@]}" \
  --key-pass env:TLSC_TEST_PASS
expect_exit "$EXIT_CONFIG"
expect_stderr_contains "wrong password"
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" "${KEY[@]}" --key-pass "file:$CASE_DIR/nonexistent"
expect_exit "$EXIT_CONFIG"
expect_stderr_contains "--key-pass: $CASE_DIR/nonexistent: No such file or directory"

finish
