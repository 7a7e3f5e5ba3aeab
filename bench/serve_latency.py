#!/usr/bin/env python3
"""Save-to-reload latency of `medkb serve`: file write -> live-reload event received.

Starts `medkb serve --port 0` on a site, subscribes to the live-reload stream
(/__medkb/events) the way a browser tab does, then edits one page --edits times
and measures, for each edit, the time from just before the write to the moment
the `reload` event naming that page arrives. That is what an author waits for:
debounce + rebuild + publish + event delivery. The rebuild time medkb itself
prints is reported beside it. Prints p50/p95 and every figure; with --json also
writes them to a file.

Edits are in place, as many editors save. --kind chooses what changes:
  prose        append a sentence to the body
  title        change the title (re-renders neighbours and index pages)
  summary      change the summary (shown on neighbours' cards and lists)
  also_called  add another name (A-Z entries, search)
  related      drop the last related link (both ends' "related" lists)
  redflag      add a red flag (care cards, when-to-see-a-doctor lists)
  new          add a new condition page (a copy under a fresh slug)
  delete       delete a page added just before (its creation is not timed)
Besides save -> reload, it times save -> search updated: the moment the
served search manifest changes, which is when the preview's search can
answer with the new words (the browser's next query reads the new files).
The edited page is restored at the end. --copy runs on a temporary copy of the
site (use it for the repository's own site, which others may be building).

Examples:
  python3 bench/serve_latency.py --site . --copy
  python3 bench/serve_latency.py --site /tmp/c/medkb-10k --edits 30 --kind title
  for k in prose title summary also_called related redflag new delete; do
    python3 bench/serve_latency.py --site /tmp/c/medkb-10k --edits 20 --pause 1.0 --kind $k --json /tmp/lat-$k.json; done
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
import urllib.request
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


KINDS = ["prose", "title", "summary", "also_called", "related", "redflag", "new", "delete"]


def edited(text, kind, n):
    """The page's text after edit `n` of this kind (prose, title, ... redflag)."""
    if kind == "prose":
        return text.rstrip("\n") + f"\n\nEdited for the latency benchmark, round {n}.\n"
    if kind == "title":
        return text.replace('title = "', f'title = "Round {n} ', 1)
    if kind == "summary":
        return text.replace('summary = "', f'summary = "Round {n}. ', 1)
    if kind == "also_called":
        if "also_called = [" in text:
            return text.replace("also_called = [", f'also_called = ["round {n} name", ', 1)
        return text.replace("\nsummary = ", f'\nalso_called = ["round {n} name"]\nsummary = ', 1)
    if kind == "related":
        m = re.search(r'^related = \[(.*)\]$', text, re.M)
        if not m or not m.group(1).strip():
            sys.exit("--kind related needs a page with related links")
        links = [x.strip() for x in m.group(1).split(",")]
        keep = links[:-1] if n % 2 else links  # drop, then restore, and so on
        return text[:m.start(1)] + ", ".join(keep) + text[m.end(1):]
    if kind == "redflag":
        i = text.find("\n## Red flags")
        if i < 0:
            sys.exit("--kind redflag needs a page with a Red flags section")
        j = text.find("\n- ", i)
        return text[:j] + f"\n- urgent: round {n} of the latency benchmark" + text[j:]
    raise ValueError(kind)


def manifest(addr):
    with urllib.request.urlopen(f"http://{addr[0]}:{addr[1]}/search/manifest.json", timeout=10) as r:
        return r.read()


def wait_manifest_change(addr, before, t0, timeout=60.0):
    """Seconds from t0 until the served manifest differs from `before` (polled every 10 ms)."""
    deadline = time.perf_counter() + timeout
    while time.perf_counter() < deadline:
        try:
            if manifest(addr) != before:
                return time.perf_counter() - t0
        except OSError:
            pass
        time.sleep(0.01)
    return None


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site", type=Path, required=True)
    ap.add_argument("--medkb", default=str(ROOT / "target" / "release" / "medkb"))
    ap.add_argument("--edits", type=int, default=30)
    ap.add_argument("--kind", choices=KINDS, default="prose")
    ap.add_argument("--no-search", action="store_true", help="do not time save -> search updated")
    ap.add_argument("--page", help="site-relative page to edit (default: the first condition page)")
    ap.add_argument("--copy", action="store_true", help="work on a temporary copy of the site")
    ap.add_argument("--pause", type=float, default=0.4, help="seconds between edits")
    ap.add_argument("--timeout", type=float, default=600.0, help="seconds to wait for the first build")
    ap.add_argument("--edit-timeout", type=float, default=30.0, help="seconds to wait for each edit's reload event")
    ap.add_argument("--json", type=Path, help="write the figures here")
    ap.add_argument("--timings", action="store_true", help="run serve with --timings and print each stage's median")
    args = ap.parse_args()

    if args.kind == "related" and not args.no_search:
        # Related links are not in the search documents: the index does not change.
        print("--kind related: related links are not searched; timing save -> reload only")
        args.no_search = True
    site = args.site.resolve()
    tmp = None
    if args.copy:
        tmp, site = copy_site(site, "serve-latency-")
    page = site / args.page if args.page else sorted((site / "content" / "conditions").glob("*.md"))[0]
    rel = page.relative_to(site).as_posix()
    output = "conditions/" + page.stem + "/index.html" if "/conditions/" in "/" + rel else None
    original = page.read_bytes()

    log_lines = []
    proc = subprocess.Popen([args.medkb, "serve", "--root", str(site), "--port", "0"] + (["--timings"] if args.timings else []), stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, bufsize=1, start_new_session=True)
    threading.Thread(target=lambda: [log_lines.append(l.rstrip("\n")) for l in proc.stderr], daemon=True).start()
    signal.signal(signal.SIGTERM, lambda *_: sys.exit("terminated"))
    latencies, rebuilds, stages = [], [], {}
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
        if not args.no_search:
            # The preview serves pages before its search index is built: edits start
            # once search answers, so each one times its own re-index.
            deadline = time.monotonic() + args.timeout
            while time.monotonic() < deadline:
                try:
                    manifest(addr)
                    break
                except OSError:
                    time.sleep(0.05)
            else:
                sys.exit("the search index was never served")
            print(f"medkb serve: search ready {time.perf_counter() - t_start:.2f} s after launch")
        time.sleep(0.5)
        text = original.decode("utf-8")
        search_latencies = []
        added = []  # pages created by --kind new/delete, removed at the end
        for n in range(1, args.edits + 1):
            target, data, delete = page, None, False
            if args.kind == "new":
                target = page.with_name(f"latency-bench-{n}.md")
                data = text.encode()
                added.append(target)
            elif args.kind == "delete":
                target = page.with_name(f"latency-bench-{n}.md")
                pre = None if args.no_search else manifest(addr)
                t_made = time.perf_counter()
                target.write_text(text)
                added.append(target)
                got = events.wait(lambda ev, d: ev == "reload", events.count(), args.edit_timeout)
                if not got:
                    sys.exit(f"edit {n}: the page to delete was never built")
                # Its search index too: deleting it restores the last manifest, which must
                # not be mistaken for "unchanged".
                if pre is not None and wait_manifest_change(addr, pre, t_made) is None:
                    sys.exit(f"edit {n}: the page to delete was never indexed")
                time.sleep(args.pause)
                delete = True
            else:
                data = edited(text, args.kind, n).encode()
            log_mark = len(log_lines)
            seen = events.count()
            before = None if args.no_search else manifest(addr)
            t0 = time.perf_counter()
            if delete:
                target.unlink()
            elif target.exists():
                with open(target, "r+b") as f:  # in place: same inode, as many editors save
                    f.write(data)
                    f.truncate()
            else:
                target.write_bytes(data)
            if args.kind in ("prose", "title"):
                want = lambda ev, d: ev == "reload" and (output is None or output in d or '"all":true' in d)
            elif args.kind == "new":
                want = lambda ev, d: ev == "reload"
            else:
                want = lambda ev, d: ev in ("reload", "errors")
            got = events.wait(want, seen, args.edit_timeout)
            if not got:
                sys.exit(f"edit {n}: no reload event within {args.edit_timeout} s\n" + "\n".join(log_lines[-20:]))
            if got[2] == "errors":
                sys.exit(f"edit {n}: the edit broke the build: {got[3][:300]}")
            latencies.append((got[1] - t0) * 1000.0)
            if before is not None:
                took = wait_manifest_change(addr, before, t0)
                if took is None:
                    sys.exit(f"edit {n}: the search files did not change within 60 s")
                search_latencies.append(took * 1000.0)
            time.sleep(args.pause)
            for l in log_lines[log_mark:]:
                m = re.search(r"timings \(ms\): (.*)", l)
                if m:
                    for part in m.group(1).split(", "):
                        name, _, ms = part.rpartition(" ")
                        stages.setdefault(name, []).append(float(ms))
                    break
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
        for extra_page in added if "added" in locals() else []:
            extra_page.unlink(missing_ok=True)
        stop_server(proc, tmp)

    result = {
        "site": str(args.site), "pages": None, "kind": args.kind, "edits": len(latencies),
        "latency_ms": {"p50": percentile(latencies, 50), "p95": percentile(latencies, 95), "min": min(latencies),
                       "max": max(latencies)},
        "rebuild_ms": {"p50": percentile(rebuilds, 50) if rebuilds else None,
                       "p95": percentile(rebuilds, 95) if rebuilds else None},
        "all_latencies_ms": [round(x, 1) for x in latencies],
        "search_ms": {"p50": percentile(search_latencies, 50), "p95": percentile(search_latencies, 95)}
        if search_latencies else None,
    }
    m = re.search(r"(\d+) pages", first)
    result["pages"] = int(m.group(1)) if m else None
    print(f"save -> reload event: p50 {result['latency_ms']['p50']:.1f} ms, p95 {result['latency_ms']['p95']:.1f} ms "
          f"(min {result['latency_ms']['min']:.1f}, max {result['latency_ms']['max']:.1f}) over {len(latencies)} edits")
    if search_latencies:
        print(f"save -> search updated: p50 {result['search_ms']['p50']:.0f} ms, p95 {result['search_ms']['p95']:.0f} ms")
    if rebuilds:
        print(f"medkb's own rebuild time: p50 {result['rebuild_ms']['p50']:.0f} ms, p95 {result['rebuild_ms']['p95']:.0f} ms")
    if stages:
        print("medkb's stages (median ms):", ", ".join(f"{k} {statistics.median(v):.1f}" for k, v in stages.items()))
        result["stages_ms"] = {k: statistics.median(v) for k, v in stages.items()}
    if args.json:
        args.json.write_text(json.dumps(result, indent=2))


if __name__ == "__main__":
    main()
