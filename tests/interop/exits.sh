#!/usr/bin/env bash
# tests/interop/exits.sh — the CLI's own results are consistent (issue 13,
# section 4):
# - `tlsc connect --summary --sess-out FILE` against `openssl s_server
#   -tls1_3 -quiet` with stdin at its end (the server sends two tickets,
#   then close_notify, right after the handshake) succeeds and saves a
#   session, 20 times in a row with each driver (blocking, event);
# - every row of the exit-status table (docs/cli.md, `tlsc connect
#   --help`) has a scenario that produces it.
#
# Usage: TLSC_BIN=build/dev/tools/tlsc bash tests/interop/exits.sh
source "$(dirname "$0")/lib.sh"

setup_pki
ROOT=$PKI/root.pem
PY=${TLSC_PYTHON:-/usr/bin/python3}

serve() {
  local name=$1; shift
  start_openssl -cert "$PKI/$name.pem" -key "$PKI/$name.key" -cert_chain "$PKI/int.pem" "$@"
}

# start_quiet_tls13: openssl s_server -tls1_3 -quiet (stdin at its end:
# on each connection it answers the handshake, sends its tickets, then
# close_notify, and goes on accepting). -quiet
# prints nothing, not even ACCEPT, so the port is chosen here and watched
# in /proc/net/tcp until it listens.
start_quiet_tls13() {
  local port hex i
  port=$(_random_free_port)
  hex=$(printf '%04X' "$port")
  _next_log
  _spawn "$SRV_LOG" openssl s_server -accept "127.0.0.1:$port" -tls1_3 -quiet \
    -cert "$PKI/server-p256.pem" -key "$PKI/server-p256.key" -cert_chain "$PKI/int.pem"
  for ((i = 0; i < 100; i++)); do
    grep -q ":$hex 00000000:0000 0A" /proc/net/tcp && { SRV_PORT=$port; return 0; }
    sleep 0.05
  done
  fail "openssl s_server -quiet did not listen on $port"
  SRV_PORT=1
  return 1
}

# ---- a clean close after the handshake is success ---------------------------------

for d in blocking event; do
  case_begin "--summary --sess-out, server sends tickets then close_notify: 20 runs ($d)"
  bad=0
  start_quiet_tls13
  for i in $(seq 1 20); do
    rm -f "$CASE_DIR/sess"
    run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary --driver "$d" \
      --sess-out "$CASE_DIR/sess"
    if [ "$RC" != 0 ] || [ ! -s "$CASE_DIR/sess" ] || grep -q "no session saved" <<< "$ERR"; then
      bad=$((bad + 1))
      fail "run $i: exit $RC, session file $( [ -s "$CASE_DIR/sess" ] && echo saved || echo missing): $(grep '^tlsc:' <<< "$ERR" | head -2)"
    fi
  done
  expect_equal "failed runs" "$bad" 0
  case_end
done

# ---- the exit-status table, one scenario per row ------------------------------------

case_begin "exit 0: success"
serve server-p256
run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary
expect_exit $EXIT_OK
case_end

case_begin "exit 1: a local I/O error (stdout is full)"
serve server-p256
CMDLINE="tlsc connect ... > /dev/full"
printf 'hello\n' | timeout -k 2 "$TLSC_RUN_LIMIT" "$TLSC_BIN" connect "localhost:$SRV_PORT" \
  --ca "$ROOT" > /dev/full 2> "$CASE_DIR/tlsc.err"
RC=$?
ERR=$(cat "$CASE_DIR/tlsc.err")
expect_exit $EXIT_INTERNAL
expect_stderr_contains "cannot write to stdout"
case_end

case_begin "exit 2: usage error"
run_tlsc connect --ca "$ROOT"
expect_exit $EXIT_USAGE
expect_stderr_contains "missing HOST:PORT"
case_end

case_begin "exit 3: configuration error (unreadable --ca)"
run_tlsc connect localhost:1 --ca "$CASE_DIR/no-such-file.pem" --summary
expect_exit $EXIT_CONFIG
expect_stderr_contains "no-such-file.pem"
case_end

case_begin "exit 4: network error (connection refused)"
run_tlsc connect "localhost:$(_random_free_port)" --ca "$ROOT" --summary --timeout 3000
expect_exit $EXIT_NETWORK
expect_stderr_contains "refused"
case_end

case_begin "exit 5: DNS error"
run_tlsc connect no-such-host.invalid:443 --ca "$ROOT" --summary --timeout 5000
expect_exit $EXIT_DNS
case_end

case_begin "exit 6: timeout (the server never answers)"
start_silent
run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary --timeout 500
expect_exit $EXIT_TIMEOUT
expect_stderr_contains "500 ms"
case_end

case_begin "exit 7: TLS protocol error (the server answers in plain text)"
_next_log
_spawn "$SRV_LOG" "$PY" -u -c '
import socket
s = socket.socket(); s.bind(("127.0.0.1", 0)); s.listen(4)
print("LISTEN", s.getsockname()[1], flush=True)
while True:
    c, _ = s.accept(); c.recv(4096)
    c.sendall(b"HTTP/1.0 400 Bad Request\r\n\r\n"); c.close()'
_wait_for_log "$SRV_PID" "$SRV_LOG" '^LISTEN ' 10 || fail "plain-text server did not start"
SRV_PORT=$(sed -n 's/^LISTEN //p' "$SRV_LOG")
run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary
expect_exit $EXIT_PROTOCOL
expect_stderr_contains "does not answer in TLS"
case_end

case_begin "exit 8: fatal alert from the server (no common suite)"
serve server-p256 -tls1_2 -cipher ECDHE-ECDSA-AES128-SHA
run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary
expect_exit $EXIT_ALERT
expect_stderr_contains "handshake_failure (40)"
case_end

case_begin "exit 9: server verification failed (untrusted chain)"
start_openssl -cert "$PKI/untrusted.pem" -key "$PKI/untrusted.key" -cert_chain "$PKI/untrusted-root.pem"
run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary
expect_exit $EXIT_VERIFY
case_end

case_begin "exit 9: tlsc verify, a chain from another CA"
run_tlsc verify --chain "$PKI/untrusted-chain.pem" --ca "$ROOT"
expect_exit $EXIT_VERIFY
case_end

case_begin "exit 10: out of memory (--heap-limit)"
serve server-p256
run_tlsc connect "localhost:$SRV_PORT" --ca "$ROOT" --summary --heap-limit 20000
expect_exit $EXIT_MEMORY
expect_stderr_contains "out of memory"
case_end

case_begin "exit 11: the server closes without close_notify"
serve server-p256
# SIGTERM: s_server has no handler, so it dies without close_notify
(sleep 1; pkill -TERM -P "$SRV_PID" -x openssl) > /dev/null 2>&1 &
HELPER_PIDS+=("$!")
run_tlsc_input 'hello\n' 5 connect "localhost:$SRV_PORT" --ca "$ROOT"
expect_exit $EXIT_CLOSED
expect_stderr_contains "without close_notify"
case_end

case_begin "exit 13: HTTP (the content's SHA-256 differs)"
serve server-p256 -www
run_tlsc get "https://localhost:$SRV_PORT/" --ca "$ROOT" -o "$CASE_DIR/body" \
  --sha256 0000000000000000000000000000000000000000000000000000000000000000
expect_exit $EXIT_HTTP
expect_stderr_contains "does not match the expected SHA-256"
case_end

finish
