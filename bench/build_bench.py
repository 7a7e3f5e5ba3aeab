#!/usr/bin/env python3
"""Build benchmark: medkb against Hugo on the same generated corpora, in one run.

Generates 1k and 10k-page sites with ../shared/bench/gen_corpus.py (neutral layout,
converted for medkb by convert_corpus.py; Hugo layout for Hugo), builds each with
both tools, and records wall time and peak memory (the child's max RSS, from
wait4) as medians over several runs, with medkb/Hugo ratios. Writes the
"Build" section of BENCHMARKS.md.

Usage: bench/build_bench.py [--pages 1000,10000,100000] [--runs 5] [--big-runs 1] [--medkb target/release/medkb]
Needs: hugo (apt-get install hugo), a release build of medkb.

Fairness: the two tools' runs alternate, so a machine that gets busier or quieter
during the run affects both alike, and every run writes into a folder no earlier run
used. Deleting a big output folder just before a build is not neutral: on ext4
without a journal (this machine's root) the inode allocator skips inodes freed in the
last 30 seconds, and a build of 10k pages straight after the previous one's `rm -rf`
spent up to twice its CPU in the kernel, by luck of which tool ran after which delete.
Old outputs are deleted after a size's runs; at 50k pages and more, where they would
not fit on disk, after each run, followed by a 35-second pause before the next build.
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
    """Runs cmd; returns (seconds, peak RSS in MiB, CPU seconds user + system)."""
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
    return elapsed, usage.ru_maxrss / 1024, usage.ru_utime + usage.ru_stime


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


def fresh_outputs(n, runs):
    """Yields (run number, medkb output, Hugo output): folders no earlier build wrote."""
    base = WORK / f"runs-{n}"
    shutil.rmtree(base, ignore_errors=True)
    base.mkdir(parents=True)
    big = n >= 50_000
    for i in range(runs):
        yield i, base / f"medkb-{i}", base / f"hugo-{i}"
        if big and i + 1 < runs:
            shutil.rmtree(base, ignore_errors=True)
            base.mkdir(parents=True)
            os.sync()
            time.sleep(35)
    shutil.rmtree(base, ignore_errors=True)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--pages", default="1000,10000")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--big-runs", type=int, default=1, help="runs at 50k pages and more (each takes minutes)")
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
        med, hug = [], []
        files = 0
        runs = args.big_runs if n >= 50_000 else args.runs
        for i, out, hout in fresh_outputs(n, runs):
            med.append(run([args.medkb, "build", "--root", str(site), "--output", str(out)]))
            hug.append(run([hugo, "--quiet", "-s", str(hsite), "-d", str(hout)]))
            files = sum(1 for f in out.rglob("*") if f.is_file())
            print(f"  {n} pages, run {i + 1}: medkb {med[-1][0]:.2f}s | hugo {hug[-1][0]:.2f}s", flush=True)
        mt, mm, mc = (statistics.median(r[k] for r in med) for k in range(3))
        ht, hm, hc = (statistics.median(r[k] for r in hug) for k in range(3))
        rows.append((n, runs, mt, mm, mc, ht, hm, hc, files))
        print(f"{n} pages: medkb {mt:.2f}s {mm:.0f} MiB | hugo {ht:.2f}s {hm:.0f} MiB", flush=True)
    body = [
        "## Build: medkb vs Hugo",
        "",
        f"`python3 bench/build_bench.py --pages {args.pages} --runs {args.runs} --big-runs {args.big_runs}` (cold builds, "
        f"median of the runs shown, the two tools' runs alternating, each into a folder no earlier run wrote; {os.cpu_count()} cores; "
        f"Hugo {version}; measured {time.strftime('%Y-%m-%d')}). Same generated corpus "
        "(`../shared/bench/gen_corpus.py --seed 1`) for both. medkb's build includes its search index; Hugo's has none. "
        "CPU is user + system time of the whole process tree.",
        "",
        "| pages | runs | medkb time | Hugo time | time ratio (medkb/Hugo) | medkb CPU | Hugo CPU | medkb peak RSS | Hugo peak RSS "
        "| memory ratio | medkb files |",
        "|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|",
    ]
    for n, runs, mt, mm, mc, ht, hm, hc, files in rows:
        body.append(
            f"| {n:,} | {runs} | {mt:.2f} s | {ht:.2f} s | {mt / ht:.2f} | {mc:.1f} s | {hc:.1f} s | {mm:.0f} MiB | {hm:.0f} MiB "
            f"| {mm / hm:.2f} | {files:,} |"
        )
    body += ["", "Targets (issue 14): at 10k pages, time ratio ≤ 0.6 and memory ratio ≤ 0.5; at 100k pages, medkb's time "
             "≤ 11 × its 10k time and its peak memory ≤ 2 GiB."]
    write_section("build", "\n".join(body))


if __name__ == "__main__":
    main()
