# tests/interop/lib.sh — helpers sourced by the interop scripts.
#
# Each script:   source lib.sh; setup_pki; case_begin NAME; start_openssl ...;
#                run_tlsc connect ...; expect_exit 0; expect_summary ...;
#                case_end; ...; finish
#
# Every script gets a private temp dir (mktemp -d) and its own PKI; servers
# listen on 127.0.0.1 (openssl: port 0, parsed from "ACCEPT"; gnutls-serv:
# a random free port, retried when bind fails), run under `timeout` as a
# backstop and are killed at the end of each case and, whatever happens, by
# the EXIT/INT/TERM trap. The last line a script prints is
# "N passed, N failed"; its exit status is 0 only when nothing failed.
#
# Environment: TLSC_BIN (the tlsc command, required), TLSC_PKI_GEN
# (tests/pki/gen.sh by default), TLSC_KEEP_TMP=1 keeps the temp dir,
# TLSC_VERBOSE=1 prints every command and its output, TLSC_DRIVER=event
# runs every `tlsc connect` and `tlsc get` with --driver event (the event
# API; tlsc_http_ev for get).

# No pipefail: `cmd | grep -q` would then fail at random (SIGPIPE). The
# assertions read variables through here-strings instead of pipes.
set -u

: "${TLSC_BIN:?TLSC_BIN must name the tlsc binary (build/release/tools/tlsc)}"
LIB_DIR=$(cd "$(dirname "${BASH_SOURCE[0]}")" && pwd)
REPO_DIR=$(cd "$LIB_DIR/../.." && pwd)
TLSC_PKI_GEN=${TLSC_PKI_GEN:-$REPO_DIR/tests/pki/gen.sh}
SCRIPT_NAME=$(basename "$0" .sh)

# Servers and helpers use no system openssl.cnf (Debian's raises SECLEVEL).
export OPENSSL_CONF=/dev/null

# Exit statuses of the tlsc command: 2 + error category.
EXIT_OK=0 EXIT_INTERNAL=1 EXIT_USAGE=2 EXIT_CONFIG=3 EXIT_NETWORK=4 EXIT_DNS=5
EXIT_TIMEOUT=6 EXIT_PROTOCOL=7 EXIT_ALERT=8 EXIT_VERIFY=9 EXIT_MEMORY=10
EXIT_CLOSED=11 EXIT_HTTP=13

# Regexes of the AEAD suites tlsc may negotiate.
RE_TLS13_SUITE='^TLS_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$'
RE_TLS12_ECDSA_SUITE='^TLS_ECDHE_ECDSA_WITH_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$'
RE_TLS12_RSA_SUITE='^TLS_ECDHE_RSA_WITH_(AES_128_GCM_SHA256|AES_256_GCM_SHA384|CHACHA20_POLY1305_SHA256)$'
RE_GROUP='^(x25519|secp256r1|secp384r1)$'

SERVER_LIFETIME=${SERVER_LIFETIME:-60}    # seconds; backstop only
TLSC_RUN_LIMIT=${TLSC_RUN_LIMIT:-30}      # seconds; backstop only

T=$(mktemp -d "${TMPDIR:-/tmp}/tlsc-$SCRIPT_NAME.XXXXXX") || exit 1
PKI=$T/pki
PASSED=0 FAILED=0 KNOWN=0 CASE_N=0
CASE_NAME="" CASE_DIR=$T CASE_FAILED=0 CASE_OPEN=0 CASE_MSGS=() CASE_KNOWN=""
SERVER_PGIDS=() HELPER_PIDS=()
SRV_PORT="" SRV_LOG="" SRV_PID=""
OUT="" ERR="" RC="" ELAPSED_MS=0 CMDLINE=""

# ---- cleanup -----------------------------------------------------------------

# Stop every server of the current case. Each runs under `timeout`, which is
# the leader of its own process group, so the group is killed as a whole.
stop_servers() {
  local g
  for g in "${SERVER_PGIDS[@]}" "${HELPER_PIDS[@]}"; do
    kill -TERM -- "-$g" 2>/dev/null || kill -TERM "$g" 2>/dev/null
  done
  for g in "${SERVER_PGIDS[@]}" "${HELPER_PIDS[@]}"; do
    kill -CONT -- "-$g" 2>/dev/null
  done
  for g in "${SERVER_PGIDS[@]}" "${HELPER_PIDS[@]}"; do
    local i
    for i in 1 2 3 4 5 6 7 8 9 10; do
      kill -0 "$g" 2>/dev/null || break
      sleep 0.05
    done
    kill -KILL -- "-$g" 2>/dev/null || kill -KILL "$g" 2>/dev/null
    wait "$g" 2>/dev/null
  done
  SERVER_PGIDS=() HELPER_PIDS=()
}

_cleanup() {
  local rc=$?
  trap - EXIT INT TERM
  stop_servers
  if [ "${TLSC_KEEP_TMP:-0}" = 1 ]; then
    echo "# kept $T" >&2
  else
    rm -rf "$T"
  fi
  exit "$rc"
}
trap _cleanup EXIT
trap 'echo "# interrupted" >&2; exit 130' INT
trap 'echo "# terminated" >&2; exit 143' TERM

# ---- output ------------------------------------------------------------------

note() { echo "# $*"; }

# fail MESSAGE: record a failed assertion in the current case.
fail() {
  CASE_FAILED=1
  CASE_MSGS+=("$*")
}

# Abort the whole script (setup could not be done).
die() {
  echo "tlsc interop setup failed: $*" >&2
  echo "$PASSED passed, $((FAILED + 1)) failed"
  exit 1
}

# ---- PKI ---------------------------------------------------------------------

# setup_pki [rsa4096]: generate a fresh PKI into $PKI.
setup_pki() {
  local no4096=1
  [ "${1:-}" = rsa4096 ] && no4096=0
  [ -x "$TLSC_BIN" ] || die "TLSC_BIN=$TLSC_BIN is not executable"
  TLSC_PKI_NO_RSA4096=$no4096 bash "$TLSC_PKI_GEN" "$PKI" > "$T/pki.log" 2>&1 ||
    die "PKI generation failed: $(tail -5 "$T/pki.log")"
}

# pin_of CERT: the sha256//BASE64 pin of CERT's public key.
pin_of() {
  printf 'sha256//%s' "$(openssl x509 -in "$1" -noout -pubkey |
    openssl pkey -pubin -outform DER | openssl dgst -sha256 -binary | base64)"
}

# ---- cases -------------------------------------------------------------------

case_begin() {
  [ "$CASE_OPEN" = 1 ] && case_end
  CASE_N=$((CASE_N + 1))
  CASE_NAME=$*
  CASE_DIR=$T/case$CASE_N
  CASE_FAILED=0 CASE_OPEN=1 CASE_MSGS=() CASE_KNOWN=""
  OUT="" ERR="" RC="" CMDLINE=""
  mkdir -p "$CASE_DIR"
  [ "${TLSC_VERBOSE:-0}" = 1 ] && note "case $CASE_N: $CASE_NAME"
  return 0
}

# Show what a failed case did: the command, its output, the server's log.
_case_diagnostics() {
  [ -n "$CMDLINE" ] && echo "    command: $CMDLINE"
  [ -n "$RC" ] && echo "    exit: $RC after ${ELAPSED_MS} ms"
  if [ -s "$CASE_DIR/tlsc.err" ]; then
    echo "    --- tlsc stderr:"; sed 's/^/    | /' "$CASE_DIR/tlsc.err" | head -40
  fi
  if [ -s "$CASE_DIR/tlsc.out" ]; then
    echo "    --- tlsc stdout:"; sed 's/^/    | /' "$CASE_DIR/tlsc.out" | head -20
  fi
  local log
  for log in "$CASE_DIR"/server*.log; do
    [ -f "$log" ] || continue
    echo "    --- $(basename "$log") (last lines):"
    grep -av '^ *[0-9a-f]\{4\} - ' "$log" | tail -15 | sed 's/^/    | /'
  done
}

# known_issue TEXT: the current case is expected to fail for the reason
# given (an upstream limitation). Its failure is reported but not counted;
# if it passes, that IS counted as a failure, so the marker gets removed.
known_issue() {
  CASE_KNOWN=$*
}

case_end() {
  [ "$CASE_OPEN" = 1 ] || return 0
  stop_servers
  if [ "$CASE_FAILED" = 0 ] && [ -z "$RC" ]; then
    fail "the case ran no tlsc command"
  fi
  if [ -n "$CASE_KNOWN" ]; then
    if [ "$CASE_FAILED" = 0 ]; then
      FAILED=$((FAILED + 1))
      echo "not ok $CASE_N - $CASE_NAME # passes now: remove known_issue ($CASE_KNOWN)"
    else
      KNOWN=$((KNOWN + 1))
      echo "not ok $CASE_N - $CASE_NAME # TODO known issue: $CASE_KNOWN"
      local m
      for m in "${CASE_MSGS[@]}"; do echo "    (known) $m"; done
    fi
  elif [ "$CASE_FAILED" = 0 ]; then
    PASSED=$((PASSED + 1))
    echo "ok $CASE_N - $CASE_NAME"
  else
    FAILED=$((FAILED + 1))
    echo "not ok $CASE_N - $CASE_NAME"
    local m
    for m in "${CASE_MSGS[@]}"; do echo "    FAIL: $m"; done
    _case_diagnostics
  fi
  CASE_OPEN=0
}

finish() {
  [ "$CASE_OPEN" = 1 ] && case_end
  [ "$KNOWN" -gt 0 ] && echo "# $KNOWN known issue(s), not counted"
  echo "$PASSED passed, $FAILED failed"
  [ "$FAILED" = 0 ] && [ "$PASSED" -gt 0 ]
  exit $?
}

# ---- servers -----------------------------------------------------------------

# _spawn LOG CMD...: start CMD under timeout in its own process group.
_spawn() {
  local log=$1; shift
  timeout -k 2 "$SERVER_LIFETIME" "$@" > "$log" 2>&1 < /dev/null &
  SRV_PID=$!
  SERVER_PGIDS+=("$SRV_PID")
  [ "${TLSC_VERBOSE:-0}" = 1 ] && note "server: $*"
  return 0
}

# _wait_for_log PID LOG REGEX [SECONDS]: until LOG matches REGEX; 1 if PID
# died or time ran out.
_wait_for_log() {
  local pid=$1 log=$2 re=$3 limit=${4:-5} i
  for ((i = 0; i < limit * 20; i++)); do
    grep -aqE "$re" "$log" 2>/dev/null && return 0
    kill -0 "$pid" 2>/dev/null || return 1
    sleep 0.05
  done
  return 1
}

_next_log() {
  local n=1
  while [ -e "$CASE_DIR/server$n.log" ]; do n=$((n + 1)); done
  SRV_LOG=$CASE_DIR/server$n.log
}

# start_openssl ARGS...: openssl s_server on 127.0.0.1, port chosen by the
# kernel. Without a mode option, -rev is added (it never reads stdin; the
# default mode quits when its stdin closes). Sets SRV_PORT, SRV_LOG, SRV_PID.
start_openssl() {
  local mode=-rev a
  for a in "$@"; do
    case $a in -rev|-www|-WWW|-HTTP) mode="" ;; esac
  done
  _next_log
  _spawn "$SRV_LOG" openssl s_server -accept 127.0.0.1:0 $mode "$@"
  if ! _wait_for_log "$SRV_PID" "$SRV_LOG" '^ACCEPT ' 10; then
    fail "openssl s_server did not start: $(grep -av '^ACCEPT' "$SRV_LOG" | head -3 | tr '\n' ' ')"
    SRV_PORT=1
    return 1
  fi
  SRV_PORT=$(sed -n 's/^ACCEPT .*:\([0-9][0-9]*\)$/\1/p' "$SRV_LOG" | head -1)
}

# ---- nginx ---------------------------------------------------------------------

# nginx serves many cases, so it is not one of a case's servers (which
# case_end stops); it is stopped by stop_nginx and, whatever happens, on
# exit (the trap is set by start_nginx_with).
NGX_PGID=""
stop_nginx() {
  [ -n "$NGX_PGID" ] || return 0
  kill -TERM -- "-$NGX_PGID" 2>/dev/null
  wait "$NGX_PGID" 2>/dev/null
  NGX_PGID=""
}

# start_nginx_with DIR WRITE_CONF [ARGS...]: nginx on a free loopback port
# with DIR as its prefix; `WRITE_CONF PORT ARGS...` writes DIR/nginx.conf
# listening on 127.0.0.1:PORT. Retries another port when the one probed was
# taken meanwhile. Sets NGX_PORT.
start_nginx_with() {
  local d=$1 write_conf=$2 attempt port i; shift 2
  mkdir -p "$d"
  trap '_rc=$?; stop_nginx; (exit $_rc); _cleanup' EXIT
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$(_random_free_port)
    "$write_conf" "$port" "$@"
    _next_log
    _spawn "$SRV_LOG" nginx -p "$d" -c "$d/nginx.conf" -e "$d/error.log"
    NGX_PGID=$SRV_PID
    unset 'SERVER_PGIDS[-1]'
    for ((i = 0; i < 100; i++)); do
      (exec 3<>"/dev/tcp/127.0.0.1/$port") 2>/dev/null && { NGX_PORT=$port; return 0; }
      kill -0 "$SRV_PID" 2>/dev/null || break
      sleep 0.05
    done
    stop_nginx
    grep -q 'Address already in use' "$d/error.log" "$SRV_LOG" 2>/dev/null && continue
    die "nginx did not start: $(tail -3 "$d/error.log" "$SRV_LOG" 2>/dev/null | tr '\n' ' ')"
  done
  die "nginx: no free port after 8 attempts"
}

# A port nobody listens on (TCP, IPv4 or IPv6), below the ephemeral range.
_random_free_port() {
  local port hex i
  for ((i = 0; i < 50; i++)); do
    port=$((20000 + (RANDOM * 32768 + RANDOM + $$) % 12000))
    hex=$(printf ':%04X ' "$port")
    grep -q "$hex" /proc/net/tcp /proc/net/tcp6 2>/dev/null || { echo "$port"; return; }
  done
  echo $((20000 + RANDOM % 12000))
}

# start_gnutls ARGS...: gnutls-serv on a free port (--echo unless --http is
# given). gnutls-serv needs the port up front and does not exit when bind()
# fails, so the log is watched and another port tried on failure.
start_gnutls() {
  local mode=--echo a attempt port
  for a in "$@"; do
    case $a in --echo|--http) mode="" ;; esac
  done
  for attempt in 1 2 3 4 5 6 7 8; do
    port=$(_random_free_port)
    _next_log
    _spawn "$SRV_LOG" gnutls-serv -p "$port" $mode "$@"
    if _wait_for_log "$SRV_PID" "$SRV_LOG" "IPv4 .* port $port\.\.\.(done|bind)" 10 &&
       grep -aq "IPv4 .* port $port\.\.\.done" "$SRV_LOG"; then
      SRV_PORT=$port
      return 0
    fi
    kill -TERM -- "-$SRV_PID" 2>/dev/null
    wait "$SRV_PID" 2>/dev/null
    grep -aq 'bind() failed' "$SRV_LOG" && { mv "$SRV_LOG" "$SRV_LOG.bindfail"; continue; }
    fail "gnutls-serv did not start: $(head -5 "$SRV_LOG" | tr '\n' ' ')"
    SRV_PORT=1
    return 1
  done
  fail "gnutls-serv: no free port after 8 attempts"
  SRV_PORT=1
  return 1
}

# start_silent: a TCP listener that accepts (in the kernel's backlog) and
# never answers: an openssl s_server that is stopped with SIGSTOP.
start_silent() {
  start_openssl -cert "$PKI/server-p256.pem" -key "$PKI/server-p256.key" || return 1
  local child
  child=$(pgrep -P "$SRV_PID" -x openssl | head -1)
  [ -n "$child" ] || { fail "cannot find the s_server process"; return 1; }
  kill -STOP "$child"
}

# wait_server_log REGEX [SECONDS]: wait until the last server's log matches
# (servers log after the client is gone, so poll a little).
wait_server_log() {
  _wait_for_log "$SRV_PID" "$SRV_LOG" "$1" "${2:-3}"
}

# SNI the last openssl s_server (started with -trace) saw, or "-" for none.
openssl_sni_seen() {
  awk '
    !done && /extension_type=server_name\(0\)/ { on = 1; next }
    on && /^ *[0-9a-f][0-9a-f][0-9a-f][0-9a-f] - / {
      sub(/^ *[0-9a-f]+ - /, ""); line = substr($0, 1, 45); gsub(/-/, " ", line)
      n = split(line, b, / +/)
      for (i = 1; i <= n; i++) if (b[i] ~ /^[0-9a-f][0-9a-f]$/) hex[cnt++] = b[i]
      next
    }
    on { on = 0; done = 1 }
    END {
      if (!cnt) { print "-"; exit }
      # server_name_list: len(2) type(1) len(2) name
      s = ""
      for (i = 5; i < cnt; i++) s = s sprintf("%c", hexval(hex[i]))
      print s
    }
    function hexval(h,   d, v, k) {
      v = 0
      for (k = 1; k <= 2; k++) { d = index("0123456789abcdef", substr(h, k, 1)) - 1; v = v * 16 + d }
      return v
    }' "$SRV_LOG"
}

# SNI the last gnutls-serv saw, or "-" for none.
gnutls_sni_seen() {
  local s
  s=$(sed -n 's/^- Given server name\[1\]: //p' "$SRV_LOG" | head -1)
  echo "${s:--}"
}

# ---- running tlsc ------------------------------------------------------------

# run_tlsc ARGS...: run the tlsc command with stdin from /dev/null.
# Sets RC, OUT, ERR (text) and ELAPSED_MS.
run_tlsc() {
  _run_tlsc /dev/null "$@"
}

# run_tlsc_input TEXT HOLD ARGS...: send TEXT (printf %b escapes) on stdin,
# then keep stdin open for HOLD seconds before closing it, so the reply can
# arrive before tlsc sees end of input.
run_tlsc_input() {
  local text=$1 hold=$2; shift 2
  local fifo=$CASE_DIR/stdin.$RANDOM
  mkfifo "$fifo"
  ( printf '%b' "$text"; exec sleep "$hold" ) > "$fifo" 2>/dev/null &
  HELPER_PIDS+=("$!")
  _run_tlsc "$fifo" "$@"
}

_run_tlsc() {
  local in=$1; shift
  local t0 t1
  # TLSC_DRIVER=event|blocking: run `tlsc connect` and `tlsc get` through
  # that driver.
  if [ -n "${TLSC_DRIVER:-}" ] && { [ "${1:-}" = connect ] || [ "${1:-}" = get ]; }; then
    local sub=$1
    shift
    set -- "$sub" --driver "$TLSC_DRIVER" "$@"
  fi
  CMDLINE="tlsc $*"
  [ "${TLSC_VERBOSE:-0}" = 1 ] && note "run: $CMDLINE"
  t0=${EPOCHREALTIME/./}
  timeout -k 2 "$TLSC_RUN_LIMIT" "$TLSC_BIN" "$@" \
    < "$in" > "$CASE_DIR/tlsc.out" 2> "$CASE_DIR/tlsc.err"
  RC=$?
  t1=${EPOCHREALTIME/./}
  ELAPSED_MS=$(((t1 - t0) / 1000))
  OUT=$(cat "$CASE_DIR/tlsc.out")
  ERR=$(cat "$CASE_DIR/tlsc.err")
  if [ "${TLSC_VERBOSE:-0}" = 1 ]; then
    note "exit $RC after $ELAPSED_MS ms"; sed 's/^/#   err| /' "$CASE_DIR/tlsc.err"
  fi
  [ "$RC" = 124 ] && fail "tlsc still running after ${TLSC_RUN_LIMIT}s (killed)"
  return 0
}

# ---- assertions ----------------------------------------------------------------

expect_exit() {
  [ "$RC" = "$1" ] || fail "exit status $RC, expected $1"
}

# The value of summary line KEY ("key: value") in tlsc's stderr.
summary_value() {
  sed -n "/^$1: /{s/^$1: //p;q}" <<< "$ERR"
}

expect_summary() {
  local v
  if ! grep -q "^$1: " <<< "$ERR"; then
    fail "no '$1:' line in the summary"
    return
  fi
  v=$(summary_value "$1")
  [ "$v" = "$2" ] || fail "$1: '$v', expected '$2'"
}

expect_summary_re() {
  local v
  v=$(summary_value "$1")
  grep -qE "$2" <<< "$v" || fail "$1: '$v', expected to match /$2/"
}

# The full summary must be there and well-formed.
expect_summary_complete() {
  local k
  for k in protocol cipher group alpn peer verify resumed handshake_ms heap_peak_bytes record_limit; do
    grep -q "^$k: " <<< "$ERR" || fail "summary lacks '$k:'"
  done
  expect_summary_re handshake_ms '^[0-9]+$'
  expect_summary_re heap_peak_bytes '^[1-9][0-9]*$'
  expect_summary_re record_limit '^in=[1-9][0-9]* out=[1-9][0-9]*$'
}

expect_stderr_contains() {
  grep -qiF -- "$1" <<< "$ERR" || fail "stderr lacks '$1'"
}

expect_stderr_re() {
  grep -qiE -- "$1" <<< "$ERR" || fail "stderr does not match /$1/"
}

expect_stderr_not_contains() {
  grep -qiF -- "$1" <<< "$ERR" && fail "stderr unexpectedly contains '$1'"
  return 0
}

# The error line: "tlsc: <static message>: <detail>", with a detail.
expect_error_line() {
  grep -qE '^tlsc: [^:]+: .+' <<< "$ERR" ||
    fail "no 'tlsc: <message>: <detail>' line on stderr"
}

expect_stdout_contains() {
  grep -qF -- "$1" <<< "$OUT" || fail "stdout lacks '$1'"
}

expect_stdout_equals() {
  [ "$OUT" = "$1" ] || fail "stdout '$(printf '%s' "$OUT" | head -c 200)', expected '$1'"
}

# expect_server_log REGEX: the last server's log matches (waits up to 3 s).
expect_server_log() {
  wait_server_log "$1" || fail "server log lacks /$1/"
}

expect_elapsed_between() {
  [ "$ELAPSED_MS" -ge "$1" ] && [ "$ELAPSED_MS" -le "$2" ] ||
    fail "took $ELAPSED_MS ms, expected $1..$2 ms"
}

expect_equal() { # WHAT ACTUAL EXPECTED
  [ "$2" = "$3" ] || fail "$1: '$2', expected '$3'"
}
