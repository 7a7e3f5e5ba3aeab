#!/usr/bin/env python3
"""Quick author-side check: prints every run of 12 or more words a page shares with a seed.

The authoritative check is the Rust test `tests/content.rs`; this script is for writers
who want an answer without a build. Usage: scripts/seed_overlap.py [FILES...]
"""
import pathlib, re, sys

N = 12
ROOT = pathlib.Path(__file__).resolve().parent.parent
SEEDS = ROOT.parent / "shared" / "seeds"

def words(text):
    text = text.replace("\u2019", "'").replace("\u2018", "'").lower()
    return re.findall(r"[a-z0-9]+(?:'[a-z]+)?", text)

grams = set()
for seed in sorted(SEEDS.glob("*.txt")):
    w = words(seed.read_text(encoding="utf-8"))
    grams.update(tuple(w[i:i + N]) for i in range(len(w) - N + 1))

def prose(text):
    """The page without its [[sources]] tables: citing an article's title is not copying it."""
    out, in_sources = [], False
    for line in text.splitlines():
        stripped = line.strip()
        if stripped == "[[sources]]":
            in_sources = True
            continue
        if stripped == "+++" or stripped.startswith("["):
            in_sources = False
        if not in_sources:
            out.append(line)
    return "\n".join(out)

files = [pathlib.Path(f) for f in sys.argv[1:]] or sorted((ROOT / "content").rglob("*.md"))
bad = 0
for f in files:
    w = words(prose(f.read_text(encoding="utf-8")))
    hits = [i for i in range(len(w) - N + 1) if tuple(w[i:i + N]) in grams]
    if hits:
        bad += 1
        print(f"{f}: {len(hits)} shared 12-word runs, e.g. \"{' '.join(w[hits[0]:hits[0] + N])}\"")
print(f"{len(files)} files checked, {bad} with shared runs")
sys.exit(1 if bad else 0)
