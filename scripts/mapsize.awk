# Sum a GNU ld map file's input sections by owner and kind.
# Usage: awk -f scripts/mapsize.awk [-v by=object] client.map
# Prints "OWNER KIND BYTES" lines; KIND is text (code + read-only data:
# flash only), data (initialised data: flash AND RAM) or bss (RAM only).
# OWNER is tlsc (libtlsc.a), mbedtls (libmbedtls.a), app (other .o files)
# or libc (newlib-nano, libgcc, the C runtime); with by=object, the
# archive member instead (e.g. "libtlsc.a(conn.o)").
function kind(sec) {
  if (sec ~ /^\.(init|text|fini|rodata|ARM\.exidx|ARM\.extab|eh_frame|init_array|fini_array|preinit_array)$/) return "text"
  if (sec == ".data") return "data"
  if (sec ~ /^\.(bss|noinit)$/) return "bss"
  return ""
}
function owner(file,   m) {
  if (by == "object") { sub(/.*\//, "", file); return file }
  if (file ~ /libtlsc\.a\(/) return "tlsc"
  if (file ~ /libmbedtls\.a\(/) return "mbedtls"
  if (file ~ /\.a\(/ || file ~ /\/crt[^\/]*\.o$/) return "libc"
  return "app"
}
function add(size, file,   k) {
  k = kind(out)
  if (k == "" || file == "") return
  total[owner(file) " " k] += strtonum(size)
}
/^Linker script and memory map/ { inmap = 1; next }
!inmap { next }
/^\.[^ ]/ { out = $1; pending = 0; next }        # an output section
/^ [^ ]/ {                                        # an input section (or *fill*)
  if ($1 == "*fill*") { pending = 0; next }
  if (NF == 1) { pending = 1; next }              # name alone: numbers on the next line
  if ($2 ~ /^0x/ && $3 ~ /^0x/ && NF >= 4) add($3, $4)
  pending = 0; next
}
pending && $1 ~ /^0x/ && $2 ~ /^0x/ && NF >= 3 { add($2, $3); pending = 0; next }
{ pending = 0 }
END { for (k in total) print k, total[k] }
