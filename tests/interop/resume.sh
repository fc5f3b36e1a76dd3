#!/usr/bin/env bash
# tests/interop/resume.sh — session resumption against real servers.
#
# `tlsc connect --sess-out FILE / --sess-in FILE / --resumption MODE`
# against openssl s_server and gnutls-serv, TLS 1.2 and TLS 1.3. Every case
# asserts what tlsc reports (`resumed:`, `verify:`, the debug line that says
# why a session was or was not offered) AND what the server saw:
#
# - openssl s_server runs with -trace; each connection's ClientHello is
#   parsed (extensions, psk_key_exchange_modes, session_id, SNI, the ticket
#   age inside pre_shared_key), and the server resumed a connection when it
#   sent no Certificate message in it;
# - gnutls-serv prints "*** This is a resumed session" for a resumed one.
#
# The session file is checked byte by byte against docs/session-format.md,
# and tampered with: flipped, truncated, random, and rewritten with a
# recomputed checksum (the checksum is not a MAC) — which is also how
# expiry is tested without waiting hours for it.
#
# Usage: TLSC_BIN=build/dev/tools/tlsc bash tests/interop/resume.sh
source "$(dirname "$0")/lib.sh"

setup_pki
ROOT=$PKI/root.pem
LEAF=server-p256
PEER="CN=localhost, O=tlsc tests, OU=ecdsa-p256"
PIN_P256=$(pin_of "$PKI/$LEAF.pem")
# Ticket lifetimes the servers announce (openssl 2 h, gnutls 6 h); a TLS 1.2
# session without a ticket (session ID) is kept 24 h by tlsc.
declare -A LIFETIME=([openssl]=7200 [gnutls]=21600)
ID_LIFETIME=86400
# mbedTLS's serialized session starts with mbedTLS's version (3 bytes).
MBEDTLS_VER=$("$TLSC_BIN" --version | sed -n 's/.*mbedTLS \([0-9]*\.[0-9]*\.[0-9]*\).*/\1/p')
[ -n "$MBEDTLS_VER" ] || die "cannot read the mbedTLS version from tlsc --version"
MBEDTLS_VER_HEX=$(IFS=. && set -- $MBEDTLS_VER && printf '%02x%02x%02x' "$1" "$2" "$3")
# 48 bytes from the middle of the server leaf's DER: no file may hold them.
LEAF_DER_HEX=$(openssl x509 -in "$PKI/$LEAF.pem" -outform DER | od -An -v -tx1 | tr -d ' \n')
LEAF_DER_HEX=${LEAF_DER_HEX:200:96}

# s_server writes its -trace to stdout, fully buffered when that is a file:
# a connection's trace may show up seconds later, or at exit. Run it
# line-buffered (coreutils stdbuf) through an `openssl` first in PATH, for
# serve() only.
mkdir -p "$T/bin"
printf '#!/bin/sh\nexec stdbuf -oL %s "$@"\n' "$(command -v openssl)" > "$T/bin/openssl"
chmod +x "$T/bin/openssl"

# ---- servers and connections ---------------------------------------------------

# serve SERVER VERSION [ARGS...]: openssl s_server (-trace, -rev) or
# gnutls-serv (echo) with the P-256 leaf and its chain.
serve() {
  local server=$1 ver=$2; shift 2
  OSSL_LINES=()
  if [ "$server" = openssl ]; then
    PATH=$T/bin:$PATH start_openssl "-tls${ver/./_}" -trace -cert "$PKI/$LEAF.pem" \
      -cert_chain "$PKI/int.pem" -key "$PKI/$LEAF.key" "$@"
  else
    start_gnutls --priority "NORMAL:-VERS-ALL:+VERS-TLS$ver" \
      --x509certfile "$PKI/$LEAF-chain.pem" --x509keyfile "$PKI/$LEAF.key" "$@"
  fi
}

# connect HOST [ARGS...]: tlsc connect HOST:$SRV_PORT --summary --debug 3.
connect() {
  local host=$1; shift
  run_tlsc connect "$host:$SRV_PORT" --ca "$ROOT" --summary --debug 3 "$@"
}

# These run after every connection: plain bash, no processes (a fork and
# exec costs ~10 ms, and this script makes a few hundred checks).

# want KEY VALUE: summary line "KEY: VALUE"; VALUE /RE/ is a regex.
want() {
  local re=$'(^|\n)'"$1"$': ([^\n]*)' v r
  if ! [[ $ERR =~ $re ]]; then fail "no '$1:' line in the summary"; return; fi
  v=${BASH_REMATCH[2]}
  case $2 in
    /*/) r=${2:1:${#2}-2}; [[ $v =~ $r ]] || fail "$1: '$v', expected to match /$r/" ;;
    *) [ "$v" = "$2" ] || fail "$1: '$v', expected '$2'" ;;
  esac
}
has() { [[ $ERR == *"$1"* ]] || fail "stderr lacks '$1'"; }
hasnt() { [[ $ERR != *"$1"* ]] || fail "stderr unexpectedly contains '$1'"; }

# save FILE [ARGS...]: a full handshake with localhost that saves FILE.
save() {
  local f=$1; shift
  connect localhost --sess-out "$f" "$@"
  expect_exit 0
  want resumed no
  want verify ok
  [ -s "$f" ] || fail "no session saved to $f"
  hasnt "no session saved"
}

# A full, verified handshake.
expect_full() {
  expect_exit 0
  [ "$RC" = 0 ] || return 0   # the rest would only repeat it
  want resumed no
  want verify ok
  want peer "$PEER"
  want group "/$RE_GROUP/"
  want handshake_ms '/^[0-9]+$/'
}

# A resumed handshake of VERSION, as tlsc reports it.
expect_resumed() {
  expect_exit 0
  [ "$RC" = 0 ] || return 0
  want protocol "TLSv$1"
  want resumed yes
  want verify ok
  # no certificate was sent: the subject comes from the session file
  want peer "$PEER"
  want handshake_ms '/^[0-9]+$/'
  has "offering saved session to localhost"
  hasnt "not resuming"
}

# expect_not_offered REASON: tlsc did not offer the session, and said why.
expect_not_offered() {
  has "not offered to"
  has ": $1"
  hasnt "offering saved session"
}

# ---- what the servers saw ----------------------------------------------------------

# One line per connection in an openssl -trace log:
#   N fin=F exts=name=len,... modes=m,... msgs=,ClientHello,..., sid=HEX ssid=HEX sni=NAME age=MS
# fin: Finished messages seen (2 = handshake done); exts, modes: the
# ClientHello's extensions and psk_key_exchange_modes; msgs: the handshake
# messages of the connection, both directions; sid, ssid: the ClientHello's
# and ServerHello's session_id; sni: the server_name sent ("-" for none);
# age: the ticket age the client claims in pre_shared_key (obfuscated age
# minus the ticket_age_add of the NewSessionTicket that brought the ticket),
# "-" when there is none.
OSSL_AWK='
function hexval(h,   i, v) {
  v = 0; h = tolower(h)
  for (i = 1; i <= length(h); i++) v = v * 16 + index("0123456789abcdef", substr(h, i, 1)) - 1
  return v
}
# the data of extension e (hex-dumped by -trace) as bytes b[0..count-1]
function bytes(e, b,   k, t, i, c) {
  k = split(dump[e], t, " "); c = 0
  for (i = 1; i <= k; i++) b[c++] = t[i]
  return c
}
# pre_shared_key: identities<2> { identity<2>, obfuscated_ticket_age(4) } ...
function age(   b, c, idl, id, i, obf) {
  c = bytes("psk", b)
  if (c < 8) return "-"
  idl = hexval(b[2] b[3]); id = ""
  for (i = 4; i < 4 + idl; i++) id = id toupper(b[i])
  if (!(id in ageadd)) return "?"
  obf = hexval(b[4 + idl] b[5 + idl] b[6 + idl] b[7 + idl])
  return sprintf("%.0f", (obf - ageadd[id] + 4294967296) % 4294967296)
}
# server_name: list<2> { type(1), name<2> }
function sni(   b, c, i, s) {
  c = bytes("server_name", b)
  if (c < 6) return "-"
  s = ""
  for (i = 5; i < c; i++) s = s sprintf("%c", hexval(b[i]))
  return s
}
function flush() {
  if (n) print n, "fin=" fin, "exts=" exts, "modes=" modes, "msgs=" msgs ",", "sid=" sid, "ssid=" ssid, "sni=" sni(), "age=" age()
}
/^    [A-Za-z]+, Length=[0-9]+$/ {
  m = $1; sub(/,$/, "", m)
  if (m == "ClientHello") { flush(); n++; fin = 0; exts = modes = msgs = sid = ssid = ""; split("", dump); inch = 1 }
  else inch = 0
  if (m == "Finished") fin++
  msgs = msgs "," m; cur = m; ext = ""; next
}
/^(Sent|Received) Record/ { inch = 0; ext = ""; next }
cur == "NewSessionTicket" && /ticket_age_add=/ { s = $0; sub(/.*=/, "", s); add = s + 0; next }
cur == "NewSessionTicket" && /ticket \(len=/ { s = $0; sub(/.*: /, "", s); ageadd[toupper(s)] = add; next }
/ session_id \(len=/ {
  s = $0; sub(/.*\):/, "", s); gsub(/ /, "", s)
  if (cur == "ClientHello") sid = s; else if (cur == "ServerHello") ssid = s
  next
}
inch && /extension_type=/ {
  s = $0; sub(/.*extension_type=/, "", s); ext = s; sub(/\(.*/, "", ext)
  l = s; sub(/.*length=/, "", l)
  exts = exts (exts == "" ? "" : ",") ext "=" l; next
}
inch && ext == "psk_key_exchange_modes" && /^ +[a-z_]+ \([0-9]+\)$/ {
  modes = modes (modes == "" ? "" : ",") $1; next
}
inch && ext != "" && /^ +[0-9a-f][0-9a-f][0-9a-f][0-9a-f] - / {
  s = $0; sub(/^ +[0-9a-f]+ - /, "", s); s = substr(s, 1, 45); gsub(/-/, " ", s)
  k = split(s, t, / +/)
  for (i = 1; i <= k; i++) if (t[i] ~ /^[0-9a-f][0-9a-f]$/) dump[ext] = dump[ext] " " t[i]
  next
}
END { flush() }'
OSSL_LINES=()

# ossl_wait N: until s_server's trace shows connection N with its handshake
# done (the server logs after the client has gone), then parse the trace
# into OSSL_LINES.
ossl_wait() {
  local i
  for ((i = 0; i < 60; i++)); do
    mapfile -t OSSL_LINES < <(awk "$OSSL_AWK" "$SRV_LOG")
    [ "${#OSSL_LINES[@]}" -ge "$1" ] && [[ ${OSSL_LINES[$1 - 1]} == *" fin=2 "* ]] && return 0
    sleep 0.05
  done
  fail "openssl trace: no complete handshake $1 (${#OSSL_LINES[@]} connections)"
}

# ossl_field N KEY: a field of connection N (after ossl_wait); sets F.
ossl_field() {
  local line=" ${OSSL_LINES[$1 - 1]:-} " re=" $2=([^ ]*) "
  F=""
  [[ $line =~ $re ]] && F=${BASH_REMATCH[1]}
  return 0
}

# ch_ext N NAME: sets F to the length of extension NAME in ClientHello N,
# "-" when absent.
ch_ext() {
  local re="(^|,)$2=([0-9]+)(,|$)"
  ossl_field "$1" exts
  if [[ $F =~ $re ]]; then F=${BASH_REMATCH[2]}; else F=-; fi
}

expect_ch_ext() { # N NAME [LENGTH | nonempty]
  ch_ext "$1" "$2"
  if [ "$F" = - ]; then fail "ClientHello $1 has no $2 extension"
  elif [ "${3:-}" = nonempty ]; then [ "$F" -gt 0 ] || fail "ClientHello $1: $2 extension is empty"
  elif [ -n "${3:-}" ]; then expect_equal "ClientHello $1: length of $2" "$F" "$3"
  fi
}

expect_ch_no_ext() { # N NAME
  ch_ext "$1" "$2"
  [ "$F" = - ] || fail "ClientHello $1 has a $2 extension (length $F)"
}

expect_ch() { # N KEY VALUE: a field of ossl_field
  ossl_field "$1" "$2"
  expect_equal "connection $1: $2" "$F" "$3"
}

# expect_server_resumed SERVER N yes|no: the server's N-th connection was
# resumed (openssl: it sent no Certificate; gnutls: it says so), or not.
expect_server_resumed() {
  local r=no i c
  if [ "$1" = openssl ]; then
    ossl_wait "$2"
    ossl_field "$2" msgs
    [ -n "$F" ] || { fail "openssl trace has no connection $2"; return; }
    [[ $F == *,Certificate,* ]] || r=yes
    expect_equal "openssl resumed connection $2 (messages $F)" "$r" "$3"
    return
  fi
  for ((i = 0; i < 60; i++)); do
    c=$(grep -c '^- Version: ' "$SRV_LOG")
    [ "$c" -ge "$2" ] && break
    sleep 0.05
  done
  [ "$c" -ge "$2" ] || fail "gnutls-serv reported $c handshakes, expected $2"
  r=$(awk -v want="$2" '
    /^\* Accepted connection/ { n++ }
    n == want && /^\*\*\* This is a resumed session/ { r = 1 }
    END { print r ? "yes" : "no" }' "$SRV_LOG")
  expect_equal "gnutls-serv resumed connection $2" "$r" "$3"
}

# ---- session files ----------------------------------------------------------------------

env_hex() { od -An -v -tx1 "$1" | tr -d ' \n'; }
# env_u HEX OFFSET BYTES: the big-endian unsigned integer at byte OFFSET.
env_u() { echo $((16#${1:$(($2 * 2)):$(($3 * 2))})); }
hex_bytes() { printf '%b' "$(sed 's/../\\x&/g' <<< "$1")"; }
hex_sha256() { hex_bytes "$1" | sha256sum | cut -c1-64; }

# check_file FILE VERSION LIFETIME: the envelope of docs/session-format.md.
check_file() {
  local f=$1 ver=$2 life=$3 h n nl sl bl created now mb
  [ -f "$f" ] || { fail "no file $f"; return; }
  expect_equal "mode of $f" "$(stat -c %a "$f")" 600
  [ -e "$f.tmp" ] && fail "$f.tmp was left behind"
  h=$(env_hex "$f")
  n=$((${#h} / 2))
  [ "$n" -lt 1024 ] || fail "session file is $n bytes, expected < 1024"
  [ "$n" -ge 91 ] || { fail "session file is $n bytes: not even an envelope"; return; }
  expect_equal "magic and format version" "${h:0:16}" 544c534353455301   # "TLSCSES", 1
  created=$(env_u "$h" 8 8)
  now=$(date +%s)
  [ $((now - created)) -ge 0 ] && [ $((now - created)) -le 300 ] ||
    fail "created $created, now $now"
  expect_equal "lifetime" "$(env_u "$h" 16 4)" "$life"
  nl=$(env_u "$h" 52 1) sl=$(env_u "$h" 53 2) bl=$(env_u "$h" 55 4)
  expect_equal "59 + lengths + 32" $((59 + nl + sl + bl + 32)) "$n"
  expect_equal "server name" "$(hex_bytes "${h:118:$((nl * 2))}")" localhost
  expect_equal "subject" "$(hex_bytes "${h:$((118 + nl * 2)):$((sl * 2))}")" "$PEER"
  expect_equal "checksum" "${h: -64}" "$(hex_sha256 "${h:0:$(((n - 32) * 2))}")"
  # mbedTLS's blob: mbedTLS version (3), format bits (2), TLS version
  # (3 = 1.2, 4 = 1.3), endpoint (0 = client), cipher suite
  mb=${h:$(((59 + nl + sl) * 2)):18}
  expect_equal "mbedTLS version in the blob" "${mb:0:6}" "$MBEDTLS_VER_HEX"
  expect_equal "TLS version in the blob" "${mb:10:2}" "0$((${ver#1.} + 1))"
  expect_equal "endpoint in the blob" "${mb:12:2}" 00
  [[ $h == *"$LEAF_DER_HEX"* ]] && fail "the server's certificate is in the file"
  return 0
}

# fingerprint FILE: the configuration fingerprint (hex).
fingerprint() { env_hex "$1" | cut -c41-104; }

# rewrite IN OUT OFFSET BYTES VALUE: OUT = IN with the big-endian field at
# OFFSET set to VALUE and the checksum recomputed.
rewrite() {
  local h body v
  h=$(env_hex "$1")
  body=${h:0:$((${#h} - 64))}
  v=$(printf "%0$(($4 * 2))x" "$5")
  body=${body:0:$(($3 * 2))}$v${body:$((($3 + $4) * 2))}
  hex_bytes "$body$(hex_sha256 "$body")" > "$2"
}

# flip IN OUT: OUT = IN with the lowest bit of its middle byte flipped.
flip() {
  local h mid
  h=$(env_hex "$1")
  mid=$((${#h} / 4 * 2))
  hex_bytes "${h:0:$mid}$(printf '%02x' $((16#${h:$mid:2} ^ 1)))${h:$((mid + 2))}" > "$2"
}

# expect_rejected FILE REASON: tlsc warned that FILE is unusable, did a full
# verified handshake, and (debug) gave REASON.
expect_rejected() {
  expect_full
  has "tlsc: not resuming: $1: session data is corrupt, truncated, tampered with"
  has "session data rejected: $2"
  hasnt "offering saved session"
}

# ---- every server and version: save, resume, refuse, other name, other trust, flip ------

for server in openssl gnutls; do
  for ver in 1.2 1.3; do
    base=$T/$server-$ver.sess

    case_begin "$server TLS$ver: --sess-out saves the session, --sess-in resumes it"
    serve "$server" "$ver"
    save "$base"
    want protocol "TLSv$ver"
    has "resumable session from localhost captured"
    check_file "$base" "$ver" "${LIFETIME[$server]}"
    [ "$ver" = 1.3 ] && [ "$server" = openssl ] && sleep 1   # a ticket age to measure
    # resume it and save the resumed connection's session (a device's loop)
    connect localhost --sess-in "$base" --sess-out "$CASE_DIR/next.sess"
    expect_resumed "$ver"
    expect_server_resumed "$server" 2 yes
    [ -s "$CASE_DIR/next.sess" ] || fail "the resumed connection saved no session"
    [ "$(fingerprint "$CASE_DIR/next.sess")" = "$(fingerprint "$base")" ] ||
      fail "same configuration, different fingerprints"
    # ... and resume that one
    connect localhost --sess-in "$CASE_DIR/next.sess"
    expect_resumed "$ver"
    expect_server_resumed "$server" 3 yes
    if [ "$server" = openssl ] && [ "$ver" = 1.3 ]; then
      expect_ch_no_ext 1 psk
      expect_ch_ext 2 psk nonempty
      # default resumption: psk_dhe_ke only, with a key share
      expect_ch 2 modes psk_dhe_ke
      expect_ch_ext 2 key_share nonempty
      # mbedTLS's ticket clock is tlsc's wall clock in ms: the age it
      # claims is the time between ticket and resumption (1 s of sleep)
      ossl_field 2 age
      [[ $F =~ ^[0-9]+$ ]] && [ "$F" -ge 1000 ] && [ "$F" -le 15000 ] ||
        fail "ticket age claimed by tlsc: '$F' ms, expected 1000..15000"
    elif [ "$server" = openssl ]; then
      expect_ch_ext 1 session_ticket 0
      expect_ch_ext 2 session_ticket nonempty
    fi
    case_end

    case_begin "$server TLS$ver: a restarted server (new ticket keys) refuses the session: full handshake"
    serve "$server" "$ver"
    save "$CASE_DIR/s.sess"
    stop_servers
    serve "$server" "$ver"
    connect localhost --sess-in "$CASE_DIR/s.sess"
    expect_full
    want protocol "TLSv$ver"
    has "offering saved session to localhost"
    hasnt "not resuming"
    expect_server_resumed "$server" 1 no
    if [ "$server" = openssl ]; then
      [ "$ver" = 1.3 ] && expect_ch_ext 1 psk nonempty
      [ "$ver" = 1.2 ] && expect_ch_ext 1 session_ticket nonempty
    fi
    case_end

    case_begin "$server TLS$ver: a session saved for localhost is not offered to tlsc.test"
    serve "$server" "$ver"
    save "$CASE_DIR/s.sess"
    connect 127.0.0.1 --servername tlsc.test --sess-in "$CASE_DIR/s.sess"
    expect_full
    expect_not_offered "it was saved for another server name"
    has "saved session (for localhost) not offered to tlsc.test"
    expect_server_resumed "$server" 2 no
    if [ "$server" = openssl ]; then
      expect_ch 2 sni tlsc.test
      if [ "$ver" = 1.3 ]; then
        expect_ch_no_ext 2 psk
      else
        expect_ch_ext 2 session_ticket 0   # asks for a ticket, sends none
      fi
    else
      grep -q '^- Given server name\[1\]: tlsc.test$' "$SRV_LOG" ||
        fail "gnutls-serv did not see SNI tlsc.test"
    fi
    # control: the same file, to the name it was saved for, resumes here
    connect localhost --sess-in "$CASE_DIR/s.sess"
    expect_resumed "$ver"
    expect_server_resumed "$server" 3 yes
    case_end

    others=("--pin $PIN_P256")
    [ "$server" = openssl ] && others+=("--ca $PKI/client-ca.pem")
    for other in "${others[@]}"; do
      case_begin "$server TLS$ver: not offered under another trust configuration (adding ${other%% *})"
      serve "$server" "$ver"
      save "$CASE_DIR/s.sess"
      # shellcheck disable=SC2086  # "--opt VALUE", no spaces in VALUE
      connect localhost --sess-in "$CASE_DIR/s.sess" --sess-out "$CASE_DIR/other.sess" $other
      expect_full
      expect_not_offered "it was saved under a different trust or credential configuration"
      expect_server_resumed "$server" 2 no
      if [ "$server" = openssl ]; then
        [ "$ver" = 1.3 ] && expect_ch_no_ext 2 psk
        [ "$ver" = 1.2 ] && expect_ch_ext 2 session_ticket 0
      fi
      [ -s "$CASE_DIR/other.sess" ] || fail "no session saved under the other configuration"
      [ "$(fingerprint "$CASE_DIR/other.sess")" != "$(fingerprint "$CASE_DIR/s.sess")" ] ||
        fail "another trust configuration, same fingerprint"
      case_end
    done

    case_begin "$server TLS$ver: session file with one byte flipped"
    serve "$server" "$ver"
    flip "$base" "$CASE_DIR/flipped.sess"
    connect localhost --sess-in "$CASE_DIR/flipped.sess"
    expect_rejected "$CASE_DIR/flipped.sess" "checksum mismatch (corrupted or tampered)"
    expect_server_resumed "$server" 1 no
    case_end
  done
done

# ---- other unusable files: a warning, then a full handshake --------------------------------

B13=$T/openssl-1.3.sess
B12=$T/openssl-1.2.sess

case_begin "session file: truncated"
serve openssl 1.3
head -c $(($(stat -c %s "$B13") - 40)) "$B13" > "$CASE_DIR/short.sess"
connect localhost --sess-in "$CASE_DIR/short.sess"
expect_rejected "$CASE_DIR/short.sess" "lengths do not add up (truncated or extended)"
case_end

case_begin "session file: one byte appended"
serve openssl 1.2
{ cat "$B12"; printf x; } > "$CASE_DIR/long.sess"
connect localhost --sess-in "$CASE_DIR/long.sess"
expect_rejected "$CASE_DIR/long.sess" "lengths do not add up (truncated or extended)"
case_end

case_begin "session file: random bytes"
serve openssl 1.2
head -c 400 /dev/urandom > "$CASE_DIR/random.sess"
connect localhost --sess-in "$CASE_DIR/random.sess"
expect_rejected "$CASE_DIR/random.sess" "not a tlsc session (bad magic or too short)"
case_end

case_begin "session file: empty"
serve openssl 1.3
: > "$CASE_DIR/empty.sess"
connect localhost --sess-in "$CASE_DIR/empty.sess"
expect_rejected "$CASE_DIR/empty.sess" "not a tlsc session (bad magic or too short)"
case_end

case_begin "session file: missing"
serve openssl 1.3
connect localhost --sess-in "$T/no-such.sess"
expect_full
has "tlsc: not resuming: cannot read $T/no-such.sess: No such file or directory"
case_end

case_begin "session file: unknown format version (checksum recomputed)"
serve openssl 1.3
rewrite "$B13" "$CASE_DIR/v2.sess" 7 1 2
connect localhost --sess-in "$CASE_DIR/v2.sess"
expect_rejected "$CASE_DIR/v2.sess" "unknown session format version"
case_end

# What a firmware update to another mbedTLS release does to saved sessions:
# mbedTLS refuses a session serialized by another version of itself.
case_begin "session file: serialized by another mbedTLS version (checksum recomputed)"
serve openssl 1.3
h=$(env_hex "$B13")
rewrite "$B13" "$CASE_DIR/oldmbed.sess" $((59 + $(env_u "$h" 52 1) + $(env_u "$h" 53 2))) 3 $((16#030500))
connect localhost --sess-in "$CASE_DIR/oldmbed.sess"
expect_rejected "$CASE_DIR/oldmbed.sess" "mbedTLS cannot load the session"
case_end

# ---- expiry -----------------------------------------------------------------------------
# Waiting for a ticket to expire takes hours: the file's creation time is
# rewritten instead (possible because the checksum is not a MAC). mbedTLS's
# own TLS 1.3 ticket-age check (on the time inside its blob) is not reached
# that way: tlsc's check comes first. The control rewrites the time to one
# 60 s short of expiry, which must still resume: the rewriting is sound.

for ver in 1.2 1.3; do
  case_begin "openssl TLS$ver: an expired session is not offered"
  serve openssl "$ver"
  save "$CASE_DIR/s.sess"
  rewrite "$CASE_DIR/s.sess" "$CASE_DIR/old.sess" 8 8 $(($(date +%s) - LIFETIME[openssl] - 5))
  connect localhost --sess-in "$CASE_DIR/old.sess"
  expect_full
  expect_not_offered "it has expired"
  expect_server_resumed openssl 2 no
  [ "$ver" = 1.3 ] && expect_ch_no_ext 2 psk
  [ "$ver" = 1.2 ] && expect_ch_ext 2 session_ticket 0
  case_end

  case_begin "openssl TLS$ver: control: a session 60 s short of expiry resumes"
  serve openssl "$ver"
  save "$CASE_DIR/s.sess"
  rewrite "$CASE_DIR/s.sess" "$CASE_DIR/fresh.sess" 8 8 $(($(date +%s) - LIFETIME[openssl] + 60))
  connect localhost --sess-in "$CASE_DIR/fresh.sess"
  expect_resumed "$ver"
  expect_server_resumed openssl 2 yes
  case_end
done

# ---- TLS 1.2 session IDs (a server without tickets) -------------------------------------

case_begin "openssl TLS1.2 -no_ticket: resumption by session ID"
serve openssl 1.2 -no_ticket
save "$CASE_DIR/s.sess"
check_file "$CASE_DIR/s.sess" 1.2 "$ID_LIFETIME"
connect localhost --sess-in "$CASE_DIR/s.sess"
expect_resumed 1.2
expect_server_resumed openssl 2 yes
ossl_field 1 ssid
sid1=$F
[ ${#sid1} = 64 ] || fail "the server assigned no session ID: '$sid1'"
expect_ch 2 sid "$sid1"
expect_ch 2 ssid "$sid1"
# not offered to another name: that ClientHello carries another ID
connect 127.0.0.1 --servername tlsc.test --sess-in "$CASE_DIR/s.sess"
expect_full
expect_not_offered "it was saved for another server name"
expect_server_resumed openssl 3 no
ossl_field 3 sid
[ "$F" != "$sid1" ] || fail "the saved session ID was sent to tlsc.test"
case_end

case_begin "openssl TLS1.2 -no_ticket: a restarted server has forgotten the session ID"
serve openssl 1.2 -no_ticket
save "$CASE_DIR/s.sess"
stop_servers
serve openssl 1.2 -no_ticket
connect localhost --sess-in "$CASE_DIR/s.sess"
expect_full
has "offering saved session to localhost"
expect_server_resumed openssl 1 no
case_end

# ---- TLS 1.3 psk_ke ----------------------------------------------------------------------
# mbedTLS marks a ticket with the key exchange modes configured when it
# arrived and offers it only under those: psk_ke sessions are saved with
# --resumption psk-ke too.

case_begin "openssl TLS1.3 -allow_no_dhe_kex: default resumption still offers psk_dhe_ke only"
serve openssl 1.3 -allow_no_dhe_kex
save "$CASE_DIR/s.sess"
connect localhost --sess-in "$CASE_DIR/s.sess"
expect_resumed 1.3
want group "/$RE_GROUP/"
expect_server_resumed openssl 2 yes
expect_ch 2 modes psk_dhe_ke
case_end

case_begin "openssl TLS1.3 -allow_no_dhe_kex: --resumption psk-ke resumes without ECDHE (group none)"
serve openssl 1.3 -allow_no_dhe_kex
save "$CASE_DIR/s.sess" --resumption psk-ke
connect localhost --sess-in "$CASE_DIR/s.sess" --resumption psk-ke
expect_resumed 1.3
want group none
expect_server_resumed openssl 2 yes
expect_ch 2 modes psk_ke
expect_ch_ext 2 psk nonempty
case_end

case_begin "openssl TLS1.3 (psk_dhe_ke required): --resumption psk-ke falls back to a full handshake"
serve openssl 1.3
save "$CASE_DIR/s.sess" --resumption psk-ke
connect localhost --sess-in "$CASE_DIR/s.sess" --resumption psk-ke
expect_full
want protocol TLSv1.3
expect_server_resumed openssl 2 no
# offered, and declined by the server
expect_ch 2 modes psk_ke
expect_ch_ext 2 psk nonempty
case_end

case_begin "openssl TLS1.3: a ticket saved under 'on' is not sent under psk-ke: full handshake"
serve openssl 1.3 -allow_no_dhe_kex
save "$CASE_DIR/s.sess"
connect localhost --sess-in "$CASE_DIR/s.sess" --resumption psk-ke
expect_full
expect_server_resumed openssl 2 no
expect_ch 2 modes psk_ke
expect_ch_no_ext 2 psk
case_end

# ---- --resumption off --------------------------------------------------------------------

for ver in 1.2 1.3; do
  case_begin "openssl TLS$ver: --resumption off: --sess-out writes nothing, nothing is asked for"
  serve openssl "$ver"
  connect localhost --resumption off --sess-out "$CASE_DIR/off.sess"
  expect_full
  has "tlsc: no session saved to $CASE_DIR/off.sess"
  [ -e "$CASE_DIR/off.sess" ] && fail "--resumption off wrote $CASE_DIR/off.sess"
  [ -e "$CASE_DIR/off.sess.tmp" ] && fail "--resumption off left $CASE_DIR/off.sess.tmp"
  ossl_wait 1
  expect_ch_no_ext 1 session_ticket
  expect_ch_no_ext 1 psk_key_exchange_modes
  case_end

  case_begin "openssl TLS$ver: --resumption off: --sess-in is not offered"
  serve openssl "$ver"
  save "$CASE_DIR/s.sess"
  connect localhost --resumption off --sess-in "$CASE_DIR/s.sess"
  expect_full
  expect_not_offered "resumption is off in this configuration"
  expect_server_resumed openssl 2 no
  expect_ch_no_ext 2 psk
  expect_ch_no_ext 2 session_ticket
  case_end
done

# ---- waiting for the TLS 1.3 ticket ---------------------------------------------------------
# --sess-out waits up to 2 s for a ticket; s_server sends its tickets right
# after the handshake, so the command must not take anywhere near that.

case_begin "openssl TLS1.3: --sess-out returns once the ticket is in"
serve openssl 1.3
save "$CASE_DIR/s.sess"
expect_elapsed_between 0 800
connect localhost --sess-in "$CASE_DIR/s.sess" --sess-out "$CASE_DIR/next.sess"
expect_resumed 1.3
[ -s "$CASE_DIR/next.sess" ] || fail "the resumed connection saved no session"
expect_elapsed_between 0 800
case_end

# ---- names --------------------------------------------------------------------------------
# Host names are case-insensitive: tlsc offers a session saved for
# "localhost" to "LocalHost". Resumed or not, the connection must succeed.

for ver in 1.2 1.3; do
  case_begin "openssl TLS$ver: --servername LocalHost with a session saved for localhost"
  serve openssl "$ver"
  save "$CASE_DIR/s.sess"
  connect 127.0.0.1 --servername LocalHost --sess-in "$CASE_DIR/s.sess"
  expect_exit 0
  want verify ok
  hasnt "not resuming"
  case_end
done

# ---- the server changed its TLS version ---------------------------------------------------
# mbedTLS offers only the saved session's version in a resuming ClientHello
# (ssl_client.c, ssl_prepare_client_hello: min_tls_version = the session's
# version), so a server that no longer speaks it answers protocol_version.

for change in "1.2 1.3" "1.3 1.2"; do
  set -- $change
  case_begin "openssl: a TLS$1 session, the server now speaks TLS$2 only: full handshake"
  known_issue "mbedTLS 3.6 offers only the session's TLS version when resuming:" \
    "the server answers protocol_version, tlsc fails (exit 8) on every attempt" \
    "with that file instead of doing a full handshake"
  serve openssl "$1"
  save "$CASE_DIR/s.sess"
  stop_servers
  serve openssl "$2"
  connect localhost --sess-in "$CASE_DIR/s.sess"
  expect_full
  want protocol "TLSv$2"
  case_end
done

finish
