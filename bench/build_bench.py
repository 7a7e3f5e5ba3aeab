#!/usr/bin/env python3
"""Build benchmark: medkb against Hugo on the same generated corpora, in one run.

Generates 1k and 10k-page sites with ../shared/bench/gen_corpus.py (neutral layout,
converted for medkb by convert_corpus.py; Hugo layout for Hugo), builds each with
both tools, and records wall time and peak memory (the child's max RSS, from
wait4) as medians over several runs, with medkb/Hugo ratios. Writes the
"Build" section of BENCHMARKS.md.

Usage: bench/build_bench.py [--pages 1000,10000] [--runs 3] [--medkb target/release/medkb]
Needs: hugo (apt-get install hugo), a release build of medkb.
"""
import argparse
import os
import pathlib
import shutil
import statistics
import subprocess
import sys
import tempfile
import time

from benchlib import write_section

ROOT = pathlib.Path(__file__).resolve().parent.parent
GEN = ROOT.parent / "shared" / "bench" / "gen_corpus.py"
WORK = pathlib.Path(os.environ.get("MEDKB_BENCH_DIR", "/tmp/medkb-bench"))


def run(cmd, cwd=None):
    """Runs cmd; returns (seconds, peak RSS in MiB)."""
    # stderr to a file, not a pipe: a pipe nobody reads until exit fills up and blocks the tool.
    with tempfile.TemporaryFile() as log:
        start = time.perf_counter()
        proc = subprocess.Popen(cmd, cwd=cwd, stdout=subprocess.DEVNULL, stderr=log)
        _, status, usage = os.wait4(proc.pid, 0)
        elapsed = time.perf_counter() - start
        log.seek(0)
        err = log.read().decode(errors="replace")
    if os.waitstatus_to_exitcode(status) != 0:
        sys.exit(f"{' '.join(map(str, cmd))} failed:\n{err[-2000:]}")
    return elapsed, usage.ru_maxrss / 1024


def corpus(pages, fmt):
    out = WORK / f"{fmt}-{pages}"
    if not out.exists():
        subprocess.run([sys.executable, str(GEN), "--pages", str(pages), "--out", str(out), "--format", fmt, "--seed", "1"],
                       check=True, stdout=subprocess.DEVNULL)
    return out


def medkb_site(pages):
    out = WORK / f"medkb-{pages}"
    if not out.exists():
        subprocess.run([sys.executable, str(ROOT / "bench" / "convert_corpus.py"), str(corpus(pages, "neutral")), str(out)],
                       check=True, stdout=subprocess.DEVNULL)
    return out


def median_of(runs, cmd_factory):
    times, mems = [], []
    for _ in range(runs):
        t, m = run(*cmd_factory())
        times.append(t)
        mems.append(m)
    return statistics.median(times), statistics.median(mems)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", default="1000,10000")
    ap.add_argument("--runs", type=int, default=3)
    ap.add_argument("--medkb", default=str(ROOT / "target" / "release" / "medkb"))
    args = ap.parse_args()
    hugo = shutil.which("hugo")
    if not hugo:
        sys.exit("hugo is not installed: apt-get install hugo")
    version = subprocess.run([hugo, "version"], capture_output=True, text=True).stdout.split()[1]
    WORK.mkdir(parents=True, exist_ok=True)
    rows = []
    for n in [int(x) for x in args.pages.split(",")]:
        site, hsite = medkb_site(n), corpus(n, "hugo")
        out, hout = WORK / f"out-medkb-{n}", WORK / f"out-hugo-{n}"
        # Clean output each run: both tools then do a full, cold build.
        def medkb_cmd():
            shutil.rmtree(out, ignore_errors=True)
            return ([args.medkb, "build", "--root", str(site), "--output", str(out)],)

        def hugo_cmd():
            shutil.rmtree(hout, ignore_errors=True)
            return ([hugo, "--quiet", "-s", str(hsite), "-d", str(hout)],)

        mt, mm = median_of(args.runs, medkb_cmd)
        ht, hm = median_of(args.runs, hugo_cmd)
        files = sum(1 for _ in out.rglob("*") if _.is_file())
        rows.append((n, mt, mm, ht, hm, files))
        print(f"{n} pages: medkb {mt:.2f}s {mm:.0f} MiB | hugo {ht:.2f}s {hm:.0f} MiB", flush=True)
    body = [
        "## Build: medkb vs Hugo",
        "",
        f"`python3 bench/build_bench.py` ({args.runs} cold builds each, median; {os.cpu_count()} cores; Hugo {version}; "
        f"measured {time.strftime('%Y-%m-%d')}). Same generated corpus (`../shared/bench/gen_corpus.py --seed 1`) for both. "
        "medkb's build includes its search index; Hugo's has none.",
        "",
        "| pages | medkb time | Hugo time | time ratio (medkb/Hugo) | medkb peak RSS | Hugo peak RSS | memory ratio | medkb files |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, mt, mm, ht, hm, files in rows:
        body.append(f"| {n:,} | {mt:.2f} s | {ht:.2f} s | {mt / ht:.2f} | {mm:.0f} MiB | {hm:.0f} MiB | {mm / hm:.2f} | {files:,} |")
    body += ["", "Targets (issue: the generator): at 10k pages, time ratio ≤ 1.0 and memory ratio ≤ 0.5."]
    write_section("build", "\n".join(body))


if __name__ == "__main__":
    main()
