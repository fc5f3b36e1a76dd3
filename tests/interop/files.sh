#!/usr/bin/env bash
# tests/interop/files.sh — the tlsc command's files, on real file-system
# cases (issue 13, section 5):
#  - outputs (get -o, --sess-out, bundle build -o): a character device made
#    with mknod in the case directory and a FIFO are written in place and
#    stay what they are; a symlink is followed (the link stays, the target
#    is replaced by rename: a hard link to the old target keeps the old
#    content); "-" is stdout; nothing FILE.tlsc-* is ever left behind;
#  - --sess-out never uses the old predictable FILE.tmp: a planted symlink
#    and a pre-created 0666 file there are left alone, the session is 0600;
#  - SIGINT, SIGTERM and SIGHUP in the middle of `tlsc get -o` (openssl
#    s_server -WWW serving an endless body: a symlink to /dev/zero) remove
#    the temporary file, and tlsc dies of the signal (128 + signal);
#  - inputs that are not regular files (FIFO, directory) and oversized ones
#    are configuration errors (exit 3) naming the file, at once (a FIFO
#    never blocks); a CA file with a NUL between certificates reports the
#    certificates it lost; a session file readable by others warns.
# Never writes to /dev/null with -o: the device nodes are the case's own.
source "$(dirname "$0")/lib.sh"

TLSC_RUN_LIMIT=20
setup_pki
ROOT=$PKI/root.pem
CA=(--ca "$ROOT")

WWW=$T/www
mkdir -p "$WWW"
head -c 100000 /dev/urandom > "$WWW/small"
ln -s /dev/zero "$WWW/endless"
sha_of() { sha256sum "$1" | cut -d' ' -f1; }
SMALL_SHA=$(sha_of "$WWW/small")

# s_server -WWW serves files from its working directory (HTTP/1.0, the body
# ends with the connection).
start_www() {
  local here=$PWD
  cd "$WWW" || return 1
  start_openssl -cert "$PKI/server-p256.pem" -cert_chain "$PKI/int.pem" \
    -key "$PKI/server-p256.key" -WWW "$@"
  cd "$here" || return 1
}

# no_litter DIR...: no temporary file of tlsc in DIR.
no_litter() {
  local d f
  for d in "$@"; do
    for f in "$d"/*.tlsc-* "$d"/*.tmp; do
      [ -e "$f" ] && fail "left behind: $f"
    done
  done
  return 0
}

expect_chardev() { # PATH MAJOR:MINOR
  [ -c "$1" ] || { fail "$1 is no longer a character device: $(stat -c %F "$1" 2>&1)"; return; }
  expect_equal "device numbers of $1" "$(stat -c '%t:%T' "$1")" "$2"
}

# ---- get -o ------------------------------------------------------------------------

case_begin "get -o onto a character device (mknod) writes to it and leaves it a device"
start_www
mknod "$CASE_DIR/null" c 1 3
run_tlsc get "https://localhost:$SRV_PORT/small" -o "$CASE_DIR/null" "${CA[@]}"
expect_exit 0
expect_chardev "$CASE_DIR/null" 1:3
no_litter "$CASE_DIR"

case_begin "get -o onto a full device (mknod c 1 7): exit 13 with the write error, the device stays"
start_www
mknod "$CASE_DIR/full" c 1 7
run_tlsc get "https://localhost:$SRV_PORT/small" -o "$CASE_DIR/full" "${CA[@]}"
expect_exit "$EXIT_HTTP"
expect_stderr_contains "cannot write $CASE_DIR/full: No space left on device"
expect_chardev "$CASE_DIR/full" 1:7
no_litter "$CASE_DIR"

case_begin "get -o onto a FIFO writes the content through it, the FIFO stays"
start_www
mkfifo "$CASE_DIR/pipe"
timeout 10 cat "$CASE_DIR/pipe" > "$CASE_DIR/got" &
HELPER_PIDS+=("$!")
run_tlsc get "https://localhost:$SRV_PORT/small" -o "$CASE_DIR/pipe" "${CA[@]}"
expect_exit 0
wait "${HELPER_PIDS[-1]}"
[ -p "$CASE_DIR/pipe" ] || fail "the FIFO was replaced"
expect_equal "content read from the FIFO" "$(sha_of "$CASE_DIR/got")" "$SMALL_SHA"
no_litter "$CASE_DIR"

case_begin "get -o through a symlink replaces the target by rename, the link stays"
start_www
mkdir -p "$CASE_DIR/a" "$CASE_DIR/b"
echo old > "$CASE_DIR/b/target"
ln "$CASE_DIR/b/target" "$CASE_DIR/b/hardlink"
ln -s ../b/target "$CASE_DIR/a/link"
run_tlsc get "https://localhost:$SRV_PORT/small" -o "$CASE_DIR/a/link" "${CA[@]}"
expect_exit 0
[ -L "$CASE_DIR/a/link" ] || fail "the symlink was replaced"
expect_equal "link" "$(readlink "$CASE_DIR/a/link")" ../b/target
expect_equal "target content" "$(sha_of "$CASE_DIR/b/target")" "$SMALL_SHA"
expect_equal "old inode (hard link) content" "$(cat "$CASE_DIR/b/hardlink")" old
no_litter "$CASE_DIR/a" "$CASE_DIR/b"

case_begin "get -o through a dangling symlink creates its target"
start_www
ln -s new-file "$CASE_DIR/dangling"
run_tlsc get "https://localhost:$SRV_PORT/small" -o "$CASE_DIR/dangling" "${CA[@]}"
expect_exit 0
[ -L "$CASE_DIR/dangling" ] || fail "the symlink was replaced"
expect_equal "target content" "$(sha_of "$CASE_DIR/new-file" 2>&1)" "$SMALL_SHA"
no_litter "$CASE_DIR"

case_begin "get -o - writes the content to stdout"
start_www
run_tlsc get "https://localhost:$SRV_PORT/small" -o - "${CA[@]}"
expect_exit 0
expect_equal "stdout content" "$(sha_of "$CASE_DIR/tlsc.out")" "$SMALL_SHA"
[ -e "$CASE_DIR/-" ] && fail "a file named '-' was created"
no_litter "$CASE_DIR" "$PWD"

case_begin "get -o onto a directory is refused, nothing created"
start_www
mkdir "$CASE_DIR/dir"
run_tlsc get "https://localhost:$SRV_PORT/small" -o "$CASE_DIR/dir" "${CA[@]}"
expect_exit "$EXIT_HTTP"
expect_stderr_contains "cannot write $CASE_DIR/dir: Is a directory"
no_litter "$CASE_DIR"

# SIG: tlsc get -o of an endless body; the signal once the temporary file
# holds 64 KiB (mid-download), then the file must be gone.
for sig in INT TERM HUP; do
  case_begin "SIG$sig during get -o removes FILE.tlsc-XXXXXX, exit 128+SIG$sig"
  start_www
  # a background job of a script starts with SIGINT ignored (and tlsc
  # keeps an ignored signal ignored, as nohup wants): give it the default
  env --default-signal=INT "$TLSC_BIN" get ${TLSC_DRIVER:+--driver "$TLSC_DRIVER"} \
    "https://localhost:$SRV_PORT/endless" \
    -o "$CASE_DIR/fw.bin" "${CA[@]}" > "$CASE_DIR/tlsc.out" 2> "$CASE_DIR/tlsc.err" < /dev/null &
  pid=$!
  CMDLINE="tlsc get https://localhost:$SRV_PORT/endless -o $CASE_DIR/fw.bin (then SIG$sig)"
  grown=0
  for ((i = 0; i < 400; i++)); do
    f=$(compgen -G "$CASE_DIR/fw.bin.tlsc-*" | head -1)
    if [ -n "$f" ] && [ "$(stat -c %s "$f" 2>/dev/null || echo 0)" -gt 65536 ]; then
      grown=1
      break
    fi
    sleep 0.05
  done
  [ "$grown" = 1 ] || fail "the download never reached 64 KiB in its temporary file"
  kill -"$sig" "$pid"
  wait "$pid" 2>/dev/null
  RC=$? ELAPSED_MS=0
  num=$(kill -l "$sig")
  expect_exit $((128 + num))
  [ -e "$CASE_DIR/fw.bin" ] && fail "fw.bin exists after an interrupted download"
  no_litter "$CASE_DIR"
done

# ---- --sess-out ----------------------------------------------------------------------

# A TLS 1.2 server: its session exists as soon as the handshake is done.
start_tls12() {
  start_openssl -cert "$PKI/server-p256.pem" -cert_chain "$PKI/int.pem" -key "$PKI/server-p256.key" \
    -tls1_2 "$@"
}

case_begin "--sess-out ignores a symlink and a 0666 file planted at FILE.tmp"
start_tls12
echo victim > "$CASE_DIR/victim"
ln -s victim "$CASE_DIR/s1.sess.tmp"
echo planted > "$CASE_DIR/s2.sess.tmp"
chmod 0666 "$CASE_DIR/s2.sess.tmp"
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --sess-out "$CASE_DIR/s1.sess"
expect_exit 0
expect_equal "victim of the planted symlink" "$(cat "$CASE_DIR/victim")" victim
[ -L "$CASE_DIR/s1.sess.tmp" ] || fail "the planted symlink was removed or replaced"
expect_equal "mode of s1.sess" "$(stat -c %a "$CASE_DIR/s1.sess")" 600
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --sess-out "$CASE_DIR/s2.sess"
expect_exit 0
expect_equal "pre-created s2.sess.tmp" "$(cat "$CASE_DIR/s2.sess.tmp")" planted
expect_equal "mode of s2.sess" "$(stat -c %a "$CASE_DIR/s2.sess")" 600
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --sess-in "$CASE_DIR/s2.sess"
expect_exit 0
expect_summary resumed yes
expect_stderr_not_contains "warning"

case_begin "--sess-out through a symlink: the target gets the session (0600), the link stays"
start_tls12
ln -s real.sess "$CASE_DIR/link.sess"
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --sess-out "$CASE_DIR/link.sess"
expect_exit 0
[ -L "$CASE_DIR/link.sess" ] || fail "the symlink was replaced"
expect_equal "mode of real.sess" "$(stat -c %a "$CASE_DIR/real.sess" 2>&1)" 600
no_litter "$CASE_DIR"

case_begin "--sess-out onto a character device writes in place, the device stays"
start_tls12
mknod "$CASE_DIR/null" c 1 3
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --sess-out "$CASE_DIR/null"
expect_exit 0
expect_chardev "$CASE_DIR/null" 1:3
no_litter "$CASE_DIR"

case_begin "a session file readable by others is used, with a warning"
start_tls12
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --sess-out "$CASE_DIR/s.sess"
expect_exit 0
chmod 0644 "$CASE_DIR/s.sess"
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --sess-in "$CASE_DIR/s.sess"
expect_exit 0
expect_summary resumed yes
expect_stderr_contains "warning: session file $CASE_DIR/s.sess is accessible by others (mode 0644)"

# ---- bundle build -o -----------------------------------------------------------------

case_begin "bundle build -o through a symlink: renamed over the target, the link stays"
mkdir -p "$CASE_DIR/out"
echo old > "$CASE_DIR/out/roots.tlsc"
ln "$CASE_DIR/out/roots.tlsc" "$CASE_DIR/old-inode"
ln -s out/roots.tlsc "$CASE_DIR/roots.link"
run_tlsc bundle build "$ROOT" -o "$CASE_DIR/roots.link"
expect_exit 0
[ -L "$CASE_DIR/roots.link" ] || fail "the symlink was replaced"
expect_equal "old inode (hard link) content" "$(cat "$CASE_DIR/old-inode")" old
run_tlsc bundle list "$CASE_DIR/out/roots.tlsc"
expect_exit 0
expect_stderr_contains "1 root"
no_litter "$CASE_DIR" "$CASE_DIR/out"

case_begin "bundle build -o onto a character device writes in place; -o - is stdout"
mknod "$CASE_DIR/null" c 1 3
run_tlsc bundle build "$ROOT" -o "$CASE_DIR/null"
expect_exit 0
expect_chardev "$CASE_DIR/null" 1:3
no_litter "$CASE_DIR"
run_tlsc bundle build "$ROOT" -o -
expect_exit 0
cp "$CASE_DIR/tlsc.out" "$CASE_DIR/from-stdout.tlsc"
expect_stderr_contains "-: 1 root"
run_tlsc bundle list "$CASE_DIR/from-stdout.tlsc"
expect_exit 0
expect_stderr_contains "1 root"

# ---- inputs that are not regular files --------------------------------------------------

# expect_input_refused WHAT: exit 3 at once, naming the file and its kind.
expect_input_refused() {
  expect_exit "$EXIT_CONFIG"
  expect_stderr_contains "$1"
  [ "$ELAPSED_MS" -lt 5000 ] || fail "took $ELAPSED_MS ms: something waited on the file"
}

case_begin "a FIFO as --ca, --cert/--key, --crl, --bundle, verify --chain, bundle list: exit 3 at once"
mkfifo "$CASE_DIR/fifo"
run_tlsc connect localhost:1 --ca "$CASE_DIR/fifo"
expect_input_refused "$CASE_DIR/fifo: a FIFO, not a regular file"
run_tlsc connect localhost:1 "${CA[@]}" --cert "$CASE_DIR/fifo" --key "$PKI/client-ec.key"
expect_input_refused "$CASE_DIR/fifo: a FIFO, not a regular file"
run_tlsc connect localhost:1 "${CA[@]}" --crl "$CASE_DIR/fifo"
expect_input_refused "$CASE_DIR/fifo: a FIFO, not a regular file"
run_tlsc connect localhost:1 --bundle "$CASE_DIR/fifo"
expect_input_refused "$CASE_DIR/fifo: a FIFO, not a regular file"
run_tlsc verify "${CA[@]}" --chain "$CASE_DIR/fifo"
expect_input_refused "$CASE_DIR/fifo: a FIFO, not a regular file"
run_tlsc bundle list "$CASE_DIR/fifo"
expect_input_refused "$CASE_DIR/fifo: a FIFO, not a regular file"
run_tlsc bundle build "$CASE_DIR/fifo" -o "$CASE_DIR/x.tlsc"
expect_input_refused "$CASE_DIR/fifo: a FIFO, not a regular file"
[ -e "$CASE_DIR/x.tlsc" ] && fail "bundle build wrote x.tlsc"

case_begin "a FIFO as --sess-in: not resuming (a warning), at once, then a full handshake"
start_tls12
mkfifo "$CASE_DIR/fifo"
run_tlsc connect "localhost:$SRV_PORT" "${CA[@]}" --summary --sess-in "$CASE_DIR/fifo"
expect_exit 0
expect_summary resumed no
expect_stderr_contains "not resuming: cannot read $CASE_DIR/fifo: a FIFO, not a regular file"

case_begin "a directory as --ca, --key, verify --chain, bundle list: exit 3 naming it (not 'out of memory')"
mkdir "$CASE_DIR/dir"
run_tlsc connect localhost:1 --ca "$CASE_DIR/dir"
expect_input_refused "$CASE_DIR/dir: a directory, not a regular file"
expect_stderr_not_contains "memory"
run_tlsc connect localhost:1 "${CA[@]}" --cert "$PKI/client-ec.pem" --key "$CASE_DIR/dir"
expect_input_refused "$CASE_DIR/dir: a directory, not a regular file"
run_tlsc verify "${CA[@]}" --chain "$CASE_DIR/dir"
expect_input_refused "$CASE_DIR/dir: a directory, not a regular file"
run_tlsc bundle list "$CASE_DIR/dir"
expect_input_refused "$CASE_DIR/dir: a directory, not a regular file"

case_begin "a --ca file over 1 MiB is refused (exit 3), naming the limit"
{ cat "$ROOT"; head -c 1100000 /dev/zero | tr '\0' '\n'; } > "$CASE_DIR/huge.pem"
run_tlsc connect localhost:1 --ca "$CASE_DIR/huge.pem"
expect_input_refused "$CASE_DIR/huge.pem"
expect_stderr_contains "more than the 1048576 bytes allowed"

case_begin "a CA file with a NUL between certificates reports the certificates it lost"
start_tls12
{ cat "$PKI/untrusted-root.pem"; printf '\0'; cat "$ROOT"; } > "$CASE_DIR/nul.pem"
run_tlsc connect "localhost:$SRV_PORT" --ca "$CASE_DIR/nul.pem" --summary
expect_exit "$EXIT_VERIFY"
expect_stderr_contains "warning: $CASE_DIR/nul.pem: 1 of 2 certificates could not be parsed and were skipped (a NUL byte at offset"
run_tlsc verify --ca "$CASE_DIR/nul.pem" --chain "$PKI/server-p256-chain.pem" --host localhost
expect_exit "$EXIT_VERIFY"
expect_stderr_contains "1 of 2 certificates could not be parsed"

finish
