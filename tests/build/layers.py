#!/usr/bin/env python3
"""Structural checks of the source tree (docs/internals.md, Layout).

usage: layers.py REPO (platform|graph|used|internal)...

  platform  no file under src/platform/ includes a header of src/core,
            src/event, src/http or src/mqtt other than core/alloc.h
            (platform/... headers, public tlsc/ headers and system or
            third-party headers are fine)
  graph     the folders (src/core/<room>, src/core itself, src/event,
            src/http, src/mqtt, src/platform, tools) include each other
            without a cycle, and no lower layer includes an upper one:
            core never includes event/http/mqtt/tools, event never
            includes http/mqtt/tools, http and mqtt never include tools.
            Edges out of src/platform are left to the platform check.
  used      every #include "core/..." names a header of which the
            including file uses at least one identifier: a function,
            macro, type, enumerator it declares, or a field of a struct
            it defines (accessed as ->field or .field)
  internal  the catch-all header src/core/internal.h is gone and no file
            includes it
  event     the event driver (src/event) does not include the headers that
            define struct tlsc_conn and struct tlsc_config
            (core/tls/conn.h, core/config/config.h): it reads them through
            core/tls/conn_access.h

Regex-based on purpose (no compiler needed): includes are one per line,
identifiers are words. Prints every violation; exit status 1 if any.
"""
import os
import re
import sys

INCLUDE = re.compile(r'^\s*#\s*include\s+"([^"]+)"', re.M)


def strip_comments(text):
    text = re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)
    text = re.sub(r'//[^\n]*', '', text)
    # string literals do not use a header
    return re.sub(r'"(\\.|[^"\\\n])*"', '""', text)


def sources(repo, tops):
    for top in tops:
        base = os.path.join(repo, top)
        for d, _, names in os.walk(base):
            for n in sorted(names):
                if n.endswith(('.c', '.h')):
                    yield os.path.join(d, n)


def rel(repo, path):
    return os.path.relpath(path, repo)


def includes(path):
    with open(path, encoding='utf-8', errors='replace') as f:
        return INCLUDE.findall(strip_comments_keep_includes(f.read()))


def strip_comments_keep_includes(text):
    return re.sub(r'/\*.*?\*/', lambda m: '\n' * m.group(0).count('\n'), text, flags=re.S)


def folder_of(relpath):
    """The folder node of a file under src/ or tools/ (None: not a node)."""
    parts = relpath.split('/')
    if parts[0] == 'tools':
        return 'tools'
    if parts[0] != 'src' or len(parts) < 3:
        return None
    if parts[1] == 'core':
        return 'src/core/' + parts[2] if len(parts) > 3 else 'src/core'
    return 'src/' + parts[1]


def resolve(repo, src_file, inc):
    """The repository path an include names, or None (system, public, third party)."""
    here = os.path.join(os.path.dirname(src_file), inc)
    if os.path.exists(here):
        return rel(repo, os.path.normpath(here))
    under_src = os.path.join(repo, 'src', inc)
    if os.path.exists(under_src):
        return rel(repo, under_src)
    return None


def check_platform(repo):
    bad = []
    for f in sources(repo, ['src/platform']):
        for inc in includes(f):
            top = inc.split('/')[0]
            if top in ('core', 'event', 'http', 'mqtt') and inc != 'core/alloc.h':
                bad.append('%s includes "%s" (a port may include platform/... and core/alloc.h only)'
                           % (rel(repo, f), inc))
    return bad


LAYER = {'src/platform': 0, 'core': 1, 'src/event': 2, 'src/http': 3, 'src/mqtt': 3, 'tools': 4}


def layer(node):
    return LAYER['core'] if node.startswith('src/core') else LAYER.get(node)


def find_cycle(graph):
    state, stack = {}, []

    def visit(n):
        state[n] = 1
        stack.append(n)
        for m in sorted(graph.get(n, ())):
            if state.get(m) == 1:
                return stack[stack.index(m):] + [m]
            if m not in state:
                found = visit(m)
                if found:
                    return found
        stack.pop()
        state[n] = 2
        return None

    for n in sorted(graph):
        if n not in state:
            found = visit(n)
            if found:
                return found
    return None


def check_graph(repo):
    bad, graph, why = [], {}, {}
    for f in sources(repo, ['src', 'tools']):
        src_node = folder_of(rel(repo, f))
        if src_node is None:
            continue
        for inc in includes(f):
            target = resolve(repo, f, inc)
            dst_node = folder_of(target) if target else None
            if dst_node is None or dst_node == src_node:
                continue
            a, b = layer(src_node), layer(dst_node)
            if src_node != 'src/platform' and a is not None and b is not None and b > a:
                bad.append('%s (%s) includes "%s" of the upper layer %s'
                           % (rel(repo, f), src_node, inc, dst_node))
            if src_node == 'src/platform':
                continue  # the platform check covers these
            graph.setdefault(src_node, set()).add(dst_node)
            why.setdefault((src_node, dst_node), '%s -> "%s"' % (rel(repo, f), inc))
    cycle = find_cycle(graph)
    if cycle:
        steps = ['  %s' % why[(cycle[i], cycle[i + 1])] for i in range(len(cycle) - 1)]
        bad.append('include cycle between folders: %s\n%s' % (' -> '.join(cycle), '\n'.join(steps)))
    return bad


def declared(path):
    """Identifiers a header declares, and the fields of the structs it defines."""
    with open(path, encoding='utf-8') as f:
        code = strip_comments(f.read())
    names = set(re.findall(r'#\s*define\s+(\w+)', code))
    guard = re.search(r'#\s*ifndef\s+(\w+)', code)
    if guard:
        names.discard(guard.group(1))
    names |= set(re.findall(r'\b(\w+)\s*\([^;{]*\)\s*(?:TLSC_PRINTF\([^)]*\)\s*)?;', code))
    names |= set(re.findall(r'\b(\w+)\s*\([^;{]*\)\s*\{', code))  # static inline
    names |= set(re.findall(r'typedef\b[^;{]*?\b(\w+)\s*;', code))
    names |= set(re.findall(r'}\s*(\w+)\s*;', code))             # typedef struct {...} name;
    names |= set(re.findall(r'\b(?:struct|enum)\s+(\w+)\s*\{', code))
    names |= set(re.findall(r'^\s*(TLSC_\w+)\s*[=,]?\s*$', code, flags=re.M))
    names |= set(re.findall(r'^\s*(TLSC_\w+)\s*=', code, flags=re.M))
    names |= set(re.findall(r'\bextern\s+[^;]*?\b(\w+)\s*(?:\[\s*\])?\s*;', code))
    fields = set()
    for body in re.findall(r'\bstruct\s+\w*\s*\{(.*?)\n\}', code, flags=re.S):
        for decl in body.split(';'):
            decl = re.sub(r'\[[^\]]*\]', '', decl)
            decl = re.sub(r'\([^)]*\)', '', decl)  # function pointers
            for part in decl.split(','):
                m = re.search(r'(\w+)\s*$', part.strip())
                if m:
                    fields.add(m.group(1))
    keywords = {'int', 'char', 'bool', 'void', 'size_t', 'const', 'unsigned', 'struct'}
    # public names (tlsc_conn, tlsc_config, ...) do not show a use of the layout
    names = {n for n in names if n not in keywords and not re.match(r'tlsc_[a-z]', n)}
    return names, fields - keywords


def check_used(repo):
    bad = []
    cache = {}
    tops = ['src', 'tools', 'tests', 'bench', 'device', 'examples']
    for f in sources(repo, [t for t in tops if os.path.isdir(os.path.join(repo, t))]):
        with open(f, encoding='utf-8', errors='replace') as fh:
            text = fh.read()
        incs = [i for i in INCLUDE.findall(strip_comments_keep_includes(text))
                if i.startswith('core/')]
        if not incs:
            continue
        code = strip_comments(text)
        code = INCLUDE.sub('', code)
        words = set(re.findall(r'\w+', code))
        accessed = set(re.findall(r'(?:->|\.)\s*(\w+)', code))
        for inc in incs:
            path = os.path.join(repo, 'src', inc)
            if not os.path.exists(path):
                bad.append('%s includes "%s", which does not exist' % (rel(repo, f), inc))
                continue
            if os.path.samefile(path, f):
                continue
            if path not in cache:
                cache[path] = declared(path)
            names, fields = cache[path]
            own = os.path.splitext(f)[0] + '.h'
            if os.path.exists(own) and os.path.samefile(own, path):
                continue  # a file's own header
            if not (words & names or accessed & fields):
                bad.append('%s includes "%s" but uses nothing it declares' % (rel(repo, f), inc))
    return bad


def check_internal(repo):
    bad = []
    if os.path.exists(os.path.join(repo, 'src/core/internal.h')):
        bad.append('src/core/internal.h exists')
    for f in sources(repo, ['src', 'tools', 'tests', 'bench', 'device']):
        if 'core/internal.h' in includes(f):
            bad.append('%s includes core/internal.h' % rel(repo, f))
    return bad


STRUCT_HEADERS = ('core/tls/conn.h', 'core/config/config.h')


def check_event(repo):
    bad = []
    for f in sources(repo, ['src/event']):
        for inc in includes(f):
            if inc in STRUCT_HEADERS:
                bad.append('%s includes "%s" (use core/tls/conn_access.h)' % (rel(repo, f), inc))
    return bad


CHECKS = {'platform': check_platform, 'graph': check_graph, 'used': check_used,
          'internal': check_internal, 'event': check_event}


def main(argv):
    if len(argv) < 3 or any(a not in CHECKS for a in argv[2:]):
        print(__doc__.strip(), file=sys.stderr)
        return 2
    repo = os.path.abspath(argv[1])
    failed = False
    for name in argv[2:]:
        bad = CHECKS[name](repo)
        for line in bad:
            print('%s: %s' % (name, line))
        print('%s: %s' % (name, 'FAIL (%d)' % len(bad) if bad else 'ok'))
        failed = failed or bool(bad)
    return 1 if failed else 0


if __name__ == '__main__':
    sys.exit(main(sys.argv))
