#!/usr/bin/env python3
"""Cold start of `medkb serve` beside `medkb build` on the same site.

Runs `medkb build --output <tmp>` (the full build: pages and search index, written
to disk) and, separately, `medkb serve --port 0`, and reports for serve:
  address   launch -> the "serving" line on stdout (the port is open)
  page      launch -> the home page answered with 200
  search    launch -> /search/manifest.json answered with 200 (search can answer)
Each is polled every 10 ms; --runs times each, medians printed. The site is not
modified (serve only reads it; build writes to a temporary folder).

Example:
  python3 bench/serve_cold.py --site /tmp/medkb-bench/medkb-10000 --runs 3
"""

import argparse
import json
import re
import shutil
import statistics
import subprocess
import tempfile
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchlib import stop_server

ROOT = Path(__file__).resolve().parent.parent


def status(url):
    try:
        with urllib.request.urlopen(url, timeout=10) as r:
            r.read()
            return r.status
    except urllib.error.HTTPError as e:
        return e.code
    except OSError:
        return None


def serve_once(medkb, site, timeout):
    t0 = time.perf_counter()
    proc = subprocess.Popen([medkb, "serve", "--root", str(site), "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, bufsize=1, start_new_session=True)
    log = []
    threading.Thread(target=lambda: [log.append(l.rstrip("\n")) for l in proc.stderr], daemon=True).start()
    try:
        addr = None
        while addr is None:
            line = proc.stdout.readline()
            if not line:
                raise SystemExit("medkb serve exited:\n" + "\n".join(log[-20:]))
            m = re.search(r"serving (http://[^ ]+/)", line)
            if m:
                addr = m.group(1)
        t_addr = time.perf_counter() - t0
        deadline = time.perf_counter() + timeout
        t_page = t_search = None
        while time.perf_counter() < deadline and (t_page is None or t_search is None):
            if t_page is None and status(addr) == 200:
                t_page = time.perf_counter() - t0
            if t_search is None and status(addr + "search/manifest.json") == 200:
                t_search = time.perf_counter() - t0
            time.sleep(0.01)
        if t_page is None or t_search is None:
            raise SystemExit("serve did not answer within the timeout:\n" + "\n".join(log[-20:]))
        return t_addr, t_page, t_search
    finally:
        stop_server(proc, None)


def build_once(medkb, site):
    out = tempfile.mkdtemp(prefix="serve-cold-build-")
    try:
        t0 = time.perf_counter()
        r = subprocess.run([medkb, "build", "--root", str(site), "--output", str(Path(out) / "public")],
                           stdout=subprocess.DEVNULL, stderr=subprocess.PIPE, text=True)
        took = time.perf_counter() - t0
        if r.returncode not in (0,):
            raise SystemExit("medkb build failed:\n" + r.stderr[-2000:])
        return took
    finally:
        shutil.rmtree(out, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site", type=Path, required=True)
    ap.add_argument("--medkb", default=str(ROOT / "target" / "release" / "medkb"))
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--timeout", type=float, default=300.0)
    ap.add_argument("--json", type=Path)
    args = ap.parse_args()
    site = args.site.resolve()
    builds, serves = [], []
    for _ in range(args.runs):
        builds.append(build_once(args.medkb, site))
        serves.append(serve_once(args.medkb, site, args.timeout))
    med = statistics.median
    result = {
        "site": str(args.site), "runs": args.runs,
        "build_s": med(builds), "serve_address_s": med(s[0] for s in serves),
        "serve_first_page_s": med(s[1] for s in serves), "serve_search_ready_s": med(s[2] for s in serves),
        "all": {"build": builds, "serve": serves},
    }
    print(f"medkb build (pages + search index): {result['build_s']:.2f} s")
    print(f"medkb serve: address {result['serve_address_s']:.2f} s, first page {result['serve_first_page_s']:.2f} s, "
          f"search ready {result['serve_search_ready_s']:.2f} s (medians of {args.runs})")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
