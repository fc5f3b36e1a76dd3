#!/usr/bin/env bash
# tests/build/formats.sh DIR... — fails if a C file under DIR uses a printf
# conversion the device builds' C library lacks: Debian's newlib (nano and
# full) has no C99 length modifiers z, j, t, ll (nor L, q), and a following
# argument is then read from the wrong place. Only string literals outside
# comments are looked at, with "%%" removed first; the library prints such
# values with %lu / %ld and casts, or tlsc__u64 / tlsc__i64 (src/core/base/text.h).
# It first checks itself on a sample that must be caught.
set -u
[ $# -ge 1 ] || { echo "usage: formats.sh DIR..." >&2; exit 2; }
scan() {
  python3 - "$@" <<'PY'
import pathlib, re, sys
TOK = re.compile(r'//[^\n]*|/\*.*?\*/|\'(?:[^\'\\\n]|\\.)*\'|"((?:[^"\\\n]|\\.)*)"', re.S)
BAD = re.compile(r'%[-+ #0-9.*]*(hh|h|l)?(ll|z|j|t|L|q)[diouxXn]|%[-+ #0-9.*]*(L|q)[feEgGaA]')
found = 0
for root in sys.argv[1:]:
    paths = [pathlib.Path(root)] if pathlib.Path(root).is_file() else \
        sorted(p for p in pathlib.Path(root).rglob('*') if p.suffix in ('.c', '.h'))
    for path in paths:
        text = path.read_text(errors='replace')
        for m in TOK.finditer(text):
            if m.group(1) is None:
                continue
            lit = m.group(1).replace('%%', '')
            for b in BAD.finditer(lit):
                line = text.count('\n', 0, m.start()) + 1
                print(f'{path}:{line}: {b.group(0)} in "{m.group(1)}"')
                found += 1
sys.exit(1 if found else 0)
PY
}
tmp=$(mktemp -d); trap 'rm -rf "$tmp"' EXIT
cat > "$tmp/sample.c" <<'C'
/* %zu in a comment is fine */ static const char *ok = "100%% zu %lu %ld %s";
static void f(void) { printf("a \"%zu\" b", n); printf("%-8llx", v); snprintf(b, 9, "%jd", j); }
C
n=$(scan "$tmp/sample.c" | wc -l)
[ "$n" = 3 ] || { echo "formats.sh: self-check found $n conversions in its sample, not 3" >&2; exit 1; }
if scan "$@"; then
  echo "no %z/%ll/%j/%t/%L/%q conversions in $*"
else
  echo "FAIL: the conversions above print garbage on the device (newlib without C99 formats)"
  exit 1
fi
