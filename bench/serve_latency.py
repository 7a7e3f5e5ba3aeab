#!/usr/bin/env python3
"""Save-to-reload latency of `medkb serve`: file write -> live-reload event received.

Starts `medkb serve --port 0` on a site, subscribes to the live-reload stream
(/__medkb/events) the way a browser tab does, then edits one page --edits times
and measures, for each edit, the time from just before the write to the moment
the `reload` event naming that page arrives. That is what an author waits for:
debounce + rebuild + publish + event delivery. The rebuild time medkb itself
prints is reported beside it. Prints p50/p95 and every figure; with --json also
writes them to a file.

Edits are in place (append a sentence), as many editors save; --kind title changes
the page's title instead, which re-renders its neighbours and the index pages too.
The edited page is restored at the end. --copy runs on a temporary copy of the
site (use it for the repository's own site, which others may be building).

Examples:
  python3 bench/serve_latency.py --site . --copy
  python3 bench/serve_latency.py --site /tmp/c/medkb-10k --edits 30 --kind title
"""

import argparse
import json
import os
import re
import shutil
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchlib import copy_site, stop_server

ROOT = Path(__file__).resolve().parent.parent


def percentile(xs, p):
    xs = sorted(xs)
    k = (len(xs) - 1) * p / 100.0
    lo, hi = int(k), min(int(k) + 1, len(xs) - 1)
    return xs[lo] + (xs[hi] - xs[lo]) * (k - lo)


class Events:
    """The SSE stream on a raw socket (HTTP/1.0: no chunking), parsed on a thread."""

    def __init__(self, host, port):
        self.sock = socket.create_connection((host, port), timeout=10)
        self.sock.sendall(f"GET /__medkb/events HTTP/1.0\r\nHost: {host}:{port}\r\n\r\n".encode())
        self.sock.settimeout(None)
        self.cond = threading.Condition()
        self.items = []
        threading.Thread(target=self._read, daemon=True).start()

    def _read(self):
        event = None
        for raw in self.sock.makefile("rb"):
            line = raw.decode("utf-8", "replace").rstrip("\r\n")
            if line.startswith("event: "):
                event = line[7:]
            elif line.startswith("data: "):
                with self.cond:
                    self.items.append((time.perf_counter(), event, line[6:]))
                    self.cond.notify_all()

    def wait(self, pred, start, timeout):
        """First item from index `start` matching pred: (index, time, event, data)."""
        deadline = time.monotonic() + timeout
        with self.cond:
            i = start
            while True:
                while i < len(self.items):
                    t, ev, data = self.items[i]
                    i += 1
                    if pred(ev, data):
                        return i, t, ev, data
                left = deadline - time.monotonic()
                if left <= 0:
                    return None
                self.cond.wait(left)

    def count(self):
        with self.cond:
            return len(self.items)


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site", type=Path, required=True)
    ap.add_argument("--medkb", default=str(ROOT / "target" / "release" / "medkb"))
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--kind", choices=["prose", "title"], default="prose")
    ap.add_argument("--page", help="site-relative page to edit (default: the first condition page)")
    ap.add_argument("--copy", action="store_true", help="work on a temporary copy of the site")
    ap.add_argument("--pause", type=float, default=0.4, help="seconds between edits")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the first build")
    ap.add_argument("--json", type=Path, help="write the figures here")
    args = ap.parse_args()

    site = args.site.resolve()
    tmp = None
    if args.copy:
        tmp, site = copy_site(site, "serve-latency-")
    page = site / args.page if args.page else sorted((site / "content" / "conditions").glob("*.md"))[0]
    rel = page.relative_to(site).as_posix()
    output = "conditions/" + page.stem + "/index.html" if "/conditions/" in "/" + rel else None
    original = page.read_bytes()

    log_lines = []
    proc = subprocess.Popen([args.medkb, "serve", "--root", str(site), "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, bufsize=1, start_new_session=True)
    threading.Thread(target=lambda: [log_lines.append(l.rstrip("\n")) for l in proc.stderr], daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    latencies, rebuilds = [], []
    try:
        t_start = time.perf_counter()
        addr = None
        deadline = time.monotonic() + args.timeout
        while addr is None and time.monotonic() < deadline:
            line = proc.stdout.readline()
            if not line:
                sys.exit("medkb serve exited:\n" + "\n".join(log_lines[-30:]))
            m = re.search(r"serving http://([^:/]+):(\d+)/", line)
            if m:
                addr = (m.group(1), int(m.group(2)))
        if addr is None:
            sys.exit("no address printed")
        startup = time.perf_counter() - t_start
        first = next((l for l in log_lines if "rendered" in l), "")
        print(f"medkb serve: ready in {startup:.2f} s ({first.strip()}); editing {rel} ({args.kind})")
        events = Events(*addr)
        got = events.wait(lambda ev, d: ev == "hello", 0, 30)
        if not got:
            sys.exit("no hello event")
        seen = got[0]
        time.sleep(0.5)
        text = original.decode("utf-8")
        for n in range(args.edits):
            if args.kind == "prose":
                data = (text.rstrip("\n") + f"\n\nEdited for the latency benchmark, round {n + 1}.\n").encode()
            else:
                data = text.replace('title = "', f'title = "Round {n + 1} ', 1).encode()
            log_mark = len(log_lines)
            seen = events.count()
            t0 = time.perf_counter()
            with open(page, "r+b") as f:  # in place: same inode, as many editors save
                f.write(data)
                f.truncate()
            got = events.wait(lambda ev, d: ev == "reload" and (output is None or output in d or '"all":true' in d),
                              seen, 30)
            if not got:
                sys.exit(f"edit {n + 1}: no reload event within 30 s\n" + "\n".join(log_lines[-20:]))
            latencies.append((got[1] - t0) * 1000.0)
            time.sleep(args.pause)
            for l in log_lines[log_mark:]:
                m = re.search(r"files changed in (\d+) ms", l)
                if m:
                    rebuilds.append(float(m.group(1)))
                    break
        extra = [l for l in log_lines if "error" in l.lower()]
        if extra:
            print("server reported:", *extra[:5], sep="\n  ")
    finally:
        page.write_bytes(original)
        stop_server(proc, tmp)

    result = {
        "site": str(args.site), "pages": None, "kind": args.kind, "edits": len(latencies),
        "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "min": min(latencies),
                       "max": max(latencies)},
        "rebuild_ms": {"p50": percentile(rebuilds, 50) if rebuilds else None,
                       "p95": percentile(rebuilds, 95) if rebuilds else None},
        "all_latencies_ms": [round(x, 1) for x in latencies],
    }
    m = re.search(r"(\d+) pages", first)
    result["pages"] = int(m.group(1)) if m else None
    print(f"save -> reload event: p50 {result['latency_ms']['p50']:.1f} ms, p95 {result['latency_ms']['p95']:.1f} ms "
          f"(min {result['latency_ms']['min']:.1f}, max {result['latency_ms']['max']:.1f}) over {len(latencies)} edits")
    if rebuilds:
        print(f"medkb's own rebuild time: p50 {result['rebuild_ms']['p50']:.0f} ms, p95 {result['rebuild_ms']['p95']:.0f} ms")
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
