# tests/device/nginx_conf.sh — sourced by the device tests and
# bench/device.sh: the nginx configuration they serve files with.
#
# device_nginx_conf DIR PORT PROTOCOLS ROOT CERT KEY [CERT2 KEY2]: write
# DIR/nginx.conf (logs and temp files under DIR) for a TLS server on
# 127.0.0.1:PORT with CERT/KEY serving ROOT, and with CERT2/KEY2 a second
# one on PORT+1 (e.g. an expired certificate). PROTOCOLS: "TLSv1.2 TLSv1.3".
# nginx's records are 16 KiB (its default ssl_buffer_size).
source "$(dirname "${BASH_SOURCE[0]}")/../event/nginx_start.sh"   # nginx_conf_head
device_nginx_conf() {
  local d=$1 port=$2 protocols=$3 root=$4 second=""
  mkdir -p "$d/logs" "$d/tmp"
  [ $# -ge 8 ] && second="
  server {
    listen 127.0.0.1:$((port + 1)) ssl;
    ssl_certificate $7;
    ssl_certificate_key $8;
    root $root;
  }"
  { nginx_conf_head "$d" 64; cat <<CONF; } > "$d/nginx.conf"
  access_log off;
  ssl_protocols $protocols;
  server {
    listen 127.0.0.1:$port ssl;
    ssl_certificate $5;
    ssl_certificate_key $6;
    root $root;
  }$second
}
CONF
}
