#!/usr/bin/env bash
# tests/interop/http.sh — `tlsc get` (the HTTPS client, tlsc/http.h)
# against a real nginx, TLS 1.2 and TLS 1.3: static files of 0 B, 1 B,
# 1 MiB and 64 MiB checked by SHA-256; chunked responses with trailers
# (nginx's echo module); 100 requests on one kept-alive connection (nginx
# logs $connection_requests); redirects (limit, https->http refused,
# credentials kept to the origin host, a same-host redirect after
# Connection: close resumes the session); a location that needs a client
# certificate (403 without, 200 with); POST bodies; 404 with and without
# -f; digest and size mismatches leave no file; and a 16 MiB download in
# 64 KiB Range pieces through a relay that cuts the connection once
# midway (cutrelay.py): the download reconnects, resumes the TLS session
# and still verifies.
#
# nginx runs unprivileged-style from the temp dir (its own prefix, conf,
# pid, logs, temp paths; daemon off, master_process off) on a random free
# port, retried when bind fails.
source "$(dirname "$0")/lib.sh"

SERVER_LIFETIME=600
TLSC_RUN_LIMIT=180
command -v nginx >/dev/null || die "nginx not installed (apt-get install nginx-light)"
PY=$(command -v /usr/bin/python3 || command -v python3) || die "python3 not found"
ECHO_MODULE=/usr/lib/nginx/modules/ngx_http_echo_module.so
[ -f "$ECHO_MODULE" ] || die "nginx echo module missing ($ECHO_MODULE, package libnginx-mod-http-echo)"

setup_pki
CA=(--ca "$PKI/root.pem")

# ---- content -------------------------------------------------------------------
WWW=$T/www
mkdir -p "$WWW/files" "$WWW/mtls"
: > "$WWW/files/empty"
printf 'x' > "$WWW/files/one"
head -c 1048576 /dev/urandom > "$WWW/files/1m"
head -c 67108864 /dev/urandom > "$WWW/files/64m"
head -c 16777216 /dev/urandom > "$WWW/files/16m"
cp "$WWW/files/one" "$WWW/mtls/one"
sha_of() { sha256sum "$1" | cut -d' ' -f1; }

# ---- nginx -----------------------------------------------------------------------

# start_nginx PROTOCOL (TLSv1.2 | TLSv1.3): sets NGX_PORT, NGX_DIR.
start_nginx() {
  NGX_DIR=$T/nginx-$1
  start_nginx_with "$NGX_DIR" _write_nginx_conf "$1"
}

_write_nginx_conf() { # PORT PROTOCOL
  local port=$1 proto=$2 d=$NGX_DIR
  cat > "$d/nginx.conf" <<CONF
load_module $ECHO_MODULE;
daemon off;
master_process off;
worker_processes 1;
pid $d/nginx.pid;
error_log $d/error.log info;
events { worker_connections 64; }
http {
  log_format t '\$connection \$connection_requests \$ssl_protocol \$ssl_session_reused "\$request" \$status \$body_bytes_sent';
  access_log $d/access.log t;
  client_body_temp_path $d/body;
  proxy_temp_path $d/proxy;
  fastcgi_temp_path $d/fastcgi;
  uwsgi_temp_path $d/uwsgi;
  scgi_temp_path $d/scgi;
  keepalive_requests 1000;
  client_body_buffer_size 2m;
  client_max_body_size 4m;
  server {
    listen 127.0.0.1:$port ssl;
    ssl_protocols $proto;
    ssl_certificate $PKI/server-p256-chain.pem;
    ssl_certificate_key $PKI/server-p256.key;
    ssl_client_certificate $PKI/client-ca.pem;
    ssl_verify_client optional;
    ssl_session_cache shared:tlsc:1m;
    root $WWW;
    location /mtls/ {
      if (\$ssl_client_verify != SUCCESS) { return 403; }
    }
    location = /chunked { add_trailer X-Trailer done; echo hello; echo_flush; echo world; }
    location = /echo-body { echo_read_request_body; echo_request_body; }
    location = /echo-auth { echo "auth=[\$http_authorization]"; }
    location = /redir-self { return 302 /files/one; }
    location = /redir-rel { return 301 ../files/one; }
    location = /redir-loop { return 302 /redir-loop; }
    location = /redir-http { return 302 http://127.0.0.1:$port/files/one; }
    location = /redir-close { keepalive_timeout 0; return 307 /files/one; }
    location = /redir-other-host { return 302 https://localhost:$port/echo-auth; }
    location = /redir-same-host { return 302 /echo-auth; }
  }
}
CONF
}

# ---- the cases ----------------------------------------------------------------------

download_case() { # VERSION FLAG NAME
  local v=$1 flag=$2 name=$3 f=$WWW/files/$3
  case_begin "TLS $v: $name ($(stat -c %s "$f") B) to a file, SHA-256 and size checked"
  run_tlsc get "https://127.0.0.1:$NGX_PORT/files/$name" -o "$CASE_DIR/out" \
    --sha256 "$(sha_of "$f")" --size "$(stat -c %s "$f")" "${CA[@]}" "$flag"
  expect_exit 0
  cmp -s "$f" "$CASE_DIR/out" || fail "downloaded file differs"
  [ -z "$(ls "$CASE_DIR" | grep tlsc-)" ] || fail "temporary file left behind"
  note "$name: $ELAPSED_MS ms"
}

# A digest is computed only when asked for: -o alone reports none, and
# --print-sha256 prints the content's.
digest_on_demand_case() { # VERSION FLAG
  local v=$1 flag=$2 f=$WWW/files/1m
  case_begin "TLS $v: -o without a digest computes none; --print-sha256 prints it"
  run_tlsc get "https://127.0.0.1:$NGX_PORT/files/1m" -o "$CASE_DIR/out" --stats "${CA[@]}" "$flag"
  expect_exit 0
  cmp -s "$f" "$CASE_DIR/out" || fail "downloaded file differs"
  expect_summary bytes "$(stat -c %s "$f")"
  expect_stderr_not_contains "sha256:"
  run_tlsc get "https://127.0.0.1:$NGX_PORT/files/1m" -o "$CASE_DIR/out" --print-sha256 \
    "${CA[@]}" "$flag"
  expect_exit 0
  expect_summary sha256 "$(sha_of "$f")"
  case_end
}

cases_for() { # VERSION (1.2 | 1.3)
  local v=$1 flag=--tls$1 base
  start_nginx "TLSv$v"
  base=https://127.0.0.1:$NGX_PORT

  for name in empty one 1m 64m; do download_case "$v" "$flag" "$name"; done
  digest_on_demand_case "$v" "$flag"

  case_begin "TLS $v: chunked response with trailers"
  run_tlsc get "$base/chunked" -i "${CA[@]}" "$flag"
  expect_exit 0
  expect_stdout_contains "Transfer-Encoding: chunked"
  [ "$(sed -n '/^\r$/,$p' "$CASE_DIR/tlsc.out" | tail -n +2)" = "$(printf 'hello\nworld')" ] ||
    fail "body after the header is not hello/world: $(od -c "$CASE_DIR/tlsc.out" | tail -3)"

  case_begin "TLS $v: 100 requests on one kept-alive connection"
  local urls=() i
  for ((i = 0; i < 100; i++)); do urls+=("$base/files/one"); done
  : > "$NGX_DIR/access.log"
  run_tlsc get "${urls[@]}" --stats "${CA[@]}" "$flag"
  expect_exit 0
  expect_stdout_equals "$(printf 'x%.0s' {1..100})"
  expect_summary connections 1
  expect_summary requests 100
  expect_summary reused 99
  # nginx's view: one connection number, its requests counted 1..100
  local conns last
  conns=$(awk '{print $1}' "$NGX_DIR/access.log" | sort -u | wc -l)
  last=$(tail -1 "$NGX_DIR/access.log" | awk '{print $2}')
  expect_equal "nginx connections" "$conns" 1
  expect_equal "nginx \$connection_requests of the last request" "$last" 100

  case_begin "TLS $v: redirect followed on the same connection (-L), relative Location"
  run_tlsc get -L "$base/redir-self" "$base/sub/../redir-rel" --stats "${CA[@]}" "$flag"
  expect_exit 0
  expect_stdout_equals "xx"
  expect_summary requests 4
  expect_summary connections 1

  case_begin "TLS $v: redirect not followed without -L"
  run_tlsc get -i "$base/redir-self" "${CA[@]}" "$flag"
  expect_exit 0
  expect_stdout_contains "HTTP/1.1 302"
  expect_stdout_contains "Location: https://127.0.0.1:$NGX_PORT/files/one"

  case_begin "TLS $v: redirect loop stops at --max-redirs"
  run_tlsc get -L --max-redirs 3 "$base/redir-loop" "${CA[@]}" "$flag"
  expect_exit "$EXIT_HTTP"
  expect_stderr_contains "more than 3 redirects"

  case_begin "TLS $v: redirect from https to http refused"
  run_tlsc get -L "$base/redir-http" "${CA[@]}" "$flag"
  expect_exit "$EXIT_HTTP"
  expect_stderr_contains "from https to plain http"

  case_begin "TLS $v: same-host redirect after Connection: close resumes the session"
  run_tlsc get -L "$base/redir-close" --stats "${CA[@]}" "$flag"
  expect_exit 0
  expect_stdout_equals "x"
  expect_summary connections 2
  expect_summary resumed 1
  grep -q ' TLSv1[.0-9]* r "GET /files/one' "$NGX_DIR/access.log" ||
    fail "nginx did not log the redirected request as resumed (\$ssl_session_reused r)"

  case_begin "TLS $v: Authorization kept to the origin host"
  run_tlsc get -L -H 'Authorization: Bearer s3cret' "$base/redir-same-host" "${CA[@]}" "$flag"
  expect_exit 0
  expect_stdout_equals "auth=[Bearer s3cret]"
  run_tlsc get -L -H 'Authorization: Bearer s3cret' "$base/redir-other-host" "${CA[@]}" "$flag"
  expect_exit 0
  expect_stdout_equals "auth=[]"

  case_begin "TLS $v: client certificate required: 403 without, 200 with"
  run_tlsc get -f "$base/mtls/one" "${CA[@]}" "$flag"
  expect_exit "$EXIT_HTTP"
  expect_stderr_contains "403"
  run_tlsc get -f "$base/mtls/one" --cert "$PKI/client-ec.pem" --key "$PKI/client-ec.key" \
    "${CA[@]}" "$flag"
  expect_exit 0
  expect_stdout_equals "x"

  case_begin "TLS $v: 404 is an error only with -f"
  run_tlsc get -f "$base/files/missing" "${CA[@]}" "$flag"
  expect_exit "$EXIT_HTTP"
  expect_error_line
  expect_stderr_contains "404"
  [ -z "$OUT" ] || fail "-f wrote the error body"
  run_tlsc get "$base/files/missing" "${CA[@]}" "$flag"
  expect_exit 0
  expect_stdout_contains "404 Not Found"

  case_begin "TLS $v: POST bodies (string, streamed file)"
  run_tlsc get -d 'hello=1&x=2' "$base/echo-body" "${CA[@]}" "$flag"
  expect_exit 0
  expect_stdout_equals "hello=1&x=2"
  run_tlsc get --data "@$WWW/files/1m" "$base/echo-body" "${CA[@]}" "$flag"
  expect_exit 0
  expect_equal "echoed body SHA-256" "$(sha_of "$CASE_DIR/tlsc.out")" "$(sha_of "$WWW/files/1m")"

  case_begin "TLS $v: HEAD has no body and keeps the connection; PUT is answered"
  run_tlsc get -X HEAD -i --stats "$base/files/1m" "$base/files/one" "${CA[@]}" "$flag"
  expect_exit 0
  expect_stdout_contains "Content-Length: 1048576"
  [ "$(tail -c 4 "$CASE_DIR/tlsc.out" | od -An -tx1 | tr -d ' \n')" = 0d0a0d0a ] ||
    fail "HEAD output does not end with the blank line of a header (body bytes?)"
  expect_summary connections 1
  expect_summary reused 1
  run_tlsc get -X PUT -d 'x' -i "$base/files/one" "${CA[@]}" "$flag"
  expect_exit 0
  expect_stdout_contains "HTTP/1.1 405"

  case_begin "TLS $v: digest or size mismatch leaves no file"
  echo old > "$CASE_DIR/keep"
  run_tlsc get "$base/files/1m" -o "$CASE_DIR/keep" --sha256 "$(printf '0%.0s' {1..64})" "${CA[@]}" "$flag"
  expect_exit "$EXIT_HTTP"
  expect_stderr_contains "does not match the expected SHA-256"
  [ "$(cat "$CASE_DIR/keep")" = old ] || fail "existing file replaced despite the mismatch"
  run_tlsc get "$base/files/1m" -o "$CASE_DIR/new" --size 5 "${CA[@]}" "$flag"
  expect_exit "$EXIT_HTTP"
  expect_stderr_contains "expected 5"
  [ -e "$CASE_DIR/new" ] && fail "file left after a size mismatch"
  [ -z "$(ls "$CASE_DIR" | grep tlsc-)" ] || fail "temporary file left behind"

  case_begin "TLS $v: 16 MiB in 64 KiB Range pieces, connection cut midway, session resumed"
  _next_log
  _spawn "$SRV_LOG" "$PY" "$LIB_DIR/cutrelay.py" "$NGX_PORT" 5000000
  _wait_for_log "$SRV_PID" "$SRV_LOG" '^PORT [0-9]+' 10 || fail "relay did not start"
  local rport
  rport=$(sed -n 's/^PORT //p' "$SRV_LOG" | head -1)
  : > "$NGX_DIR/access.log"
  run_tlsc get "https://127.0.0.1:$rport/files/16m" --range-chunk 65536 -o "$CASE_DIR/out" \
    --sha256 "$(sha_of "$WWW/files/16m")" --stats "${CA[@]}" "$flag"
  expect_exit 0
  cmp -s "$WWW/files/16m" "$CASE_DIR/out" || fail "downloaded file differs"
  grep -q '^CUT' "$SRV_LOG" || fail "the relay never cut the connection"
  expect_summary reconnects 1
  expect_summary connections 2
  expect_summary resumed 1
  expect_equal "Range requests logged by nginx" \
    "$(grep -c '" 206 ' "$NGX_DIR/access.log")" "$(( (16777216 / 65536) + 1 ))"
  note "range download: $ELAPSED_MS ms; nginx saw $(awk '{print $1}' "$NGX_DIR/access.log" | sort -u | wc -l) connections"

  case_end
  stop_nginx
}

cases_for 1.2
cases_for 1.3
finish
