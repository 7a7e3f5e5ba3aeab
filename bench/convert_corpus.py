#!/usr/bin/env python3
"""Convert ../shared/bench/gen_corpus.py's neutral layout into a medkb site.

The text and the link graph stay exactly what the peers build; only the syntax
changes: front-matter keys, body regions mapped onto medkb's defaults, red flags
given an urgency, timeline tables turned into phase lists, and relative links
turned into [[slug|text]] cross-links.

Usage: convert_corpus.py NEUTRAL_DIR OUT_DIR
"""
import pathlib
import re
import shutil
import sys

REGIONS = {
    "ankle": "ankle-foot", "foot": "ankle-foot", "hip": "hip-pelvis", "pelvis and back": "hip-pelvis",
    "knee": "thigh-knee", "thigh": "thigh-knee", "lower leg": "lower-leg",
}
LINK = re.compile(r"\[([^\]]+)\]\(\.\./([a-z0-9-]+)/\)")


def toml_str(s):
    return '"' + s.replace("\\", "\\\\").replace('"', '\\"') + '"'


def convert_page(text):
    _, fm, body = text.split("+++\n", 2)
    meta = {}
    for line in fm.splitlines():
        if " = " in line:
            k, v = line.split(" = ", 1)
            meta[k.strip()] = v.strip()
    title = meta["title"]
    summary = meta["description"].strip('"')
    if len(summary) > 158:
        summary = summary[:150].rsplit(" ", 1)[0] + "…"
    region = REGIONS.get(meta.get("body_region", "").strip('"'), "whole-body")
    out = ["+++", f"title = {title}", f"summary = {toml_str(summary)}", f"also_called = {meta.get('aliases', '[]')}",
           f'body_region = "{region}"', f"related = {meta.get('related', '[]')}", f"last_reviewed = {meta['last_reviewed']}",
           "reviewed_by = []", "", "[[sources]]", 'title = "Synthetic benchmark corpus"', "+++", ""]
    body = LINK.sub(lambda m: f"[[{m.group(2)}|{m.group(1)}]]", body)
    lines = []
    section = None
    for line in body.splitlines():
        if line.startswith("## "):
            section = line[3:].strip()
        if section == "Red flags" and line.startswith("- "):
            item = line[2:]
            urgency = "urgent"
            m = re.match(r"\*\*(.+?):\*\*\s*(.*)", item)
            if m:
                urgency = "routine" if "appointment" in m.group(1).lower() else "urgent"
                item = m.group(2)
            line = f"- {urgency}: {item}"
        elif section == "Timeline" and line.startswith("|"):
            cells = [c.strip() for c in line.strip("|").split("|")]
            if len(cells) == 3 and re.match(r"^\d+\s*-\s*\d+$", cells[1]):
                line = f"- Weeks {cells[1]}: {cells[0]}. {cells[2]}"
            else:
                continue
        lines.append(line)
    return "\n".join(out) + "\n".join(lines) + "\n"


def main():
    src, dst = pathlib.Path(sys.argv[1]), pathlib.Path(sys.argv[2])
    if dst.exists():
        shutil.rmtree(dst)
    (dst / "content" / "conditions").mkdir(parents=True)
    (dst / "site.toml").write_text(
        'title = "Benchmark corpus"\nbase_url = "https://bench.example"\nlocale = "en-GB"\n'
        'description = "Synthetic pages for benchmarks."\ndisclaimer = "Synthetic text, not medical advice."\n'
    )
    n = 0
    for page in sorted((src / "content" / "conditions").glob("*.md")):
        (dst / "content" / "conditions" / page.name).write_text(convert_page(page.read_text()))
        n += 1
    print(f"converted {n} pages into {dst}")


if __name__ == "__main__":
    main()
