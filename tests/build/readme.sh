#!/usr/bin/env bash
# Every C example in README.md is text of a file in examples/ (which the
# build compiles): each ```c block's lines must appear, in order and
# contiguously, in one of the examples (indentation aside).
set -u
src=${1:?usage: readme.sh SOURCE_DIR}
strip() { sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | grep -v '^$'; }
nblocks=$(grep -c '^```c$' "$src/README.md")
if [ "$nblocks" = 0 ]; then echo "no C block in README.md"; echo "0 passed, 1 failed"; exit 1; fi
passed=0 failed=0
for i in $(seq 1 "$nblocks"); do
  block=$(awk -v want="$i" '/^```c$/{n++; if (n==want) {on=1; next}} /^```$/{on=0} on' \
          "$src/README.md" | strip)
  found=""
  for ex in "$src"/examples/*.c; do
    example=$(strip < "$ex")
    if [[ "$example" == *"$block"* ]]; then found=$ex; break; fi
  done
  if [ -n "$found" ]; then
    passed=$((passed + 1))
  else
    failed=$((failed + 1))
    echo "README.md's C example #$i is not the text of any examples/*.c:"
    echo "$block" | head -5
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
