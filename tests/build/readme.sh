#!/usr/bin/env bash
# The C examples in README.md are texts of examples/*.c (which the build
# compiles): every line of each ```c block of the README must appear, in
# order and contiguously, in one of the examples (indentation aside).
set -u
src=${1:?usage: readme.sh SOURCE_DIR}
strip() { sed -e 's/^[[:space:]]*//' -e 's/[[:space:]]*$//' | grep -v '^$'; }
blocks=$(awk '/^```c$/{on=1; n++; next} /^```$/{on=0} on{print n "\t" $0}' "$src/README.md")
count=$(cut -f1 <<< "$blocks" | sort -u | grep -c .)
if [ "$count" = 0 ]; then echo "no C block in README.md"; echo "0 passed, 1 failed"; exit 1; fi
passed=0 failed=0
for ((i = 1; i <= count; i++)); do
  block=$(awk -F'\t' -v n="$i" '$1 == n {sub(/^[^\t]*\t/, ""); print}' <<< "$blocks" | strip)
  found=""
  for ex in "$src"/examples/*.c; do
    example=$(strip < "$ex")
    if [[ "$example" == *"$block"* ]]; then found=$ex; break; fi
  done
  if [ -n "$found" ]; then
    passed=$((passed + 1))
  else
    echo "README.md's C block $i is not the text of any examples/*.c:"
    head -5 <<< "$block"
    failed=$((failed + 1))
  fi
done
echo "$passed passed, $failed failed"
[ "$failed" = 0 ]
