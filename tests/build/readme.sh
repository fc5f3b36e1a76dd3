#!/usr/bin/env bash
# The C example in README.md is the text of examples/verified_get.c (which
# the build compiles): every line of the README's ```c block must appear,
# in order and contiguously, in the example (indentation aside).
set -u
src=${1:?usage: readme.sh SOURCE_DIR}
strip() { sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | grep -v '^$'; }
block=$(awk '/^```c$/{on=1; next} /^```$/{on=0} on' "$src/README.md" | strip)
example=$(strip < "$src/examples/verified_get.c")
if [ -z "$block" ]; then echo "no C block in README.md"; echo "0 passed, 1 failed"; exit 1; fi
if [[ "$example" == *"$block"* ]]; then
  echo "1 passed, 0 failed"
else
  echo "README.md's C example differs from examples/verified_get.c"
  diff <(echo "$block") <(echo "$example") | head -20
  echo "0 passed, 1 failed"; exit 1
fi
