"""Shared by the bench scripts: BENCHMARKS.md is one file with a section per script."""
import pathlib

ROOT = pathlib.Path(__file__).resolve().parent.parent


def write_section(title, body):
    """Replaces (or appends) the `<!-- title:start -->…<!-- title:end -->` block of BENCHMARKS.md."""
    path = ROOT / "BENCHMARKS.md"
    text = path.read_text() if path.exists() else "# Benchmarks\n\nEvery figure here is produced by a script in `bench/`; rerun it to refresh its section.\n"
    start, end = f"<!-- {title}:start -->", f"<!-- {title}:end -->"
    block = f"{start}\n{body.rstrip()}\n{end}"
    if start in text:
        before, rest = text.split(start, 1)
        text = before + block + rest.split(end, 1)[1]
    else:
        text = text.rstrip() + "\n\n" + block + "\n"
    path.write_text(text)


def copy_site(site, prefix):
    """A throwaway copy of a medkb site (its own files only), for benches that edit pages.

    Returns (temporary folder to remove afterwards, path of the copied site)."""
    import shutil
    import tempfile

    tmp = tempfile.mkdtemp(prefix=prefix)
    dest = pathlib.Path(tmp) / "site"
    dest.mkdir()
    for name in ["site.toml", "content", "templates", "static", "themes"]:
        src = pathlib.Path(site) / name
        if src.is_dir():
            shutil.copytree(src, dest / name)
        elif src.is_file():
            shutil.copy2(src, dest / name)
    return tmp, dest


def stop_server(proc, tmp):
    """Stops a `medkb serve` started in its own process group and removes its site copy."""
    import os
    import shutil
    import signal

    try:
        os.killpg(proc.pid, signal.SIGTERM)
    except ProcessLookupError:
        pass
    proc.wait(timeout=30)
    if tmp:
        shutil.rmtree(tmp, ignore_errors=True)
