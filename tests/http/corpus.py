#!/usr/bin/env python3
"""Run the llhttp response corpus (../shared/data/llhttp-response-cases.json)
through tlsc's response parser (corpus_helper), fed whole and byte by byte.

Rules:
  - a case with expect_error must be rejected (never accepted: fails);
  - a strict case ("type": "response") without expect_error must give the
    same responses (status, reason, version, headers, body, complete),
    unless it is listed in corpus-deviations.txt with the reason tlsc
    deliberately differs (it may only be stricter: reject);
  - lenient cases (type response-lenient-*) describe what a LENIENT parser
    accepts; tlsc is strict, so rejecting them is right and accepting them
    must match the expected responses.
Both feeding modes must give identical events. Prints the counts.
Usage: corpus.py HELPER CORPUS DEVIATIONS
"""
import base64, json, os, subprocess, sys, tempfile

def run_all(helper, jobs):
    """jobs: list of (path, head, step) -> list of event texts."""
    manifest = "".join("%s %d %d\n" % (p, int(h), s) for p, h, s in jobs)
    out = subprocess.run([helper], input=manifest.encode(), capture_output=True, timeout=120)
    if out.returncode != 0:
        raise RuntimeError("helper exited %d: %s" % (out.returncode, out.stderr.decode()))
    texts, cur = [], None
    for line in out.stdout.decode().splitlines(keepends=True):
        if line.startswith("= "):
            cur = []
            texts.append(cur)
        else:
            cur.append(line)
    if len(texts) != len(jobs):
        raise RuntimeError("helper answered %d of %d cases" % (len(texts), len(jobs)))
    return ["".join(merge_body(t)) for t in texts]

def merge_body(lines):
    """Consecutive body events are one piece of body, however they were fed."""
    out = []
    for line in lines:
        if line.startswith("B ") and out and out[-1].startswith("B "):
            prev = out[-1][2:].strip()
            add = line[2:].strip()
            out[-1] = "B " + (prev if prev != "-" else "") + (add if add != "-" else "") + "\n"
        else:
            out.append(line)
    return out

def unhex(s):
    return b"" if s == "-" else bytes.fromhex(s)

def messages(text):
    """Events -> (list of message dicts, error or None)."""
    msgs, err, cur = [], None, None
    for line in text.splitlines():
        kind, _, rest = line.partition(" ")
        if kind == "S":
            st, reason = rest.split(" ")
            cur = {"status": int(st), "reason": unhex(reason).decode("latin-1"),
                   "version": None, "headers": [], "body": b"", "complete": False}
            msgs.append(cur)
        elif kind == "V":
            cur["version"] = "1." + rest
        elif kind in "HT":
            n, v = rest.split(" ")
            cur["headers"].append([unhex(n).decode("latin-1"), unhex(v).decode("latin-1")])
        elif kind == "B":
            cur["body"] += unhex(rest)
        elif kind == "D":
            cur["complete"] = True
        elif kind == "E":
            err = rest
    return msgs, err

def compare(case, msgs):
    want = case["messages"]
    # The corpus lists a trailing message that never got a status line
    # (status null: only garbage after the last response); tlsc reports no
    # message for it.
    want = [m for m in want if m["status"] is not None or m["headers"] or m["body"]]
    if len(msgs) != len(want):
        return "got %d responses, expected %d" % (len(msgs), len(want))
    for i, (g, w) in enumerate(zip(msgs, want)):
        for k in ("status", "complete"):
            if g[k] != w[k]:
                return "response %d: %s %r, expected %r" % (i, k, g[k], w[k])
        if w["version"] and g["version"] and g["version"] != w["version"]:
            return "response %d: version %r, expected %r" % (i, g["version"], w["version"])
        if g["reason"] != w["reason"]:
            return "response %d: reason %r, expected %r" % (i, g["reason"], w["reason"])
        # llhttp reports a value with its trailing whitespace; RFC 9110
        # says the OWS around a field value is not part of it.
        if [[n, v.strip(" \t")] for n, v in g["headers"]] != \
                [[n, v.strip(" \t")] for n, v in w["headers"]]:
            return "response %d: headers %r, expected %r" % (i, g["headers"], w["headers"])
        wb = w["body"].encode("latin-1") if isinstance(w["body"], str) else bytes(w["body"])
        if g["body"] != wb:
            return "response %d: body %r, expected %r" % (i, g["body"][:80], wb[:80])
    return None

def main():
    helper, corpus, devfile = sys.argv[1:4]
    cases = json.load(open(corpus))
    deviations = {}
    for line in open(devfile):
        line = line.strip()
        if line and not line.startswith("#"):
            name, _, why = line.partition(" | ")
            deviations[name] = why
    counts = dict(rejected_as_required=0, matched=0, deviation_rejected=0, deviation_differs=0,
                  lenient_rejected=0, lenient_matched=0)
    failures = []
    seen_dev = set()
    padded = 0
    with tempfile.TemporaryDirectory() as td:
        jobs = []
        for n, case in enumerate(cases):
            path = os.path.join(td, "in%d" % n)
            with open(path, "wb") as f:
                f.write(base64.b64decode(case["input_b64"]))
            head = bool(case["meta"].get("skipBody"))
            jobs += [(path, head, 0), (path, head, 1)]
            raw = base64.b64decode(case["input_b64"])
            # The corpus was converted from llhttp's markdown, which lost
            # the empty line that ends a header or trailer section at the
            # very end of a code block: where the case expects its last
            # response complete and the input ends in a single CRLF, add it.
            last = case["messages"][-1] if case["messages"] else None
            if last and last["complete"] and raw.endswith(b"\r\n") and not raw.endswith(b"\r\n\r\n") \
                    and not case["expect_error"]:
                padded += 1
                with open(path, "ab") as f:
                    f.write(b"\r\n")
        texts = run_all(helper, jobs)
        for n, case in enumerate(cases):
            whole, bytewise = texts[2 * n], texts[2 * n + 1]
            # Error details quote the bytes at hand, which depend on the
            # feeding; the codes must agree.
            same = [l.split(" ")[:2] if l.startswith("E ") else l for l in whole.splitlines()] == \
                   [l.split(" ")[:2] if l.startswith("E ") else l for l in bytewise.splitlines()]
            name = case["name"]
            if not same:
                failures.append("%s: fed whole and byte by byte differ:\n%s---\n%s" % (name, whole, bytewise))
                continue
            msgs, err = messages(whole)
            typ = case["meta"].get("type", "response")
            if case["expect_error"]:
                if err is None:
                    failures.append("%s: accepted, but a strict parser must reject it" % name)
                else:
                    counts["rejected_as_required"] += 1
                continue
            diff = "rejected: " + err if err else compare(case, msgs)
            if typ.startswith("response-lenient"):
                if err:
                    counts["lenient_rejected"] += 1
                elif diff:
                    failures.append("%s (lenient case accepted differently): %s" % (name, diff))
                else:
                    counts["lenient_matched"] += 1
                continue
            if diff is None:
                counts["matched"] += 1
                if name in deviations:
                    failures.append("%s: listed as a deviation but now matches; remove it" % name)
            elif name in deviations:
                counts["deviation_rejected" if err else "deviation_differs"] += 1
                seen_dev.add(name)
            else:
                failures.append("%s: %s" % (name, diff))
    for name in sorted(set(deviations) - seen_dev):
        if not any(f.startswith(name + ":") for f in failures):
            failures.append("%s: deviation listed but not seen" % name)
    for f in failures:
        print("FAIL " + f)
    print("llhttp corpus: %d cases (%d padded with a final CRLF): %d rejected as required, "
          "%d matched, documented deviations: %d rejected + %d differ; lenient cases: "
          "%d rejected (strict), %d matched; %d failures" % (
              len(cases), padded, counts["rejected_as_required"], counts["matched"],
              counts["deviation_rejected"], counts["deviation_differs"],
              counts["lenient_rejected"], counts["lenient_matched"], len(failures)))
    sys.exit(1 if failures else 0)

main()
