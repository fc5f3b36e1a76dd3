#!/usr/bin/env bash
# tests/fuzz/run.sh BINARY CORPUS SECONDS ARTIFACT_DIR [--merge]
# Runs one libFuzzer target for SECONDS, starting from the committed
# CORPUS, writing new inputs to a scratch directory. Crashes, leaks and
# timeouts are kept in ARTIFACT_DIR for reproduction (BINARY FILE).
# With --merge (make fuzz), inputs that add coverage are merged back into
# CORPUS so they can be committed.
set -u
bin=${1:?} corpus=${2:?} secs=${3:?} artifacts=${4:?} merge=${5:-}
name=$(basename "$bin")
work=$(mktemp -d); trap 'rm -rf "$work"' EXIT
mkdir -p "$artifacts" "$corpus"
"$bin" -max_total_time="$secs" -timeout=10 -rss_limit_mb=2048 -print_final_stats=1 \
  -artifact_prefix="$artifacts/$name-" "$work" "$corpus" >"$work/log" 2>&1
rc=$?
grep -E '^(#[0-9]+|stat::number_of_executed_units|stat::peak_rss_mb|INFO: seed corpus)|ERROR|SUMMARY' \
  "$work/log" | tail -n 8
if [ $rc -ne 0 ]; then
  tail -n 40 "$work/log"
  echo "$name: FAILED (rc $rc); reproduce with: $bin $artifacts/$name-*"
  echo "0 passed, 1 failed"
  exit 1
fi
if [ "$merge" = "--merge" ]; then
  "$bin" -merge=1 "$corpus" "$work" >/dev/null 2>&1
  echo "$name: corpus now $(ls "$corpus" | wc -l) inputs"
fi
echo "1 passed, 0 failed"
