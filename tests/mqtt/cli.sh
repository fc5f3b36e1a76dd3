#!/usr/bin/env bash
# tests/mqtt/cli.sh CASE DIR — `tlsc mqtt pub|sub` against the mosquitto of
# mqtt.sh (ports, CA, client certificate in the environment), and against
# mosquitto_pub / mosquitto_sub in both directions. Exit 0 when CASE passed.
set -u
case_name=$1 D=$2/cli-$1
mkdir -p "$D"
B=${TLSC_BIN:?}
CA=(--ca "$MQTT_CA")
H=localhost:$MQTT_PORT_TLS13
ok=0
check() { # WHAT CONDITION...
  local what=$1; shift
  if "$@"; then echo "ok: $what"; else echo "FAILED: $what"; ok=1; fi
}
same() { [ "$1" = "$2" ] || { echo "  got:  $(printf %q "$1")"; echo "  want: $(printf %q "$2")"; return 1; }; }
has() { grep -q -- "$2" "$1" || { echo "  $1 lacks '$2':"; sed 's/^/    /' "$1"; return 1; }; }

# a subscriber in the background, ready once its --summary line is out
start_sub() { # OUT ERR ARGS...
  local out=$1 err=$2; shift 2
  "$B" mqtt sub "$@" --summary > "$out" 2> "$err" &
  SUB_PID=$!
  for ((i = 0; i < 100; i++)); do grep -qs '^mqtt: ' "$err" && sleep 0.2 && return 0; sleep 0.05; done
  return 1
}
start_mosq_sub() { # OUT ARGS...
  local out=$1; shift
  mosquitto_sub -h localhost -p "$MQTT_PORT_TLS13" --cafile "$MQTT_CA" --tls-version tlsv1.3 \
    "$@" > "$out" 2> "$out.err" &
  SUB_PID=$!
  sleep 0.7
}

case $case_name in
roundtrip)
  for v in 311 5; do
    start_sub "$D/out$v" "$D/err$v" "$H" "${CA[@]}" -V $v -t "rt$v/#" -q 2 -v -C 4 -W 10 || echo "sub not up"
    for q in 0 1 2; do "$B" mqtt pub "$H" "${CA[@]}" -V $v -t "rt$v/q$q" -m "m$q" -q $q; done
    printf 'line one\nline two' | "$B" mqtt pub "$H" "${CA[@]}" -V $v -t "rt$v/l" -l -q 1 2>/dev/null
    wait $SUB_PID; rc=$?
    check "sub -V $v ends after -C 4 with status 0" same "$rc" 0
    check "sub -V $v printed topic and payload (-v)" same "$(sort "$D/out$v")" \
      "$(printf 'rt%s/l line one\nrt%s/q0 m0\nrt%s/q1 m1\nrt%s/q2 m2' $v $v $v $v)"
    check "--summary keys" has "$D/err$v" '^protocol: TLSv1.3'
  done
  ;;
file-retain)
  head -c 3000 /dev/urandom | base64 -w0 > "$D/blob"
  "$B" mqtt pub "$H" "${CA[@]}" -t cli/retained -f "$D/blob" -r -q 1
  check "pub -f -r status" same "$?" 0
  "$B" mqtt sub "$H" "${CA[@]}" -t cli/retained -C 1 -W 5 > "$D/got"
  check "retained file content delivered to a later subscriber" same "$(cat "$D/got")" "$(cat "$D/blob")"
  "$B" mqtt pub "$H" "${CA[@]}" -t cli/retained -n -r -q 1
  "$B" mqtt sub "$H" "${CA[@]}" -t cli/retained -C 1 -W 1 > "$D/none" 2> "$D/none.err"
  check "-W ends with status 6 when -C was not reached" same "$?" 6
  check "... and says so" has "$D/none.err" "received 0 of 1 messages within 1 s"
  ;;
mosquitto)
  # tlsc pub -> mosquitto_sub
  start_mosq_sub "$D/ms" -t 'ms/#' -q 2 -v -C 3 -W 10
  for q in 0 1 2; do "$B" mqtt pub "$H" "${CA[@]}" -t "ms/q$q" -m "to-mosquitto $q" -q $q; done
  wait $SUB_PID
  check "mosquitto_sub got tlsc's QoS 0/1/2" same "$(sort "$D/ms")" \
    "$(printf 'ms/q0 to-mosquitto 0\nms/q1 to-mosquitto 1\nms/q2 to-mosquitto 2')"
  # mosquitto_pub -> tlsc sub
  start_sub "$D/ts" "$D/ts.err" "$H" "${CA[@]}" -t 'mp/#' -q 2 -v -C 3 -W 10 || echo "sub not up"
  for q in 0 1 2; do
    mosquitto_pub -h localhost -p "$MQTT_PORT_TLS13" --cafile "$MQTT_CA" --tls-version tlsv1.3 \
      -t "mp/q$q" -m "from-mosquitto $q" -q $q
  done
  wait $SUB_PID
  check "tlsc sub got mosquitto_pub's QoS 0/1/2" same "$(sort "$D/ts")" \
    "$(printf 'mp/q0 from-mosquitto 0\nmp/q1 from-mosquitto 1\nmp/q2 from-mosquitto 2')"
  ;;
will)
  start_mosq_sub "$D/w" -t 'cliwill/#' -v -C 1 -W 10
  # a subscriber that vanishes: killed, so no DISCONNECT is sent
  "$B" mqtt sub "$H" "${CA[@]}" -t x/y --will-topic cliwill/dev --will-payload offline \
    --will-qos 1 > /dev/null 2>&1 &
  victim=$!
  sleep 1; kill -9 $victim; wait $victim 2>/dev/null
  wait $SUB_PID
  check "will delivered when the client vanished" same "$(cat "$D/w")" "cliwill/dev offline"
  ;;
refused)
  "$B" mqtt pub "$H" "${CA[@]}" -t x -m x -i "" -c 2> "$D/err"
  check "CONNACK refusal: status 14" same "$?" 14
  check "... with the reason in words" has "$D/err" "identifier rejected (code 2)"
  "$B" mqtt sub "localhost:$MQTT_PORT_MTLS" "${CA[@]}" --tls1.2 --cert "$MQTT_CLIENT_CERT" \
    --key "$MQTT_CLIENT_KEY" -t ok/x -t forbidden/x -W 3 -V 5 2> "$D/acl"
  check "subscription refused by the ACL: status 14" same "$?" 14
  check "... per topic, in words" has "$D/acl" "subscription to forbidden/x refused: not authorized"
  "$B" mqtt pub "localhost:$MQTT_PORT_MTLS" "${CA[@]}" --tls1.2 -t ok/x -m x 2> "$D/nocert"
  check "missing client certificate: status 8" same "$?" 8
  check "... handshake_failure" has "$D/nocert" "handshake_failure (40)"
  check "... names the CertificateRequest" has "$D/nocert" "CertificateRequest"
  "$B" mqtt pub "localhost:$MQTT_PORT_PSK12" --psk "nobody:$MQTT_PSK_KEY" --tls1.2 -t psk/x -m x 2> "$D/psk"
  check "unknown PSK identity: status 8" same "$?" 8
  check "... unknown_psk_identity" has "$D/psk" "unknown_psk_identity"
  "$B" mqtt pub "localhost:$MQTT_PORT_PSK13" --psk "$MQTT_PSK_ID:$MQTT_PSK_KEY" --tls1.3 -t psk/x -m x -q 1
  check "PSK TLS 1.3 publish: status 0" same "$?" 0
  "$B" mqtt pub "$H" "${CA[@]}" -t 'bad/#' -m x 2> "$D/topic"
  check "wildcard in a topic name: status 14" same "$?" 14
  "$B" mqtt pub "$H" "${CA[@]}" -t x 2> "$D/usage"
  check "no message source: usage (2)" same "$?" 2
  ;;
window)
  # -M N: at most N QoS 1 messages unacknowledged. The scripted broker
  # (badbroker.py "count") never acknowledges and counts what arrives.
  seq 1 10 > "$D/lines"
  python3 "$(dirname "$0")/badbroker.py" "$(dirname "$MQTT_CA")/server-p256-chain.pem" \
    "$(dirname "$MQTT_CA")/server-p256.key" count count count > "$D/bad.log" 2>&1 &
  bad=$!
  for ((i = 0; i < 100; i++)); do grep -qs '^PORT' "$D/bad.log" && break; sleep 0.05; done
  port=$(sed -n 's/^PORT //p' "$D/bad.log")
  for m in 3 1 ""; do
    "$B" mqtt pub "localhost:$port" "${CA[@]}" -t w -l -q 1 ${m:+-M $m} < "$D/lines" 2> "$D/pub$m"
  done
  wait $bad
  check "-M 3: 3 PUBLISH before an acknowledgement" same "$(sed -n 1p <(grep PUBLISHES "$D/bad.log"))" "PUBLISHES 3"
  check "-M 1: 1 PUBLISH" same "$(sed -n 2p <(grep PUBLISHES "$D/bad.log"))" "PUBLISHES 1"
  check "no -M: all 10 (3.1.1 has no Receive Maximum)" same "$(sed -n 3p <(grep PUBLISHES "$D/bad.log"))" "PUBLISHES 10"
  "$B" mqtt pub "$H" "${CA[@]}" -t w -m x -M 0 2> "$D/usage"
  check "-M 0: usage (2)" same "$?" 2
  ;;
*) echo "unknown case $case_name"; exit 2 ;;
esac
exit $ok
