# tests/event/nginx_start.sh — sourced by nginx.sh, http.sh, bench/connect.sh
# and tests/device/nginx_conf.sh: write the common part of an nginx
# configuration and start nginx in the foreground with its own prefix,
# configuration and logs.
#
# nginx_start DIR WRITE_CONF: WRITE_CONF PORT writes DIR/nginx.conf for a
# random port; nginx exits at once when the port is taken, so another is
# tried (10 attempts). Sets NGINX_PID and NGINX_PORT, or returns 1 (the
# reason is in DIR/logs/error.log). Needs $nginx (the binary).
nginx_start() {
  local dir=$1 write=$2 attempt i p
  NGINX_PID="" NGINX_PORT=""
  for attempt in 1 2 3 4 5 6 7 8 9 10; do
    p=$((20000 + RANDOM % 40000))
    "$write" "$p"
    : > "$dir/logs/error.log"
    "$nginx" -p "$dir" -c "$dir/nginx.conf" -e "$dir/logs/error.log" &
    NGINX_PID=$!
    for i in $(seq 1 50); do
      kill -0 "$NGINX_PID" 2>/dev/null || break
      if (exec 3<>"/dev/tcp/127.0.0.1/$p") 2>/dev/null; then NGINX_PORT=$p; return 0; fi
      sleep 0.1
    done
    kill "$NGINX_PID" 2>/dev/null; wait "$NGINX_PID" 2>/dev/null; NGINX_PID=""
  done
  return 1
}

# nginx_conf_head DIR CONNECTIONS: print the start of an nginx.conf that keeps
# everything (pid, logs, temp files) under DIR: the main context, events and
# the opening "http {" with the temp paths. The caller adds its http-level
# directives and servers, then closes the http block with "}".
nginx_conf_head() {
  cat <<CONF
worker_processes 1;
daemon off;
pid $1/nginx.pid;
error_log $1/logs/error.log warn;
events { worker_connections $2; }
http {
  client_body_temp_path $1/tmp/body;
  proxy_temp_path $1/tmp/proxy;
  fastcgi_temp_path $1/tmp/fastcgi;
  uwsgi_temp_path $1/tmp/uwsgi;
  scgi_temp_path $1/tmp/scgi;
CONF
}
