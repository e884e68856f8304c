"""Benchmark retracker as users run it: whole processes on generated logs of 100 to 100,000 events.

    python bench/run.py                          # sizes 100, 1,000, 10,000; 5 runs each
    python bench/run.py --sizes 100,1000 --runs 3
    python bench/run.py --big                    # adds 100,000 events (about half an hour)

Every figure is the wall time of a whole process (interpreter start-up included), timed from
here, median and min-max over ``--runs`` runs after one uncounted warm-up; the warm-up run
also gives the command's peak RSS (through GNU time when there is one). The commands of one
group run round-robin (run 1 of each, then run 2 of each ...), so that ratios can be taken
run by run (paired). Beside retracker, the
same run times floors and peers on the same files: ``python -c pass``, a bare import of the
dependencies, a minimal typer app printing a 20-row rich table (bench/minimal_app.py), a bare
``yaml.load(CSafeLoader)`` of every file (bench/bare_parse.py), ``jq`` over the same events as
one JSON file and ``check-jsonschema`` with the event schema. See bench/README.md.

Only the standard library and the project's own dependencies are used. The retracker that is
timed is the one next to ``sys.executable`` (so an activated venv benchmarks itself).
"""

from __future__ import annotations

import argparse
import datetime as dt
import hashlib
import json
import os
import platform
import re
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
OUT = HERE / "out"
DEFAULT_SIZES = (100, 1_000, 10_000)
BIG = 100_000
PEERS_MAX = 10_000
"""check-jsonschema runs only up to this size unless --peers-big (it takes ~40 s at 10,000)."""
COLUMNS = "100"
"""Terminal width given to every child, so that tables wrap the same way on every machine."""
LOADER_PROBE = "import yaml; print('libyaml (C)' if yaml.__with_libyaml__ else 'pure Python')"
MINIMAL = "minimal typer app (20-row table)"
BARE = "bare_parse.py (CSafeLoader, every file)"
IMPORTS = "import typer, rich, pydantic, yaml, dateutil"
JQ_FILTER = '.[] | select(.materials | index("Sb"))'

# (numerator, denominator, target from perf-baseline.md section 5, size the target is for)
STARTUP_RATIOS = [
    ("version", "minimal", "<= 0.85 T2", None),
    ("help", "minimal", "<= 0.85 T2", None),
]
SIZE_RATIOS = [
    ("timeline", "minimal", "", None),
    ("show", "minimal", "", None),
    ("show_nocache", "minimal", "<= 1.30 @100 T1", 100),
    ("status", "minimal", "", None),
    ("show_nocache", "bare", "<= 1.15 @100k T4", 100_000),
    ("show", "jq", "<= 1.5 @10k T6", 10_000),
    ("show", "jq", "<= 1.25 @100k T5", 100_000),
    ("lint", "bare", "<= 1.25 @10k T3", 10_000),
    ("lint", "cjs", "<= 0.10 @10k T3", 10_000),
    ("export", "bare", "", None),
    ("export", "jq", "", None),
    ("site", "export", "", None),
]

SITE_ON = "2026-12-02"
"""The day `retracker site` is built as of (pinned: the same pages every run)."""


# ------------------------------------------------------------------ commands and runs


@dataclass
class Cmd:
    key: str
    label: str
    short: str  # the name in ratio rows
    argv: list[str]
    cwd: Path | None = None
    na: str | None = None  # why it is not run ("jq not installed", ...)
    optional: bool = False  # a command or option retracker may not have yet: exit 2 makes it n/a
    warmup_s: float | None = None
    planned: int = 0
    times: list[float] = field(default_factory=list)
    peak_kib: int | None = None  # from the warm-up run
    exit_codes: list[int] = field(default_factory=list)
    stderr_tail: str = ""
    failed: str | None = None

    def to_json(self) -> dict[str, Any]:
        return {
            "key": self.key,
            "label": self.label,
            "argv": self.argv,
            "cwd": str(self.cwd) if self.cwd else None,
            "status": "n/a" if self.na else ("failed" if self.failed else "ok"),
            "reason": self.na or self.failed,
            "warmup_s": self.warmup_s,
            "runs": len(self.times),
            "wall_s": self.times,
            "wall": summary(self.times),
            "peak_rss_mib": kib_to_mib(self.peak_kib) if self.peak_kib is not None else None,
            "exit_codes": self.exit_codes,
            "stderr_tail": self.stderr_tail,
        }


def kib_to_mib(kib: int) -> float:
    return round(kib / 1024, 1)


def gnu_time() -> str | None:
    """/usr/bin/time if it is GNU time (it takes -f %M -o FILE), else None."""
    path = "/usr/bin/time"
    if not os.access(path, os.X_OK):
        return None
    with tempfile.NamedTemporaryFile("r", suffix=".txt") as fh:
        done = subprocess.run([path, "-f", "%M", "-o", fh.name, "true"], capture_output=True, check=False)
        text = fh.read().strip()
    return path if done.returncode == 0 and text.isdigit() else None


def run_once(
    cmd: Cmd, env: dict[str, str], timeout: float, time_tool: str | None = None
) -> tuple[float, int, int, str]:
    """Run one process: (wall seconds, exit code, peak RSS KiB, stderr).

    With ``time_tool`` (GNU time), the peak RSS is what it reports for the command: a child of
    a small process. Without, it is ``ru_maxrss`` from ``os.wait4``, which on Linux counts the
    memory of the forking process (this runner) too, so it is only an upper bound for small
    commands. Timed runs pass no ``time_tool``, so nothing sits between the clock and the command.
    """
    with tempfile.TemporaryFile() as err, tempfile.NamedTemporaryFile("r", suffix=".rss") as rss:
        argv = [time_tool, "-f", "%M", "-o", rss.name, *cmd.argv] if time_tool else cmd.argv
        start = time.perf_counter()
        proc = subprocess.Popen(
            argv,
            cwd=cmd.cwd,
            env=env,
            stdin=subprocess.DEVNULL,
            stdout=subprocess.DEVNULL,
            stderr=err,
        )
        timer = threading.Timer(timeout, proc.kill)
        timer.start()
        try:
            _, status, usage = os.wait4(proc.pid, 0)
        finally:
            timer.cancel()
        wall = time.perf_counter() - start
        proc.returncode = code = os.waitstatus_to_exitcode(status)
        err.seek(0)
        text = err.read().decode("utf-8", "replace")
        peak = usage.ru_maxrss // (1024 if sys.platform == "darwin" else 1)  # bytes on macOS
        if time_tool:
            reported = rss.read().strip().splitlines()
            peak = int(reported[-1]) if reported and reported[-1].isdigit() else peak
    if code == -9 and wall >= timeout:
        text += f"\ntimed out after {timeout:.0f} s"
    return wall, code, peak, text


def last_line(text: str) -> str:
    lines = [line.strip() for line in text.strip().splitlines() if line.strip()]
    lines = [line for line in lines if not line.startswith("log: ")] or lines  # the log footer
    return lines[-1][:200] if lines else ""


def run_group(
    name: str, cmds: list[Cmd], args: argparse.Namespace, env: dict[str, str], time_tool: str | None
) -> None:
    """Warm up every command once (measuring its peak RSS), then time them round-robin."""
    active = [c for c in cmds if c.na is None]
    for cmd in active:
        wall, code, peak, err = run_once(cmd, env, args.timeout, time_tool)
        cmd.warmup_s, cmd.peak_kib = wall, peak
        if cmd.optional and code == 2 and ("No such command" in err or "No such option" in err):
            cmd.na = "this retracker has no such " + ("command" if "No such command" in err else "option")
            log(f"[{name}] {cmd.label}: n/a ({cmd.na})")
            continue
        cmd.stderr_tail = last_line(err)
        if code != 0:
            cmd.failed = f"exit {code}: {cmd.stderr_tail}"
            log(f"[{name}] {cmd.label}: FAILED in warm-up, {cmd.failed}")
            continue
        cmd.planned = args.runs
        if wall * args.runs > args.budget:
            cmd.planned = max(min(3, args.runs), int(args.budget // wall))
        log(f"[{name}] warm-up {cmd.label}: {wall:.3f} s; {cmd.planned} run(s)")
    live = [c for c in active if c.na is None and c.failed is None]
    rounds = max((c.planned for c in live), default=0)
    for k in range(rounds):
        started = time.perf_counter()
        for cmd in live:
            if k >= cmd.planned or cmd.failed:
                continue
            wall, code, _, err = run_once(cmd, env, args.timeout)
            cmd.times.append(wall)
            cmd.exit_codes.append(code)
            if code != 0:
                cmd.failed = f"exit {code} in run {k + 1}: {last_line(err)}"
        log(f"[{name}] round {k + 1}/{rounds}: {time.perf_counter() - started:.1f} s")


def log(message: str) -> None:
    print(message, file=sys.stderr, flush=True)


# ------------------------------------------------------------------ statistics


def summary(values: list[float]) -> dict[str, float] | None:
    if not values:
        return None
    xs = sorted(values)
    q1, _, q3 = statistics.quantiles(xs, n=4, method="inclusive") if len(xs) > 1 else (xs[0],) * 3
    return {
        "n": len(xs),
        "median": statistics.median(xs),
        "min": xs[0],
        "max": xs[-1],
        "q1": q1,
        "q3": q3,
    }


def paired_ratio(num: Cmd | None, den: Cmd | None) -> dict[str, Any] | None:
    if num is None or den is None or not num.times or not den.times:
        return None
    pairs = [a / b for a, b in zip(num.times, den.times, strict=False)]
    return {"paired": pairs, **(summary(pairs) or {})}


# ------------------------------------------------------------------ data


def prepare_data(n: int, seed: int, regenerate: bool) -> tuple[Path, dict[str, Any]]:
    """The generated log of ``n`` events, from the cache under bench/out/data when it is there.

    The cache key hashes the generator's source, the size and the seed: editing
    bench/gen_events.py regenerates; stale folders of the same size are removed.
    """
    source = (HERE / "gen_events.py").read_bytes()
    key = hashlib.sha256(source + f"|{n}|{seed}".encode()).hexdigest()[:12]
    base = OUT / "data"
    target = base / f"n{n}-{key}"
    if (target / "meta.json").is_file() and not regenerate:
        meta = json.loads((target / "meta.json").read_text(encoding="utf-8"))
        meta["cached"] = True
        return target, meta
    base.mkdir(parents=True, exist_ok=True)
    for stale in [*base.glob(f"n{n}-*"), *base.glob(f".tmp-n{n}-*")]:
        shutil.rmtree(stale, ignore_errors=True)
    log(f"generating {n:,} events into {target} ...")
    tmp = Path(tempfile.mkdtemp(prefix=f".tmp-n{n}-", dir=base))
    started = time.perf_counter()
    # In a child process, so that this runner stays small (see run_once on ru_maxrss).
    done = subprocess.run(
        [sys.executable, str(HERE / "gen_events.py"), str(n), str(tmp), str(seed)],
        capture_output=True,
        text=True,
        check=True,
    )
    meta = json.loads(done.stdout)
    meta.update(seed=seed, key=key, generate_s=round(time.perf_counter() - started, 2))
    (tmp / "meta.json").write_text(json.dumps(meta, indent=1), encoding="utf-8")
    os.rename(tmp, target)
    meta["cached"] = False
    return target, meta


def event_files(root: Path) -> list[str]:
    return sorted(str(p.relative_to(root)) for p in (root / "events").glob("*/*.yaml"))


def fits_command_line(argv: list[str], env: dict[str, str]) -> bool:
    limit = os.sysconf("SC_ARG_MAX") if hasattr(os, "sysconf") else 131072
    size = sum(len(a.encode()) + 9 for a in argv) + sum(len(k) + len(v) + 10 for k, v in env.items())
    return size < 0.75 * limit


# ------------------------------------------------------------------ machine


def git_head() -> str | None:
    """The commit checked out (read from .git, no git command); the working tree may differ.

    In a linked worktree ``.git`` is a file naming the worktree's own folder, whose
    ``commondir`` holds the refs, loose or packed."""
    try:
        gitdir = REPO / ".git"
        if gitdir.is_file():
            gitdir = (REPO / gitdir.read_text(encoding="utf-8").strip().removeprefix("gitdir: ")).resolve()
        head = (gitdir / "HEAD").read_text(encoding="utf-8").strip()
        if not head.startswith("ref: "):
            return head
        common = gitdir
        if (gitdir / "commondir").is_file():
            common = (gitdir / (gitdir / "commondir").read_text(encoding="utf-8").strip()).resolve()
        ref = head[5:]
        for folder in (gitdir, common):
            if (folder / ref).is_file():
                return (folder / ref).read_text(encoding="utf-8").strip()
        packed = common / "packed-refs"
        for line in packed.read_text(encoding="utf-8").splitlines() if packed.is_file() else ():
            if line.endswith(" " + ref):
                return line.split()[0]
        return None
    except OSError:
        return None


def tool_output(argv: list[str]) -> str:
    try:
        done = subprocess.run(argv, capture_output=True, text=True, timeout=60, check=False)
    except (OSError, subprocess.SubprocessError):
        return ""
    return (done.stdout or done.stderr).strip()


def machine_info(retracker: str, jq: str | None, cjs: str | None) -> dict[str, Any]:
    from importlib import metadata

    def version(dist: str) -> str | None:
        try:
            return metadata.version(dist)
        except metadata.PackageNotFoundError:
            return None

    cpu = ""
    mem_gib = None
    try:
        with open("/proc/cpuinfo", encoding="utf-8") as fh:
            cpu = next((line.split(":", 1)[1].strip() for line in fh if line.startswith("model name")), "")
        with open("/proc/meminfo", encoding="utf-8") as fh:
            kib = next((int(line.split()[1]) for line in fh if line.startswith("MemTotal")), 0)
            mem_gib = round(kib / 1024 / 1024, 1)
    except OSError:
        pass
    packages = (
        "retracker",
        "typer",
        "click",
        "rich",
        "pydantic",
        "pydantic-core",
        "PyYAML",
        "python-dateutil",
    )
    return {
        "python": platform.python_version(),
        "implementation": platform.python_implementation(),
        "executable": sys.executable,
        "platform": platform.platform(),
        "machine": platform.machine(),
        "cpu_count": os.cpu_count(),
        "cpu": cpu,
        "memory_gib": mem_gib,
        "loader": tool_output([sys.executable, "-c", LOADER_PROBE]),
        "retracker_version": tool_output([retracker, "--version", "--verbose"]).replace("\n", "; "),
        "packages": {p: version(p) for p in (*packages, "check-jsonschema")},
        "jq": tool_output([jq, "--version"]) if jq else None,
        "check_jsonschema": tool_output([cjs, "--version"]) if cjs else None,
    }


# ------------------------------------------------------------------ output


def fmt_s(x: float) -> str:
    return f"{x:.3f}" if x < 10 else (f"{x:.2f}" if x < 100 else f"{x:.1f}")


def time_cell(cmd: Cmd | None, runs: int) -> str:
    if cmd is None:
        return ""
    if cmd.na:
        return "n/a"
    if cmd.failed and not cmd.times:
        return "failed"
    s = summary(cmd.times)
    assert s is not None
    cell = f"{fmt_s(s['median'])} ({fmt_s(s['min'])}–{fmt_s(s['max'])})"
    if len(cmd.times) < runs:
        cell += f" n={len(cmd.times)}"
    return cell + (" !" if cmd.failed else "")


def mem_cell(cmd: Cmd | None) -> str:
    if cmd is None or cmd.peak_kib is None:
        return "n/a" if cmd is not None and cmd.na else ""
    return f"{kib_to_mib(cmd.peak_kib):.0f}"


def ratio_cell(ratio: dict[str, Any] | None, target: str, size: int | None, at: int | None) -> str:
    if ratio is None:
        return "n/a"
    cell = f"{ratio['median']:.2f} ({ratio['min']:.2f}–{ratio['max']:.2f})"
    bound = target.split()[1] if target.startswith("<=") else None
    if bound and (at is None or at == size):
        cell += " ok" if ratio["median"] <= float(bound) else " MISS"
    return cell


def render_table(headers: list[str], rows: list[list[str]]) -> str:
    widths = [max(len(r[i]) for r in [headers, *rows]) for i in range(len(headers))]
    lines = ["  ".join(h.ljust(w) for h, w in zip(headers, widths, strict=True)).rstrip()]
    lines.append("  ".join("-" * w for w in widths))
    lines += ["  ".join(c.ljust(w) for c, w in zip(row, widths, strict=True)).rstrip() for row in rows]
    return "\n".join(lines)


def report(
    info: dict[str, Any],
    args: argparse.Namespace,
    data: dict[int, dict[str, Any]],
    startup: list[Cmd],
    by_size: dict[int, list[Cmd]],
    ratios: list[dict[str, Any]],
) -> str:
    sizes = list(by_size)
    out = [
        f"retracker bench, {info['started']}: {info['retracker_version'] or 'retracker ?'}",
        f"python {info['python']} ({info['loader']} YAML), {info['platform']}, {info['cpu_count']} CPUs"
        + (f" ({info['cpu']})" if info["cpu"] else ""),
        f"{args.runs} run{'s' if args.runs != 1 else ''} after 1 warm-up, round-robin; up to "
        f"{args.budget:.0f} s per command and size (never under {min(3, args.runs)} run"
        f"{'s' if args.runs != 1 else ''}); "
        "wall s median (min–max); peak RSS MiB of the warm-up run",
    ]
    if info.get("loadavg_start") and info.get("loadavg_end"):
        start, end = info["loadavg_start"][0], info["loadavg_end"][0]
        out.append(f"load average {start:.2f} at start, {end:.2f} at end; HEAD {(info['head'] or '?')[:12]}")
    out.append("")
    for n, meta in data.items():
        origin = "cached" if meta.get("cached") else f"generated in {meta['generate_s']:.1f} s"
        out.append(
            f"data {n:>7,}: {meta['yaml_bytes'] / 1e6:.1f} MB ({meta['bytes_per_file']:,} B/file), "
            f"{meta['with_Sb']:,} with Sb, {meta['suspends']:,} suspends "
            f"({meta['part_targets']:,} on a #part), {origin}"
        )
    out += ["", "Start-up (no data)"]
    rows = [[c.label, time_cell(c, args.runs), mem_cell(c)] for c in startup]
    out += [render_table(["command", "wall s", "peak MiB"], rows), ""]

    keys = list(dict.fromkeys(c.key for cmds in by_size.values() for c in cmds))
    find = {(n, c.key): c for n, cmds in by_size.items() for c in cmds}
    label = {c.key: c.label for cmds in by_size.values() for c in cmds}
    headers = ["command", *[f"{n:,} events" for n in sizes]]
    out.append("Per log size, wall s")
    rows = [[label[k], *[time_cell(find.get((n, k)), args.runs) for n in sizes]] for k in keys]
    out.append(render_table(headers, rows))
    first = [f"{n:,}: {c.warmup_s:.3f}" for n in sizes if (c := find.get((n, "timeline"))) and c.warmup_s]
    if first:
        out.append(
            "timeline's warm-up, the first run on each log (it builds retracker's index), s: "
            + ", ".join(first)
        )
    rates = []
    for n in sizes:
        c = find.get((n, "site"))
        pages = re.search(r"(\d+) page\(s\)", c.stderr_tail) if c and c.times else None
        if c and pages:
            wall, count = summary(c.times)["median"], int(pages[1])
            rates.append(f"{n:,}: {count:,} pages in {wall:.2f} s, {count / wall:,.0f} pages/s")
    if rates:
        out.append("site, pages per second (median run): " + "; ".join(rates))
    out += ["", "Per log size, peak RSS MiB"]
    rows = [[label[k], *[mem_cell(find.get((n, k))) for n in sizes]] for k in keys]
    out += [render_table(headers, rows), ""]

    out.append("Ratios, paired run by run: median (min–max); below 1 = retracker is faster")
    rows = []
    for r in ratios:
        if r["size"] is None:
            rows.append([r["name"], r["target"], ratio_cell(r["ratio"], r["target"], None, None)])
    lines = list(dict.fromkeys((r["name"], r["target"]) for r in ratios if r["size"] is not None))
    for name, target in lines:
        per = {r["size"]: r for r in ratios if (r["name"], r["target"]) == (name, target) and r["size"]}
        if all(r["ratio"] is None for r in per.values()) and name.startswith(("export", "show -e Sb --no")):
            continue  # a command this retracker does not have
        at = next(iter(per.values()))["at"]
        cells = [ratio_cell(per[n]["ratio"], target, n, at) if n in per else "" for n in sizes]
        rows.append([name, target, *cells])
    width = 2 + len(sizes)
    rows = [row + [""] * (width - len(row)) if len(row) < width else row for row in rows]
    out.append(render_table(["ratio", "target", *[f"{n:,}" for n in sizes]], rows))
    out.append("targets: perf-baseline.md section 5, marked ok/MISS at the size each is set for")

    notes = []
    for c in [*startup, *[c for cmds in by_size.values() for c in cmds]]:
        size = next((n for n, cmds in by_size.items() if c in cmds), None)
        where = f" at {size:,}" if size else ""
        if c.na:
            notes.append(f"{c.label}{where}: n/a, {c.na}")
        elif c.failed:
            notes.append(f"{c.label}{where}: FAILED, {c.failed}")
    if notes:
        out += ["", "Notes:", *[f"- {note}" for note in dict.fromkeys(notes)]]
    return "\n".join(out)


# ------------------------------------------------------------------ main


def parse_sizes(text: str) -> list[int]:
    sizes = []
    for part in text.split(","):
        part = part.strip().lower().replace("_", "")
        if part:
            sizes.append(int(part[:-1]) * 1000 if part.endswith("k") else int(part))
    if not sizes or min(sizes) < 1:
        raise argparse.ArgumentTypeError("sizes are positive integers: 100,1000,10000")
    return sizes


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--sizes",
        type=parse_sizes,
        default=list(DEFAULT_SIZES),
        help="comma-separated log sizes (default 100,1000,10000; 10k works too)",
    )
    parser.add_argument("--big", action="store_true", help="add 100,000 events")
    parser.add_argument("--runs", type=int, default=5, help="timed runs per command after one warm-up")
    parser.add_argument(
        "--budget",
        type=float,
        default=100.0,
        help="seconds per command and size; slower commands get fewer runs, never under 3 (default 100)",
    )
    parser.add_argument(
        "--peers-big", action="store_true", help=f"run check-jsonschema above {PEERS_MAX:,} events too"
    )
    parser.add_argument("--json", type=Path, default=OUT / "results.json", help="where to write results")
    parser.add_argument("--seed", type=int, default=None, help="generator seed (default: fixed)")
    parser.add_argument("--regenerate", action="store_true", help="ignore the cached logs")
    parser.add_argument("--timeout", type=float, default=1800.0, help="seconds before a run is killed")
    parser.add_argument(
        "--only",
        default="",
        help="time only these commands on the logs (keys, comma-separated: site,export); "
        "the minimal app always runs",
    )
    args = parser.parse_args(argv)
    if args.runs < 1:
        parser.error("--runs must be at least 1")
    sizes = sorted(set(args.sizes + ([BIG] if args.big else [])))

    sys.path.insert(0, str(HERE))
    from gen_events import SEED

    seed = SEED if args.seed is None else args.seed
    bindir = Path(sys.executable).parent
    retracker = bindir / "retracker"
    if not retracker.exists():
        parser.error(f"no retracker next to {sys.executable}: pip install -e . in this environment first")
    jq = shutil.which("jq")
    cjs_path = bindir / "check-jsonschema"
    cjs = str(cjs_path) if cjs_path.exists() else shutil.which("check-jsonschema")
    started = time.perf_counter()
    OUT.mkdir(parents=True, exist_ok=True)

    env = {k: v for k, v in os.environ.items() if not k.startswith("RETRACKER_")}
    env["COLUMNS"] = COLUMNS
    env.pop("LINES", None)
    # Timed runs load bytecode, as an installed retracker does, even where the environment says
    # PYTHONDONTWRITEBYTECODE; the bytecode goes under bench/out, never beside the sources.
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(OUT / "pycache")
    # retracker's query index (if it has one) goes under bench/out too, emptied on every run:
    # the first query of each size builds it during the warm-up; timed runs find it fresh.
    env["XDG_CACHE_HOME"] = str(OUT / "cache")
    shutil.rmtree(OUT / "cache", ignore_errors=True)
    info = machine_info(str(retracker), jq, cjs)
    time_tool = gnu_time()
    info["peak_rss_method"] = (
        "GNU time -f %M around the warm-up run"
        if time_tool
        else "os.wait4 ru_maxrss of the warm-up run (includes this runner's RSS: an upper bound)"
    )
    info["started"] = dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC")
    info["head"] = git_head()
    info["loadavg_start"] = os.getloadavg() if hasattr(os, "getloadavg") else None

    data: dict[int, dict[str, Any]] = {}
    paths: dict[int, Path] = {}
    for n in sizes:
        paths[n], data[n] = prepare_data(n, seed, args.regenerate)
        data[n]["path"] = str(paths[n])

    schema_note = None
    schema = REPO / "schema" / "event.schema.json"
    tmp_schema = None
    if cjs and not schema.is_file():
        handle, name = tempfile.mkstemp(prefix="event.schema.", suffix=".json", dir=OUT)
        with os.fdopen(handle, "w") as fh:
            subprocess.run([str(retracker), "schema"], stdout=fh, check=True, env=env)
        tmp_schema = schema = Path(name)
        schema_note = "generated with `retracker schema` (schema/event.schema.json is missing)"
    elif cjs:
        schema_note = "schema/event.schema.json (committed)"

    py = sys.executable
    r = str(retracker)
    startup = [
        Cmd("pass", "python -c pass", "python", [py, "-c", "pass"]),
        Cmd("imports", f"python -c '{IMPORTS}'", "imports", [py, "-c", IMPORTS]),
        Cmd("minimal", MINIMAL, "minimal app", [py, str(HERE / "minimal_app.py")]),
        Cmd("version", "retracker --version", "--version", [r, "--version"]),
        Cmd("help", "retracker --help", "--help", [r, "--help"]),
    ]

    def data_commands(n: int, root: Path) -> list[Cmd]:
        """The commands timed on a log of ``n`` events at ``root``."""
        rd = [r, "--data", str(root)]
        cmds = [
            Cmd("minimal", MINIMAL, "minimal app", [py, str(HERE / "minimal_app.py")]),
            Cmd("timeline", "retracker timeline", "timeline", [*rd, "timeline"]),
            Cmd("show", "retracker show --element Sb", "show -e Sb", [*rd, "show", "--element", "Sb"]),
            Cmd(
                "show_nocache",
                "retracker --no-cache show --element Sb",
                "show -e Sb --no-cache",
                [*rd, "--no-cache", "show", "--element", "Sb"],
                optional=True,
            ),
            Cmd("status", "retracker status", "status", [*rd, "status"]),
            Cmd("lint", "retracker lint", "lint", [*rd, "lint"]),
            Cmd(
                "export",
                "retracker export --format json",
                "export json",
                [*rd, "export", "--format", "json"],
                optional=True,
            ),
            Cmd(
                "site",
                f"retracker site -o DIR --on {SITE_ON}",
                "site",
                [*rd, "site", "-o", str(OUT / "site" / f"n{n}"), "--on", SITE_ON],
                optional=True,
            ),
            Cmd("bare", BARE, "bare parse", [py, str(HERE / "bare_parse.py"), str(root)]),
            Cmd(
                "jq", "jq, select Sb over all.json", "jq", [jq or "jq", "-c", JQ_FILTER, "all.json"], cwd=root
            ),
        ]
        if not jq:
            cmds[-1].na = "jq is not installed"
        cjs_cmd = Cmd("cjs", "check-jsonschema, event schema", "check-jsonschema", [], cwd=root)
        if not cjs:
            cjs_cmd.na = "check-jsonschema is not installed"
        elif n > PEERS_MAX and not args.peers_big:
            cjs_cmd.na = f"skipped above {PEERS_MAX:,} events (use --peers-big)"
        else:
            argv = [cjs, "--schemafile", str(schema), *event_files(root)]
            if not fits_command_line(argv, env):
                script = 'find events -name "*.yaml" -print0 | sort -z | xargs -0 "$0" --schemafile "$1"'
                argv = ["sh", "-c", script, cjs, str(schema)]
            cjs_cmd.argv = argv
        cmds.append(cjs_cmd)
        only = {k.strip() for k in args.only.split(",") if k.strip()}
        if only:
            for cmd in cmds:
                if cmd.key != "minimal" and cmd.key not in only and cmd.na is None:
                    cmd.na = "not asked for (--only)"
        return cmds

    by_size = {n: data_commands(n, paths[n]) for n in sizes}
    (OUT / "site").mkdir(parents=True, exist_ok=True)  # `retracker site -o` writes a folder in it

    # Bytecode for every module any command imports, before anything is measured: every
    # command runs once on a log of 100 events (generated if need be).
    log("priming the bytecode cache ...")
    small = paths[100] if 100 in paths else prepare_data(100, seed, False)[0]
    for cmd in [*startup, *data_commands(100, small)]:
        if cmd.na is None:
            run_once(cmd, env, args.timeout)
    shutil.rmtree(OUT / "cache", ignore_errors=True)
    run_group("start-up", startup, args, env, time_tool)
    for n, cmds in by_size.items():
        run_group(f"{n:,}", cmds, args, env, time_tool)

    if tmp_schema is not None:
        tmp_schema.unlink(missing_ok=True)

    ratios: list[dict[str, Any]] = []
    s_find = {c.key: c for c in startup}
    for num, den, target, at in STARTUP_RATIOS:
        name = f"{s_find[num].short} / {s_find[den].short}"
        ratio = paired_ratio(s_find[num], s_find[den])
        ratios.append({"name": name, "size": None, "target": target, "at": at, "ratio": ratio})
    for num, den, target, at in SIZE_RATIOS:
        for n, cmds in by_size.items():
            find = {c.key: c for c in cmds}
            name = f"{find[num].short} / {find[den].short}"
            ratio = paired_ratio(find[num], find[den])
            ratios.append({"name": name, "size": n, "target": target, "at": at, "ratio": ratio})

    elapsed = time.perf_counter() - started
    info["loadavg_end"] = os.getloadavg() if hasattr(os, "getloadavg") else None
    text = report(info, args, data, startup, by_size, ratios)
    text += f"\n\nTotal {elapsed / 60:.1f} min; results in {args.json}"
    print(text)

    results = {
        "generated_at": info["started"],
        "command": " ".join(["python", *sys.argv]),
        "elapsed_s": round(elapsed, 1),
        "machine": info,
        "settings": {
            "sizes": sizes,
            "runs": args.runs,
            "warmup": 1,
            "budget_s": args.budget,
            "seed": seed,
            "columns": int(COLUMNS),
            "peers_big": args.peers_big,
            "schema": schema_note,
            "pycache_prefix": env["PYTHONPYCACHEPREFIX"],
            "xdg_cache_home": env["XDG_CACHE_HOME"],
        },
        "data": {str(n): meta for n, meta in data.items()},
        "startup": [c.to_json() for c in startup],
        "sizes": {str(n): [c.to_json() for c in cmds] for n, cmds in by_size.items()},
        "ratios": ratios,
        "table": text,
    }
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1, ensure_ascii=False) + "\n", encoding="utf-8")
    failed = [c for c in [*startup, *[c for cmds in by_size.values() for c in cmds]] if c.failed]
    return 1 if failed else 0


if __name__ == "__main__":
    sys.exit(main())
