#!/usr/bin/env bash
# tests/device/cli.sh REPO DEPS_DIR BUILD_DIR — the tlsc command as firmware
# on the emulated Cortex-M4 board (scripts/tlsc-qemu: QEMU mps2-an386, lwIP,
# LAN9118) against real servers on the host, with tests/interop/lib.sh's
# cases and assertions (TLSC_BIN is scripts/tlsc-qemu). The firmware is
# built first into BUILD_DIR/PROFILE (shared with build_cortex_m4's
# archives). Each case is one new QEMU process.
set -u
repo=${1:?usage: cli.sh REPO DEPS_DIR BUILD_DIR}
export TLSC_DEPS_DIR=${2:?} TLSC_QEMU_BUILD=${3:?}
export TLSC_BIN=$repo/scripts/tlsc-qemu
TLSC_RUN_LIMIT=60
source "$repo/tests/interop/lib.sh"
for p in full small4k; do
  TLSC_PROFILE=$p "$TLSC_BIN" --build || die "firmware build ($p)"
done
setup_pki

# The device's own figures follow tlsc's summary on stderr.
expect_device_figures() {
  local k
  for k in stack_peak_bytes arena_peak_bytes handshake_instructions flash_bytes static_ram_bytes; do
    expect_summary_re "$k" '^[1-9][0-9]*$'
  done
}

case_begin "verified TLS 1.3 handshake (connect --summary)"
start_openssl -tls1_3 -cert "$PKI/server-p256.pem" -key "$PKI/server-p256.key" -cert_chain "$PKI/int.pem"
run_tlsc connect "localhost:$SRV_PORT" --ca "$PKI/root.pem" --summary
expect_exit 0
expect_summary protocol TLSv1.3
expect_summary verify ok
expect_summary_complete
expect_device_figures

case_begin "connect relays stdin (a host file) and the server's answer"
start_openssl -tls1_3 -cert "$PKI/server-p256.pem" -key "$PKI/server-p256.key" -cert_chain "$PKI/int.pem"
run_tlsc_input 'hello device\n' 0 connect "localhost:$SRV_PORT" --ca "$PKI/root.pem" --timeout 2000
expect_exit 0
expect_stdout_contains "ecived olleh"

case_begin "wrong host name: the exact error line"
start_openssl -tls1_3 -cert "$PKI/server-p256.pem" -key "$PKI/server-p256.key" -cert_chain "$PKI/int.pem"
run_tlsc connect "127.0.0.1:$SRV_PORT" --servername wrong.example --ca "$PKI/root.pem" --summary
expect_exit 9
expect_stderr_contains "tlsc: server certificate is not valid for the requested host name: hostname mismatch: wanted wrong.example, certificate has DNS:localhost"

case_begin "small4k: TLS 1.2 with 4 KiB records (max_fragment_length)"
start_openssl -tls1_2 -cert "$PKI/server-p256.pem" -key "$PKI/server-p256.key" -cert_chain "$PKI/int.pem"
TLSC_PROFILE=small4k run_tlsc connect "localhost:$SRV_PORT" --ca "$PKI/root.pem" --tls1.2 --buffers 4096 --summary
expect_exit 0
expect_summary protocol TLSv1.2
expect_summary verify ok
expect_summary record_limit "in=4096 out=1024"
expect_device_figures

case_begin "mutual TLS to openssl s_server -Verify"
start_openssl -tls1_3 -cert "$PKI/server-p256.pem" -key "$PKI/server-p256.key" -cert_chain "$PKI/int.pem" \
  -Verify 1 -CAfile "$PKI/client-ca.pem"
run_tlsc connect "localhost:$SRV_PORT" --ca "$PKI/root.pem" --cert "$PKI/client-ec.pem" \
  --key "$PKI/client-ec.key" --summary
expect_exit 0
expect_summary verify ok
expect_summary client_cert "sent, accepted"
expect_server_log 'CN *= *tlsc-client-ec'

case_begin "session saved by one boot, resumed by a new QEMU process (deep sleep)"
start_openssl -tls1_3 -cert "$PKI/server-p256.pem" -key "$PKI/server-p256.key" -cert_chain "$PKI/int.pem"
run_tlsc connect "localhost:$SRV_PORT" --ca "$PKI/root.pem" --summary --sess-out "$CASE_DIR/sess.bin"
expect_exit 0
expect_summary resumed no
[ -s "$CASE_DIR/sess.bin" ] || fail "no session file written through semihosting"
# Written through a temporary file renamed into place, kept private.
[ "$(stat -c %a "$CASE_DIR/sess.bin")" = 600 ] || fail "session file mode $(stat -c %a "$CASE_DIR/sess.bin")"
compgen -G "$CASE_DIR/sess.bin.tlsc-*" > /dev/null && fail "temporary file left: $(ls "$CASE_DIR")"
run_tlsc connect "localhost:$SRV_PORT" --ca "$PKI/root.pem" --summary --sess-in "$CASE_DIR/sess.bin"
expect_exit 0
expect_summary resumed yes

case_begin "PSK to mosquitto"
port=$(_random_free_port)
printf 'device:%s\n' 00112233445566778899aabbccddeeff > "$CASE_DIR/psk.txt"
cat > "$CASE_DIR/mosquitto.conf" <<CONF
listener $port 127.0.0.1
psk_hint tlsc
psk_file $CASE_DIR/psk.txt
allow_anonymous true
CONF
chmod a+rX "$T" "$CASE_DIR" "$CASE_DIR/psk.txt" # mosquitto drops root for its own user
_next_log
_spawn "$SRV_LOG" mosquitto -c "$CASE_DIR/mosquitto.conf" -v
_wait_for_log "$SRV_PID" "$SRV_LOG" 'listen socket on port' 10 || fail "mosquitto did not start"
printf 'device:00112233445566778899aabbccddeeff\n' > "$CASE_DIR/psk.secret"
run_tlsc connect "localhost:$port" --psk "file:$CASE_DIR/psk.secret" --summary
expect_exit 0
expect_summary verify psk

case_begin "1 MiB verified download in 64 KiB Range pieces, connection cut midway"
source "$repo/tests/event/nginx_start.sh"
nginx=$(command -v nginx || echo /usr/sbin/nginx)
NG=$CASE_DIR/nginx
mkdir -p "$NG/logs" "$NG/tmp" "$NG/www"
head -c 1048576 /dev/urandom > "$NG/www/1m"
chmod -R a+rX "$T" # nginx's workers drop root for their own user
source "$repo/tests/device/nginx_conf.sh"
write_ng_conf() {
  device_nginx_conf "$NG" "$1" TLSv1.3 "$NG/www" "$PKI/server-p256-chain.pem" "$PKI/server-p256.key"
}
if nginx_start "$NG" write_ng_conf; then
  HELPER_PIDS+=("$NGINX_PID")
  _next_log
  _spawn "$SRV_LOG" python3 "$repo/tests/interop/cutrelay.py" "$NGINX_PORT" 300000
  _wait_for_log "$SRV_PID" "$SRV_LOG" '^PORT [0-9]+' 10 || fail "relay did not start"
  rport=$(sed -n 's/^PORT //p' "$SRV_LOG" | head -1)
  run_tlsc get "https://127.0.0.1:$rport/1m" --range-chunk 65536 -o "$CASE_DIR/out" \
    --sha256 "$(sha256sum "$NG/www/1m" | cut -d' ' -f1)" --size 1048576 --stats --ca "$PKI/root.pem"
  expect_exit 0
  cmp -s "$NG/www/1m" "$CASE_DIR/out" || fail "downloaded file differs"
  compgen -G "$CASE_DIR/out.tlsc-*" > /dev/null && fail "temporary file left: $(ls "$CASE_DIR")"
  grep -q '^CUT' "$SRV_LOG" || fail "the relay never cut the connection"
  expect_summary connections 2
  expect_summary resumed 1
  expect_device_figures
else
  fail "nginx did not start: $(tail -3 "$NG/logs/error.log")"
fi

case_begin "unsupported options: a usage error"
run_tlsc connect "localhost:1" --ca "$PKI/root.pem" --driver event --summary
expect_exit 2
expect_stderr_contains "--driver event is not available in the device build"
run_tlsc connect "localhost:1" --ca "$PKI/root.pem" --cert "$PKI/client-ec.pem" \
  --key "pkcs11:token=tlsc;object=client" --summary
expect_exit 2
expect_stderr_contains "tlsc: --key pkcs11:...: PKCS#11 is not available in the device build"
run_tlsc connect "localhost:1" --ca "$PKI/root.pem" --cert "$PKI/client-ec.pem" \
  --key "$PKI/client-ec.key" --pkcs11-module /usr/lib/softhsm/libsofthsm2.so --summary
expect_exit 2
expect_stderr_contains "--pkcs11-module needs --key pkcs11:"

case_begin "secrets: env: is refused (no environment), a missing file is named"
run_tlsc connect "localhost:1" --psk env:TLSC_PSK --summary
expect_exit 3
expect_stderr_contains "tlsc: configuration error (see the detail message): --psk: env:TLSC_PSK: there is no environment on the device (use file:PATH or pass:TEXT)"
run_tlsc connect "localhost:1" --psk "@$CASE_DIR/missing" --summary
expect_exit 3
expect_stderr_contains "--psk: $CASE_DIR/missing: cannot open (host file, semihosting)"

case_begin "an error detail with sizes prints them (newlib has no %zu)"
run_tlsc connect "localhost:1" --ca "$PKI/root.pem" --buffers 100 --summary
expect_exit 3
expect_stderr_contains "record buffers in=100 out=100: each must be 0 (the maximum) or 512..16384 (in) / 512..16384 (out) bytes in this build"

finish
