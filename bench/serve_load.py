#!/usr/bin/env python3
"""Bounded load test of `medkb serve` while edits trigger rebuilds.

Runs wrk (apt-get install wrk) against a running `medkb serve` on loopback for
--duration seconds (2 threads, 16 connections by default), cycling through the
home page, the edited page, a neighbour, the A-Z and the stylesheet, while a
thread rewrites one page every --every seconds (prose edits, and every third
edit a title change, which re-renders neighbours and index pages). Every
request must succeed: wrk's socket errors and non-2xx/3xx counts must be 0.
The edited page is restored at the end; --copy works on a temporary copy.

Example:
  python3 bench/serve_load.py --site . --copy
"""

import argparse
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
import threading
import time
from pathlib import Path

from benchlib import copy_site, stop_server

ROOT = Path(__file__).resolve().parent.parent

LUA = """
local paths = {%s}
local i = 0
request = function()
  i = i + 1
  return wrk.format("GET", paths[(i %% #paths) + 1])
end
"""


def main():
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--site", type=Path, required=True)
    ap.add_argument("--medkb", default=str(ROOT / "target" / "release" / "medkb"))
    ap.add_argument("--duration", type=int, default=10)
    ap.add_argument("--threads", type=int, default=2)
    ap.add_argument("--connections", type=int, default=16)
    ap.add_argument("--every", type=float, default=0.25, help="seconds between edits")
    ap.add_argument("--copy", action="store_true")
    args = ap.parse_args()

    site = args.site.resolve()
    tmp = None
    if args.copy:
        tmp, site = copy_site(site, "serve-load-")
    pages = sorted((site / "content" / "conditions").glob("*.md"))
    page, other = pages[0], pages[1]
    original = page.read_bytes()
    urls = ["/", f"/conditions/{page.stem}/", f"/conditions/{other.stem}/", "/a-z/", "/style.css"]

    proc = subprocess.Popen([args.medkb, "serve", "--root", str(site), "--port", "0"], stdout=subprocess.PIPE,
                            stderr=subprocess.DEVNULL, text=True, start_new_session=True)
    stop = threading.Event()
    edits = [0]
    try:
        addr = None
        for line in proc.stdout:
            m = re.search(r"serving (http://[^ ]+?)/?$", line.strip())
            if m:
                addr = m.group(1)
                break
        if not addr:
            sys.exit("medkb serve printed no address")
        lua = Path(tempfile.mkstemp(suffix=".lua")[1])
        lua.write_text(LUA % ", ".join(f'"{u}"' for u in urls))

        def editor():
            text = original.decode()
            while not stop.wait(args.every):
                edits[0] += 1
                n = edits[0]
                new = text.replace('title = "', f'title = "Load {n} ', 1) if n % 3 == 0 else text + f"\nLoad test edit {n}.\n"
                with open(page, "r+b") as f:
                    f.write(new.encode())
                    f.truncate()

        t = threading.Thread(target=editor, daemon=True)
        t.start()
        out = subprocess.run(["wrk", "-t", str(args.threads), "-c", str(args.connections), "-d", f"{args.duration}s",
                              "--timeout", "5s", "-s", str(lua), addr], capture_output=True, text=True,
                             timeout=args.duration + 60).stdout
        stop.set()
        t.join(5)
        lua.unlink()
        print(out.rstrip())
        socket_errors = re.search(r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
        non2xx = re.search(r"Non-2xx or 3xx responses: (\d+)", out)
        errors = (sum(int(x) for x in socket_errors.groups()) if socket_errors else 0) + (int(non2xx.group(1)) if non2xx else 0)
        rps = re.search(r"Requests/sec:\s+([\d.]+)", out)
        print(f"medkb serve under load: {edits[0]} edits during the run, "
              f"{rps.group(1) if rps else '?'} requests/s, {errors} errors")
        sys.exit(1 if errors else 0)
    finally:
        stop.set()
        page.write_bytes(original)
        stop_server(proc, tmp)


if __name__ == "__main__":
    main()
