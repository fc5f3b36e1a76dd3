#!/usr/bin/env bash
# bench/mqtt.sh [BUILD_DIR] — MQTT over TLS, side by side with mosquitto's
# own clients (libmosquitto + OpenSSL), against one mosquitto broker on
# 127.0.0.1 (TLS 1.3, ECDSA P-256 server certificate from a PKI made here):
#   - QoS 0 publish throughput, 64-byte payloads, one connection:
#     `tlsc mqtt pub -l` vs `mosquitto_pub -l`, N lines from a file;
#   - QoS 1 publish -> PUBACK per second: the same with -q 1;
#   - heap of one idle, subscribed client on top of its TLS connection,
#     small profile (bench/mqtt_bench.c, built into build/bench-small);
#   - flash of the MQTT layer (src/mqtt/*.c) for Cortex-M4, -Os, vs
#     coreMQTT's 6.9 KB.
# Each figure is the best of RUNS runs (default 3). BUILD_DIR is the full
# release build (default build/release) holding tools/tlsc.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
tlsc=$build/tools/tlsc
deps=${TLSC_DEPS_DIR:-$root/build/_deps}
runs=${RUNS:-3}
n0=${N_QOS0:-100000}
n1=${N_QOS1:-20000}
mosq=$(command -v mosquitto || echo /usr/sbin/mosquitto)
work=$(mktemp -d)
broker=
cleanup() { [ -n "$broker" ] && kill "$broker" 2>/dev/null; rm -rf "$work"; }
trap cleanup EXIT

for t in "$tlsc" "$mosq" "$(command -v mosquitto_pub)"; do
  [ -x "$t" ] || { echo "mqtt.sh: missing $t (make build; scripts/deps.sh check)" >&2; exit 1; }
done

TLSC_PKI_NO_RSA4096=1 bash "$root/tests/pki/gen.sh" "$work/pki" > "$work/pki.log" 2>&1
port=$((20000 + RANDOM % 10000))
cat > "$work/m.conf" <<CONF
listener $port 127.0.0.1
certfile $work/pki/server-p256-chain.pem
keyfile $work/pki/server-p256.key
tls_version tlsv1.3
allow_anonymous true
user $(id -un)
max_queued_messages 0
CONF
"$mosq" -c "$work/m.conf" > "$work/broker.log" 2>&1 &
broker=$!
for ((i = 0; i < 100; i++)); do
  grep -q "$(printf ':%04X ' "$port")" /proc/net/tcp && break; sleep 0.05
done
ca=$work/pki/root.pem
python3 -c "import sys; sys.stdout.write(''.join('%063d\n' % i for i in range($n0)))" > "$work/lines"

ms() { date +%s%3N; }
best() { # COMMAND...: fastest wall time of $runs runs, in ms
  local b=0 t0 t
  for ((r = 0; r < runs; r++)); do
    t0=$(ms); "$@" < "$work/lines.cut" > /dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
    t=$(( $(ms) - t0 )); { [ $b -eq 0 ] || [ $t -lt $b ]; } && b=$t
  done
  echo "$b"
}
rate() { awk -v n="$1" -v ms="$2" 'BEGIN { printf "%.0f", (ms > 0 ? n * 1000 / ms : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

mp=(mosquitto_pub -h localhost -p "$port" --cafile "$ca" --tls-version tlsv1.3 -t bench/t -l)
tp=("$tlsc" mqtt pub "localhost:$port" --ca "$ca" --tls1.3 -t bench/t -l)

head -n "$n0" "$work/lines" > "$work/lines.cut"
t_q0=$(best "${tp[@]}" -q 0); m_q0=$(best "${mp[@]}" -q 0)
head -n "$n1" "$work/lines" > "$work/lines.cut"
t_q1=$(best "${tp[@]}" -q 1); m_q1=$(best "${mp[@]}" -q 1)

# ---- heap, small profile ------------------------------------------------------------
small=$root/build/bench-small
if [ ! -f "$small/CMakeCache.txt" ]; then
  echo "building the small profile into $small (once)..." >&2
  cmake -S "$root" -B "$small" -DCMAKE_BUILD_TYPE=RelWithDebInfo -DTLSC_BUILD_TESTS=OFF \
    -DTLSC_DEPS_DIR="$deps" -DTLSC_MBEDTLS_CONFIG="$root/config/tlsc_mbedtls_small.h" >/dev/null
fi
cmake "$small" >/dev/null
cmake --build "$small" -j 2 --target mqtt_bench >/dev/null
heap=$("$small/bench/mqtt_bench" localhost "$port" "$ca")
layer=$(echo "$heap" | sed -n 's/^mqtt_layer_bytes //p')
tls_idle=$(echo "$heap" | sed -n 's/^tls_idle_bytes //p')

# ---- flash, Cortex-M4 -Os -------------------------------------------------------------
flash=n/a codec=n/a
mbedtls=$(ls -d "$deps"/mbedtls/src/mbedtls-3.6.* 2>/dev/null | head -1)
if command -v arm-none-eabi-gcc > /dev/null && [ -n "$mbedtls" ]; then
  for f in "$root"/src/mqtt/*.c; do
    arm-none-eabi-gcc -mcpu=cortex-m4 -mthumb -Os -ffunction-sections -fdata-sections -std=c11 \
      -D_DEFAULT_SOURCE -I"$root/include" -I"$root/src" -I"$mbedtls/include" -I"$root/config" \
      '-DMBEDTLS_CONFIG_FILE="tlsc_mbedtls_small.h"' \
      '-DMBEDTLS_USER_CONFIG_FILE="tlsc_platform_none.h"' \
      -c "$f" -o "$work/$(basename "$f" .c).o"
  done
  sz() { arm-none-eabi-size "$@" | awk 'NR > 1 { s += $1 + $2 } END { print s }'; }
  flash=$(sz "$work"/*.o)
  codec=$(sz "$work"/bytes.o "$work"/decode.o "$work"/decoder.o "$work"/encode.o)
fi

printf '\n%-58s %14s %14s %8s %s\n' "MQTT over TLS 1.3 (best of $runs)" "tlsc" "mosquitto" "ratio" "target"
printf '%-58s %14s %14s %8s %s\n' "QoS 0 publish, 64-byte payloads, msgs/s ($n0 msgs)" \
  "$(rate "$n0" "$t_q0")" "$(rate "$n0" "$m_q0")" "$(ratio "$m_q0" "$t_q0")" ">= 1.0x"
printf '%-58s %14s %14s %8s %s\n' "QoS 1 publish -> PUBACK, msgs/s ($n1 msgs)" \
  "$(rate "$n1" "$t_q1")" "$(rate "$n1" "$m_q1")" "$(ratio "$m_q1" "$t_q1")" ">= 1.0x"
printf '%-58s %14s %14s %8s %s\n' "idle subscribed client, small profile, heap bytes over TLS" \
  "$layer" "-" "" "<= 8192 (TLS alone: $tls_idle)"
printf '%-58s %14s %14s %8s %s\n' "flash of src/mqtt, Cortex-M4 -Os, bytes (codec alone: $codec)" \
  "$flash" "coreMQTT 6900" "" "<= 7168"
