#!/usr/bin/env bash
# tests/mqtt/mqtt.sh SCENARIO... — MQTT over TLS against a real mosquitto.
# Makes a fresh PKI (tests/pki/gen.sh), writes a mosquitto configuration
# with five TLS listeners on free 127.0.0.1 ports (TLS 1.3 and 1.2 with a
# server certificate from the private CA; mutual TLS with
# require_certificate + use_identity_as_username + an ACL that allows
# ok/# only; PSK over TLS 1.2 and 1.3 with psk_hint/psk_file), starts
# mosquitto, and runs each SCENARIO of test_mqtt_client (env TLSC_MQTT_TEST)
# and of the CLI (cli-*, env TLSC_BIN). The last line is
# "N passed, M failed".
set -u
: "${TLSC_MQTT_TEST:?}" "${TLSC_PKI_GEN:?}"
MOSQUITTO=${MOSQUITTO:-$(command -v mosquitto || echo /usr/sbin/mosquitto)}
T=$(mktemp -d)
PKI=$T/pki
MOSQ_PID=
cleanup() {
  [ -n "$MOSQ_PID" ] && kill "$MOSQ_PID" 2>/dev/null && wait "$MOSQ_PID" 2>/dev/null
  # a broker restarted by a scenario (test_mqtt_client restart)
  [ -s "$T/mosquitto.pid" ] && kill "$(cat "$T/mosquitto.pid")" 2>/dev/null && sleep 0.2
  [ "${TLSC_KEEP_TMP:-0}" = 1 ] && echo "# kept $T" || rm -rf "$T"
}
trap cleanup EXIT

free_port() {
  local port hex i
  for ((i = 0; i < 100; i++)); do
    port=$((20000 + (RANDOM * 32768 + RANDOM + $$) % 12000))
    hex=$(printf ':%04X ' "$port")
    grep -q "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null || { echo "$port"; return; }
  done
  echo $((20000 + RANDOM % 12000))
}

TLSC_PKI_NO_RSA4096=1 bash "$TLSC_PKI_GEN" "$PKI" > "$T/pki.log" 2>&1 ||
  { echo "PKI generation failed: $(tail -3 "$T/pki.log")"; echo "0 passed, 1 failed"; exit 1; }

export MQTT_PSK_ID=tlsc-device MQTT_PSK_KEY=7d1f5e3c2b4a69788796a5b4c3d2e1f0
echo "$MQTT_PSK_ID:$MQTT_PSK_KEY" > "$T/psk"
# The ACL of the mTLS listener: mosquitto's acl_file never refuses a
# SUBSCRIBE (it only filters delivery), so the refusal per topic comes
# from its dynamic-security plugin: forbidden/# is denied to the device.
cat > "$T/dynsec.json" <<'JSON'
{"clients":[{"username":"tlsc-client-ec","roles":[{"rolename":"device"}]}],
 "groups":[],
 "roles":[{"rolename":"device","acls":[
   {"acltype":"subscribePattern","topic":"forbidden/#","priority":1,"allow":false},
   {"acltype":"publishClientSend","topic":"forbidden/#","priority":1,"allow":false},
   {"acltype":"subscribePattern","topic":"#","priority":0,"allow":true},
   {"acltype":"publishClientSend","topic":"#","priority":0,"allow":true},
   {"acltype":"publishClientReceive","topic":"#","priority":0,"allow":true}]}],
 "defaultACLAccess":{"publishClientSend":false,"publishClientReceive":true,"subscribe":false,"unsubscribe":true}}
JSON

start_broker() {
  P13=$(free_port); P12=$(free_port); PM=$(free_port); PP12=$(free_port); PP13=$(free_port)
  cat > "$T/mosquitto.conf" <<CONF
per_listener_settings true
persistence true
persistence_location $T/
autosave_interval 1
pid_file $T/mosquitto.pid
user $(id -un)
log_dest stderr
log_type error
log_type warning
log_type notice
log_type information

listener $P13 127.0.0.1
certfile $PKI/server-p256-chain.pem
keyfile $PKI/server-p256.key
tls_version tlsv1.3
allow_anonymous true

listener $P12 127.0.0.1
certfile $PKI/server-p256-chain.pem
keyfile $PKI/server-p256.key
tls_version tlsv1.2
allow_anonymous true

listener $PM 127.0.0.1
certfile $PKI/server-p256-chain.pem
keyfile $PKI/server-p256.key
cafile $PKI/client-ca.pem
require_certificate true
use_identity_as_username true
plugin ${DYNSEC:-/usr/lib/x86_64-linux-gnu/mosquitto_dynamic_security.so}
plugin_opt_config_file $T/dynsec.json
tls_version tlsv1.2
allow_anonymous false

listener $PP12 127.0.0.1
psk_hint tlsc
psk_file $T/psk
use_identity_as_username true
tls_version tlsv1.2
allow_anonymous false

listener $PP13 127.0.0.1
psk_hint tlsc
psk_file $T/psk
use_identity_as_username true
tls_version tlsv1.3
ciphers_tls1.3 TLS_AES_128_GCM_SHA256:TLS_AES_256_GCM_SHA384:TLS_CHACHA20_POLY1305_SHA256
allow_anonymous false
CONF
  "$MOSQUITTO" -c "$T/mosquitto.conf" >> "$T/mosquitto.log" 2>&1 &
  MOSQ_PID=$!
  local i
  for ((i = 0; i < 100; i++)); do
    for p in $P13 $P12 $PM $PP12 $PP13; do
      grep -q "$(printf ':%04X ' "$p")" /proc/net/tcp || continue 2
    done
    export MQTT_PORT_TLS13=$P13 MQTT_PORT_TLS12=$P12 MQTT_PORT_MTLS=$PM \
           MQTT_PORT_PSK12=$PP12 MQTT_PORT_PSK13=$PP13
    return 0
  done
  return 1
}
export MQTT_CONF=$T/mosquitto.conf MQTT_PID_FILE=$T/mosquitto.pid MQTT_LOG=$T/mosquitto.log MOSQUITTO
export MQTT_CA=$PKI/root.pem MQTT_CLIENT_CERT=$PKI/client-ec.pem MQTT_CLIENT_KEY=$PKI/client-ec.key
export MQTT_RECONNECTS=${MQTT_RECONNECTS:-100}

passed=0 failed=0
if ! start_broker; then
  echo "mosquitto did not start:"; tail -5 "$T/mosquitto.log"
  echo "0 passed, 1 failed"; exit 1
fi
for s in "$@"; do
  if [ "$s" = malformed ]; then
    python3 "$(dirname "$0")/badbroker.py" "$PKI/server-p256-chain.pem" "$PKI/server-p256.key" \
      badlen wrongid twice before refuse toolarge badutf8 badflags silent alias5 refuse5 disc5 > "$T/bad.log" 2>&1 &
    BAD_PID=$!
    for ((i = 0; i < 100; i++)); do grep -qs '^PORT' "$T/bad.log" && break; sleep 0.05; done
    export MQTT_PORT_BAD=$(sed -n 's/^PORT //p' "$T/bad.log")
  fi
  if [[ $s == cli-* ]]; then
    out=$(bash "$(dirname "$0")/cli.sh" "${s#cli-}" "$T" 2>&1)
  else
    out=$("$TLSC_MQTT_TEST" "$s" 2>&1)
  fi
  rc=$?
  [ "$s" = malformed ] && { kill "$BAD_PID" 2>/dev/null; wait "$BAD_PID" 2>/dev/null; }
  echo "$out" | sed 's/^/  /'
  if [ $rc -eq 0 ]; then
    passed=$((passed + 1)); echo "PASS $s"
  else
    failed=$((failed + 1)); echo "FAIL $s (status $rc)"
    tail -15 "$T/mosquitto.log" | sed 's/^/  mosquitto: /'
  fi
done
echo "$passed passed, $failed failed"
