#!/usr/bin/env bash
# tests/interop/pkcs11.sh — client keys that never leave a PKCS#11 token
# (`--key pkcs11:...`, tlsc_config_set_client_signer).
#
# A SoftHSM2 token is created at test time in the temp dir (SOFTHSM2_CONF
# points there); its keys are generated inside it, sensitive and never
# extractable; certificates for their public keys are issued by the test
# client CA. Mutual TLS with ECDSA P-256, P-384 and RSA-2048 token keys,
# TLS 1.2 and 1.3, against `openssl s_server -Verify 1 -verify_return_error`
# and nginx (ssl_verify_client on), through the blocking and the event
# driver; then the failures, each of which must name the signer and why.
source "$(dirname "$0")/lib.sh"

SOFTHSM=/usr/lib/softhsm/libsofthsm2.so
[ -f "$SOFTHSM" ] || die "SoftHSM2 missing ($SOFTHSM, apt-get install softhsm2)"
for c in softhsm2-util pkcs11-tool p11tool; do
  command -v "$c" >/dev/null || die "$c missing (apt-get install softhsm2 opensc gnutls-bin)"
done

setup_pki

# ---- the token --------------------------------------------------------------------

PIN=4711
export SOFTHSM2_CONF=$T/softhsm2.conf
mkdir -p "$T/tokens"
printf 'directories.tokendir = %s\nobjectstore.backend = file\nlog.level = ERROR\n' \
  "$T/tokens" > "$SOFTHSM2_CONF"
softhsm2-util --init-token --free --label dev --pin "$PIN" --so-pin 87654321 \
  > "$T/token.log" 2>&1 || die "softhsm2-util: $(tail -2 "$T/token.log")"

cat > "$T/client.cnf" <<'CNF'
[ client_ext ]
basicConstraints = critical, CA:FALSE
keyUsage = critical, digitalSignature
extendedKeyUsage = clientAuth
subjectKeyIdentifier = hash
authorityKeyIdentifier = keyid:always
CNF

# token_key LABEL ID TYPE [pkcs11-tool options]: a key pair made inside the
# token, and $T/LABEL.pem, a certificate for its public key.
token_key() {
  local label=$1 id=$2 type=$3; shift 3
  pkcs11-tool --module "$SOFTHSM" --token-label dev --login --pin "$PIN" --keypairgen \
    --key-type "$type" --label "$label" --id "$id" --usage-sign "$@" >> "$T/token.log" 2>&1 ||
    die "pkcs11-tool keypairgen $label: $(tail -2 "$T/token.log")"
  p11tool --provider "$SOFTHSM" --login --set-pin="$PIN" --export-pubkey "pkcs11:token=dev;object=$label" \
    --outfile "$T/$label.pub" >> "$T/token.log" 2>&1 || die "p11tool export $label"
  openssl x509 -new -force_pubkey "$T/$label.pub" -subj "/CN=tlsc-token-$label" \
    -CA "$PKI/client-ca.pem" -CAkey "$PKI/client-ca.key" -days 2 -sha256 \
    -extfile "$T/client.cnf" -extensions client_ext -out "$T/$label.pem" 2>> "$T/token.log" ||
    die "certificate for $label"
}

token_key ec256 01 EC:prime256v1
token_key ec384 02 EC:secp384r1
token_key rsa2048 03 rsa:2048
# Needs a context-specific login before each signature (CKA_ALWAYS_AUTHENTICATE):
# the token refuses C_Sign with CKR_USER_NOT_LOGGED_IN.
token_key alwaysauth 04 EC:prime256v1 --always-auth

# The keys really are inside: sensitive, never extractable.
pkcs11-tool --module "$SOFTHSM" --token-label dev --login --pin "$PIN" --list-objects \
  --type privkey > "$T/objects.txt" 2>&1
[ "$(grep -c 'never extractable' "$T/objects.txt")" = 4 ] ||
  die "token keys are not all non-extractable: $(cat "$T/objects.txt")"

key_uri() { printf 'pkcs11:token=dev;object=%s' "$1"; }
MOD=(--pkcs11-module "$SOFTHSM")
CA=(--ca "$PKI/root.pem")
MTLS=(-Verify 1 -verify_return_error -CAfile "$PKI/client-ca.pem")

serve() { # VERSION-FLAG [more s_server options]
  local flag=$1; shift
  start_openssl -cert "$PKI/server-p256.pem" -key "$PKI/server-p256.key" \
    -cert_chain "$PKI/int.pem" "${MTLS[@]}" "$flag" "$@"
}

# ---- mutual TLS with token keys ------------------------------------------------------

for driver in blocking event; do
  for v in 1.2 1.3; do
    for k in ec256 ec384 rsa2048; do
      [ "$k" = rsa2048 ] && [ "$v" = 1.3 ] && continue # TLS 1.2 only, see below
      case_begin "$driver driver, TLS $v, $k token key: openssl s_server -Verify accepts the client"
      serve "-tls${v/./_}"
      run_tlsc_input 'ping\nCLOSE\n' 5 connect "127.0.0.1:$SRV_PORT" "${CA[@]}" --cert "$T/$k.pem" \
        --key "$(key_uri "$k")" --key-pass "$PIN" "${MOD[@]}" --driver "$driver"
      expect_exit 0
      expect_summary protocol "TLSv$v"
      expect_stdout_contains gnip
      expect_server_log "depth=0 CN = tlsc-token-$k"
    done
  done
done

case_begin "TLS 1.2 with a SHA-384 suite: the P-256 token key signs a SHA-384 hash"
serve -tls1_2 -cipher ECDHE-ECDSA-AES256-GCM-SHA384
run_tlsc connect "127.0.0.1:$SRV_PORT" "${CA[@]}" --cert "$T/ec256.pem" \
  --key "$(key_uri ec256)" --key-pass "$PIN" "${MOD[@]}" --summary
expect_exit 0
expect_summary cipher TLS_ECDHE_ECDSA_WITH_AES_256_GCM_SHA384
expect_server_log "depth=0 CN = tlsc-token-ec256"

case_begin "RSA token key, server offers TLS 1.2 and 1.3: TLS 1.2 (no RSA-PSS from a signer)"
serve -no_tls1_1
run_tlsc connect "127.0.0.1:$SRV_PORT" "${CA[@]}" --cert "$T/rsa2048.pem" \
  --key "$(key_uri rsa2048)" --key-pass "$PIN" "${MOD[@]}" --summary
expect_exit 0
expect_summary protocol TLSv1.2
expect_server_log "depth=0 CN = tlsc-token-rsa2048"

case_begin "RSA token key with --tls1.3: refused before connecting, saying why"
run_tlsc connect 127.0.0.1:9 "${CA[@]}" --cert "$T/rsa2048.pem" --key "$(key_uri rsa2048)" \
  --key-pass "$PIN" "${MOD[@]}" --tls1.3
expect_exit 3
expect_stderr_contains "a signer's RSA key allows TLS 1.2 only"

case_begin "default module (p11-kit proxy), PIN from pin-value in the URI, hidden in messages"
serve -tls1_3
run_tlsc connect "127.0.0.1:$SRV_PORT" "${CA[@]}" --cert "$T/ec256.pem" \
  --key "pkcs11:token=dev;object=ec256;pin-value=$PIN" --summary
expect_exit 0
expect_server_log "depth=0 CN = tlsc-token-ec256"

case_begin "PIN from --key-pass env:VAR, key chosen by id="
serve -tls1_3
export TOKEN_PIN=$PIN
run_tlsc connect "127.0.0.1:$SRV_PORT" "${CA[@]}" --cert "$T/ec384.pem" \
  --key "pkcs11:token=dev;id=%02" --key-pass env:TOKEN_PIN "${MOD[@]}" --summary
expect_exit 0
expect_server_log "depth=0 CN = tlsc-token-ec384"

case_begin "PIN from the URI's pin-source file"
printf '%s\n' "$PIN" > "$T/pin.txt"
serve -tls1_2
run_tlsc connect "127.0.0.1:$SRV_PORT" "${CA[@]}" --cert "$T/ec256.pem" \
  --key "pkcs11:token=dev;object=ec256;pin-source=file:$T/pin.txt" "${MOD[@]}" --summary
expect_exit 0

# ---- nginx ------------------------------------------------------------------------------

# _write_conf PORT: ssl_verify_client on; /secure/ answers with the
# client's DN (start_nginx_with, lib.sh).
_write_conf() {
  local port=$1 d=$T/nginx
  cat > "$d/nginx.conf" <<CONF
daemon off;
master_process off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log info;
events { worker_connections 16; }
http {
  access_log $d/access.log;
  client_body_temp_path $d/body;
  proxy_temp_path $d/proxy;
  fastcgi_temp_path $d/fastcgi;
  uwsgi_temp_path $d/uwsgi;
  scgi_temp_path $d/scgi;
  server {
    listen 127.0.0.1:$port ssl;
    ssl_protocols TLSv1.2 TLSv1.3;
    ssl_certificate $PKI/server-p256-chain.pem;
    ssl_certificate_key $PKI/server-p256.key;
    ssl_client_certificate $PKI/client-ca.pem;
    ssl_verify_client on;
    location /secure/ { return 200 "client=\$ssl_client_s_dn verify=\$ssl_client_verify proto=\$ssl_protocol\n"; }
  }
}
CONF
}

if command -v nginx >/dev/null || [ -x /usr/sbin/nginx ]; then
  PATH=$PATH:/usr/sbin
  case_begin "nginx starts (ssl_verify_client on)"
  start_nginx_with "$T/nginx" _write_conf
  run_tlsc get "https://127.0.0.1:$NGX_PORT/secure/" "${CA[@]}" -o "$CASE_DIR/none.txt"
  expect_exit 13 # no client certificate: nginx answers 400
  expect_stderr_contains "server answered 400"
  for v in 1.2 1.3; do
    for k in ec256 rsa2048; do
      [ "$k" = rsa2048 ] && [ "$v" = 1.3 ] && continue
      case_begin "nginx /secure/, TLS $v, $k token key"
      run_tlsc get "https://127.0.0.1:$NGX_PORT/secure/" "${CA[@]}" --cert "$T/$k.pem" \
        --key "$(key_uri "$k")" --key-pass "$PIN" "${MOD[@]}" "--tls$v" -o "$CASE_DIR/page.txt"
      expect_exit 0
      grep -q "client=CN=tlsc-token-$k verify=SUCCESS proto=TLSv$v" "$CASE_DIR/page.txt" ||
        fail "nginx answered: $(cat "$CASE_DIR/page.txt" 2>/dev/null)"
    done
  done
  case_end
  stop_nginx
else
  note "nginx not installed: nginx cases skipped"
fi

# tlsc mqtt shares the TLS options (tools/cli_tls.c): a token key
# authenticates to mosquitto with require_certificate, and the broker takes
# the certificate's CN as the user name.
MOSQ=$(command -v mosquitto || echo /usr/sbin/mosquitto)
if [ -x "$MOSQ" ]; then
  case_begin "tlsc mqtt pub with the P-256 token key: mosquitto require_certificate"
  MQ_PORT=$(_random_free_port)
  cat > "$T/mosquitto.conf" <<MQCONF
per_listener_settings true
user $(id -un)
log_dest stderr
log_type all
listener $MQ_PORT 127.0.0.1
certfile $PKI/server-p256-chain.pem
keyfile $PKI/server-p256.key
cafile $PKI/client-ca.pem
require_certificate true
use_identity_as_username true
allow_anonymous false
MQCONF
  _spawn "$T/mosquitto.log" "$MOSQ" -c "$T/mosquitto.conf"
  _wait_for_log "$SRV_PID" "$T/mosquitto.log" "listen socket on port $MQ_PORT" 10 ||
    fail "mosquitto did not start: $(tail -3 "$T/mosquitto.log")"
  run_tlsc mqtt pub "127.0.0.1:$MQ_PORT" "${CA[@]}" --servername localhost --cert "$T/ec256.pem" \
    --key "$(key_uri ec256)" --key-pass "$PIN" "${MOD[@]}" -t token/reading -m 21.5 -q 1
  expect_exit 0
  grep -q "u'tlsc-token-ec256'" "$T/mosquitto.log" ||
    fail "mosquitto did not see the token's certificate: $(grep -i 'client' "$T/mosquitto.log" | tail -3)"
  case_end
else
  note "mosquitto not installed: the MQTT case is skipped"
fi

# ---- failures: each names the signer and the reason --------------------------------

case_begin "certificate for another key of the same type: refused at configuration time"
run_tlsc connect 127.0.0.1:9 "${CA[@]}" --cert "$T/alwaysauth.pem" --key "$(key_uri ec256)" \
  --key-pass "$PIN" "${MOD[@]}"
expect_exit 3
expect_stderr_contains "client key signer 'pkcs11:token=dev;object=ec256' signs with a key that does not match the client certificate"

case_begin "certificate for a key of another size: refused at configuration time"
run_tlsc connect 127.0.0.1:9 "${CA[@]}" --cert "$T/ec384.pem" --key "$(key_uri ec256)" \
  --key-pass "$PIN" "${MOD[@]}"
expect_exit 3
expect_stderr_contains "client key signer 'pkcs11:token=dev;object=ec256' signs with a key that does not match the client certificate's public key (a 64-byte signature, expected 96)"

case_begin "missing object"
run_tlsc connect 127.0.0.1:9 "${CA[@]}" --cert "$T/ec256.pem" --key "$(key_uri nosuchkey)" \
  --key-pass "$PIN" "${MOD[@]}"
expect_exit 3
expect_stderr_contains "client key signer 'pkcs11:token=dev;object=nosuchkey': no private key matches the URI"

case_begin "missing token"
run_tlsc connect 127.0.0.1:9 "${CA[@]}" --cert "$T/ec256.pem" \
  --key "pkcs11:token=nosuchtoken;object=ec256" --key-pass "$PIN" "${MOD[@]}"
expect_exit 3
expect_stderr_contains "no token matches the URI"

case_begin "wrong PIN"
run_tlsc connect 127.0.0.1:9 "${CA[@]}" --cert "$T/ec256.pem" --key "$(key_uri ec256)" \
  --key-pass 0000 "${MOD[@]}"
expect_exit 3
expect_stderr_contains "C_Login: CKR_PIN_INCORRECT"

case_begin "no PIN (not logged in): the private key is not visible"
run_tlsc connect 127.0.0.1:9 "${CA[@]}" --cert "$T/ec256.pem" --key "$(key_uri ec256)" "${MOD[@]}"
expect_exit 3
expect_stderr_contains "is the PIN given?"

case_begin "a token that refuses to sign: the configuration-time signature fails"
run_tlsc connect 127.0.0.1:9 "${CA[@]}" --cert "$T/alwaysauth.pem" --key "$(key_uri alwaysauth)" \
  --key-pass "$PIN" "${MOD[@]}"
expect_exit 3
expect_stderr_contains "client key signer 'pkcs11:token=dev;object=alwaysauth' failed: C_Sign: CKR_USER_NOT_LOGGED_IN"

case_begin "module that does not exist"
run_tlsc connect 127.0.0.1:9 "${CA[@]}" --cert "$T/ec256.pem" --key "$(key_uri ec256)" \
  --key-pass "$PIN" --pkcs11-module "$T/nosuch.so"
expect_exit 3
expect_stderr_contains "cannot load PKCS#11 module $T/nosuch.so"

case_begin "not a PKCS#11 URI"
run_tlsc connect 127.0.0.1:9 "${CA[@]}" --cert "$T/ec256.pem" --key "pkcs11:token=dev;bogus" \
  --key-pass "$PIN" "${MOD[@]}"
expect_exit 3
expect_stderr_contains "not a PKCS#11 URI"

case_begin "PIN never shown: pin-value is masked in messages"
run_tlsc connect 127.0.0.1:9 "${CA[@]}" --cert "$T/ec384.pem" \
  --key "pkcs11:token=dev;object=ec256;pin-value=$PIN" "${MOD[@]}"
expect_exit 3
expect_stderr_contains "pin-value=***"
expect_stderr_not_contains "pin-value=$PIN"

finish
