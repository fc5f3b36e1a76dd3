#!/usr/bin/env bash
# tests/interop/buffers.sh — `tlsc connect --buffers IN[,OUT]`: the record
# buffer policy against real servers (max_fragment_length in TLS 1.2, TLS 1.2
# by default below a full record), `record_limit:` in the summary, and the
# error when a record or handshake message does not fit.
#
# Usage: TLSC_BIN=build/release/tools/tlsc bash tests/interop/buffers.sh
source "$(dirname "$0")/lib.sh"

setup_pki
ROOT=$PKI/root.pem

serve() { # [openssl options]
  start_openssl -cert "$PKI/server-p256.pem" -key "$PKI/server-p256.key" \
    -cert_chain "$PKI/int.pem" "$@"
}

# A line of N characters.
line_of() { head -c "$1" /dev/zero | tr '\0' 'a'; }

case_begin "no --buffers: the build maximum, record_limit shows it"
serve -tls1_3
run_tlsc connect "localhost:$SRV_PORT" --summary --ca "$ROOT"
expect_exit 0
expect_summary_complete
expect_summary_re record_limit '^in=(16384|4096) out=[1-9][0-9]*$'
case_end

case_begin "--buffers 4096,1024: TLS 1.2 with max_fragment_length 4096"
serve
run_tlsc connect "localhost:$SRV_PORT" --summary --ca "$ROOT" --buffers 4096,1024
expect_exit 0
expect_summary protocol TLSv1.2
expect_summary record_limit "in=4096 out=1024"
case_end

case_begin "--buffers 4096,1024: a 3000-byte line goes out in 1 KiB records and comes back"
serve
run_tlsc_input "$(line_of 3000)\n" 1 connect "localhost:$SRV_PORT" --ca "$ROOT" --buffers 4096,1024
expect_exit 0
expect_equal "reply length" "$(tr -d '\n' <<< "$OUT" | wc -c)" 3000
case_end

case_begin "--buffers 4096 --tls1.3: OpenSSL ignores record_size_limit; a 6001-byte record is refused in words"
serve -tls1_3
run_tlsc_input "$(line_of 6000)\n" 2 connect "localhost:$SRV_PORT" --ca "$ROOT" --buffers 4096 --tls1.3
expect_exit $EXIT_PROTOCOL
expect_error_line
expect_stderr_contains "record larger than the input buffer"
expect_stderr_re "record of 60[0-9][0-9] bytes"
expect_stderr_contains "in=4096"
expect_stderr_contains "record_size_limit"
case_end

case_begin "--buffers 512: the certificate message cannot be reassembled"
serve
run_tlsc connect "localhost:$SRV_PORT" --summary --ca "$ROOT" --buffers 512
expect_exit $EXIT_PROTOCOL
expect_stderr_contains "handshake message of"
expect_stderr_contains "input buffer of 512 bytes"
case_end

case_begin "--buffers out of range is a configuration error"
run_tlsc connect "localhost:1" --summary --ca "$ROOT" --buffers 100
expect_exit $EXIT_CONFIG
expect_stderr_contains "512.."
case_end

case_begin "--buffers syntax"
run_tlsc connect "localhost:1" --buffers 4096,x
expect_exit $EXIT_USAGE
run_tlsc connect "localhost:1" --buffers ,
expect_exit $EXIT_USAGE
case_end

finish
