#!/usr/bin/python3
"""x509-limbo through tlsc's policy: every SERVER-profile case of limbo.json is
written out as files and checked with `tlsc verify` (the same policy as a
connection). Standard library only.

Usage: run.py TLSC_BIN LIMBO_JSON DEVIATIONS [-v] [-k SUBSTRING]

A case AGREES when tlsc accepts exactly the cases limbo expects to succeed.
A disagreement is allowed only if DEVIATIONS lists the case id with a
reason, and only in one direction: tlsc rejects what limbo accepts.
Accepting a case limbo expects to FAIL is never allowed, listed or not.
A listed deviation that no longer disagrees also fails the run (the list
must stay true). Exit status 0 when everything is as expected.
"""
import concurrent.futures
import datetime
import json
import os
import subprocess
import sys
import tempfile

EXIT_OK, EXIT_USAGE, EXIT_CONFIG, EXIT_VERIFY = 0, 2, 3, 9


def load_deviations(path):
    devs = {}
    with open(path, encoding="utf-8") as f:
        for n, line in enumerate(f, 1):
            line = line.strip()
            if not line or line.startswith("#"):
                continue
            parts = line.split(None, 1)
            if len(parts) != 2:
                sys.exit(f"{path}:{n}: expected 'CASE-ID REASON'")
            devs[parts[0]] = parts[1]
    return devs


def unix_time(text):
    if text is None:
        return None
    return int(datetime.datetime.fromisoformat(text).timestamp())


def run_case(tlsc, case, workdir):
    d = os.path.join(workdir, case["id"].replace(":", "_"))
    os.mkdir(d)
    ca = os.path.join(d, "ca.pem")
    chain = os.path.join(d, "chain.pem")
    with open(ca, "w") as f:
        f.write("".join(case["trusted_certs"]))
    with open(chain, "w") as f:
        f.write(case["peer_certificate"] + "".join(case["untrusted_intermediates"]))
    cmd = [tlsc, "verify", "--ca", ca, "--chain", chain]
    if case.get("crls"):
        crl = os.path.join(d, "crl.pem")
        with open(crl, "w") as f:
            f.write("".join(case["crls"]))
        cmd += ["--crl", crl]
    peer = case.get("expected_peer_name")
    if peer is not None:
        cmd += ["--host", peer["value"]]
    if case.get("max_chain_depth") is not None:
        cmd += ["--max-chain-depth", str(min(case["max_chain_depth"], 8))]
    t = unix_time(case.get("validation_time"))
    if t is not None:
        cmd += ["--time", str(t)]
    p = subprocess.run(cmd, capture_output=True, text=True, timeout=60)
    err = p.stderr.strip()
    # A host name tlsc can never connect to (tlsc_conn_connect refuses it
    # with TLSC_ERR_HOSTNAME) is a rejection, not a usage mistake here.
    bad_host = p.returncode == EXIT_USAGE and "invalid --host" in err
    if p.returncode == EXIT_OK:
        return "SUCCESS", ""
    if p.returncode in (EXIT_VERIFY, EXIT_CONFIG) or bad_host:
        return "FAILURE", err.splitlines()[0] if err else f"exit {p.returncode}"
    return "ERROR", f"exit {p.returncode}: {err}"


def main():
    args = [a for a in sys.argv[1:] if not a.startswith("-")]
    verbose = "-v" in sys.argv
    only = None
    if "-k" in sys.argv:
        only = sys.argv[sys.argv.index("-k") + 1]
        args.remove(only)
    if len(args) != 3:
        sys.exit(__doc__)
    tlsc, limbo, devpath = args
    devs = load_deviations(devpath)
    with open(limbo, encoding="utf-8") as f:
        cases = [c for c in json.load(f)["testcases"] if c["validation_kind"] == "SERVER"]
    if only:
        cases = [c for c in cases if only in c["id"]]
    results = {}
    with tempfile.TemporaryDirectory(prefix="tlsc-limbo-") as work:
        with concurrent.futures.ThreadPoolExecutor(max_workers=2) as pool:
            futs = {pool.submit(run_case, tlsc, c, work): c for c in cases}
            for fut in concurrent.futures.as_completed(futs):
                results[futs[fut]["id"]] = fut.result()
    agree = dev_ok = 0
    problems = []
    for c in sorted(cases, key=lambda c: c["id"]):
        cid, want = c["id"], c["expected_result"]
        got, why = results[cid]
        if got == want:
            agree += 1
            if cid in devs:
                problems.append(f"STALE deviation {cid}: tlsc now agrees ({want})")
            if verbose:
                print(f"agree    {cid}: {want}" + (f" ({why})" if why else ""))
            continue
        if got == "ERROR":
            problems.append(f"ERROR    {cid}: {why}")
        elif got == "SUCCESS":
            problems.append(f"ACCEPTED {cid}: limbo expects FAILURE, tlsc accepted "
                            f"({c['description'].splitlines()[0]})")
        elif cid in devs:
            dev_ok += 1
            if verbose:
                print(f"deviate  {cid}: {devs[cid]} | tlsc: {why}")
        else:
            problems.append(f"REJECTED {cid}: limbo expects SUCCESS, tlsc: {why}")
    for cid in devs:
        if cid not in results and not only:
            problems.append(f"UNKNOWN deviation {cid}: no such SERVER case")
    for p in problems:
        print(p)
    total = len(cases)
    print(f"limbo SERVER cases: {total}; agree {agree}, disagree {total - agree} "
          f"({dev_ok} listed deviations, {len(problems)} problems)")
    sys.exit(1 if problems else 0)


if __name__ == "__main__":
    main()
