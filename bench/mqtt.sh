#!/usr/bin/env bash
# bench/mqtt.sh [BUILD_DIR] — MQTT over TLS, side by side with mosquitto's
# own clients (libmosquitto + OpenSSL), against one mosquitto broker on
# 127.0.0.1 (TLS 1.3, ECDSA P-256 server certificate from a PKI made here):
#   - QoS 0 publish throughput, 64-byte payloads, one connection:
#     `tlsc mqtt pub -l` vs `mosquitto_pub -l`, the same N lines (63
#     characters + newline) from a file, same topic, TLS 1.3 with the
#     suite each side negotiates by default with the broker
#     (TLS_AES_256_GCM_SHA384 for both);
#   - QoS 1 publish -> PUBACK per second: the same with -q 1 and the same
#     in-flight window on both sides (-M 20, mosquitto_pub's default);
#     each side exits only after the PUBACK of its last message, then
#     sends DISCONNECT;
#   - heap of one idle, subscribed client on top of its TLS connection,
#     small profile (bench/mqtt_bench.c, built into build/bench-small);
#   - flash of the MQTT layer for Cortex-M4, -Os, vs coreMQTT's 6.9 KB:
#     what src/mqtt contributes to bench/footprint_mqtt_client.c linked
#     with --gc-sections by scripts/baremetal.mk (small profile), read
#     from the link map (scripts/mapsize.awk).
# The machine may be shared: the two commands run interleaved (tlsc,
# mosquitto, tlsc, ...) RUNS times each (default 5); each figure is the
# median, and the ratio is of the medians of the same run.
# BUILD_DIR is the full release build (default build/release) holding
# tools/tlsc.
set -euo pipefail

root=$(cd "$(dirname "$0")/.." && pwd)
build=${1:-$root/build/release}
tlsc=$build/tools/tlsc
deps=${TLSC_DEPS_DIR:-$root/build/_deps}
runs=${RUNS:-5}
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
timed() { # COMMAND...: wall time in ms, stdin from lines.cut
  local t0=$(ms)
  "$@" < "$work/lines.cut" > /dev/null 2>&1 || { echo "failed: $*" >&2; return 1; }
  echo $(( $(ms) - t0 ))
}
median() { sort -n | awk '{ v[NR] = $1 } END { print (NR % 2 ? v[(NR + 1) / 2] : int((v[NR / 2] + v[NR / 2 + 1]) / 2)) }'; }
pair() { # N QOS EXTRA...: sets T and M to the medians of interleaved runs
  local n=$1 q=$2 r tl= ml=; shift 2
  head -n "$n" "$work/lines" > "$work/lines.cut"
  for ((r = 0; r < runs; r++)); do
    tl+="$(timed "${tp[@]}" -q "$q" "$@") "
    ml+="$(timed "${mp[@]}" -q "$q" "$@") "
  done
  T=$(echo $tl | tr ' ' '\n' | median); M=$(echo $ml | tr ' ' '\n' | median)
  echo "  QoS $q, $n msgs, ms: tlsc $tl/ mosquitto_pub $ml" >&2
}
rate() { awk -v n="$1" -v ms="$2" 'BEGIN { printf "%.0f", (ms > 0 ? n * 1000 / ms : 0) }'; }
ratio() { awk -v a="$1" -v b="$2" 'BEGIN { printf "%.2f", (b > 0 ? a / b : 0) }'; }

mp=(mosquitto_pub -h localhost -p "$port" --cafile "$ca" --tls-version tlsv1.3 -t bench/t -l)
tp=("$tlsc" mqtt pub "localhost:$port" --ca "$ca" --tls1.3 -t bench/t -l)

pair "$n0" 0; t_q0=$T m_q0=$M
pair "$n1" 1 -M 20; t_q1=$T m_q1=$M

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
  . "$root/scripts/baremetal.sh"
  bm_out=$build/footprint/small  # shared with bench/footprint.sh
  echo "linking bench/footprint_mqtt_client.c for Cortex-M4 into $bm_out..." >&2
  bm_make mqtt_elf "the MQTT client" "$root" "$mbedtls" "$root/config/tlsc_mbedtls_small.h" "$bm_out"
  mq() { awk -v by=object -f "$root/scripts/mapsize.awk" "$bm_out/mqtt_client.map" |
         awk -v re="$1" '$1 ~ re && $2 != "bss" { s += $3 } END { print s + 0 }'; }
  flash=$(mq '^libtlsc\\.a\\((bytes|client|decode|decoder|encode|names|once)\\.o\\)$')
  codec=$(mq '^libtlsc\\.a\\((bytes|decode|decoder|encode)\\.o\\)$')
fi

printf '\n%-58s %14s %14s %8s %s\n' "MQTT over TLS 1.3 (median of $runs)" "tlsc" "mosquitto" "ratio" "target"
printf '%-58s %14s %14s %8s %s\n' "QoS 0 publish, 64-byte payloads, msgs/s ($n0 msgs)" \
  "$(rate "$n0" "$t_q0")" "$(rate "$n0" "$m_q0")" "$(ratio "$m_q0" "$t_q0")" ">= 1.0x"
printf '%-58s %14s %14s %8s %s\n' "QoS 1 publish -> PUBACK, msgs/s ($n1 msgs, -M 20)" \
  "$(rate "$n1" "$t_q1")" "$(rate "$n1" "$m_q1")" "$(ratio "$m_q1" "$t_q1")" ">= 1.0x"
printf '%-58s %14s %14s %8s %s\n' "idle subscribed client, small profile, heap bytes over TLS" \
  "$layer" "-" "" "<= 8192 (TLS alone: $tls_idle)"
printf '%-58s %14s %14s %8s %s\n' "flash of src/mqtt, Cortex-M4 -Os, bytes (codec alone: $codec)" \
  "$flash" "coreMQTT 6900" "" "<= 7168"
