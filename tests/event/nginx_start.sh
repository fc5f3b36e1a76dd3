# tests/event/nginx_start.sh — sourced by nginx.sh and http.sh: start nginx
# in the foreground with its own prefix, configuration and logs.
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
