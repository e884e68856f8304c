"""The curator's loop, timed: edit one file, query; add one, query; delete it, query; lint.

    python bench/curator.py                    # 10,000 events, 5 rounds
    python bench/curator.py --sizes 10k,100k   # adds the 100,000-event log (about 15 minutes)
    python bench/curator.py --lint-only        # only lint against the bare parse

For each log size it copies the generated log (bench/gen_events.py, the same logs as
bench/run.py) to a scratch folder and, with an empty index cache:

- times the first query (``retracker show --element Sb``, which builds the index) and takes
  its peak RSS (GNU time);
- then, round by round: a warm query (nothing changed), the query after editing one event
  file (its title), the query after adding one event file, the query after deleting it.
  Each of the three is divided by the warm query of the same round (paired ratios);
- times ``retracker lint`` and the bare C-loader parse (bench/bare_parse.py) round-robin on
  a copy of the log whose files carry lint warnings (``gen_events.py --warnings``: about
  1.5 per file, mostly RT307, as in a curated log), and on the clean log for reference.

It prints the tables that bench/README.md shows and writes bench/out/curator.json. Targets
(issue 11 items 1 and 2): each edit ratio <= 2.0; first build at 100,000 events < 500 MiB;
lint on files with warnings <= 1.25x the bare parse.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import os
import random
import re
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE))

from run import (  # noqa: E402  (bench/ is not a package)
    OUT,
    Cmd,
    git_head,
    gnu_time,
    kib_to_mib,
    last_line,
    log,
    parse_sizes,
    prepare_data,
    render_table,
    run_once,
    summary,
)

TARGET_EDIT = 2.0
TARGET_LINT = 1.25
TARGET_BUILD_MIB = 500


def copy_log(src: Path, dest: Path) -> Path:
    shutil.rmtree(dest, ignore_errors=True)
    shutil.copytree(src, dest, ignore=shutil.ignore_patterns("all.json", "meta.json"))
    return dest


def warnings_log(n: int, seed: int) -> Path:
    """The generated log of ``n`` events with lint warnings, cached like run.py's logs."""
    import hashlib

    source = (HERE / "gen_events.py").read_bytes()
    key = hashlib.sha256(source + f"|{n}|{seed}|warnings".encode()).hexdigest()[:12]
    target = OUT / "data" / f"n{n}w-{key}"
    if (target / "dataset.yaml").is_file():
        return target
    for stale in (OUT / "data").glob(f"n{n}w-*"):
        shutil.rmtree(stale, ignore_errors=True)
    tmp = OUT / "data" / f".tmp-n{n}w-{key}"
    shutil.rmtree(tmp, ignore_errors=True)
    log(f"generating {n:,} events with warnings into {target} ...")
    subprocess.run(
        [sys.executable, str(HERE / "gen_events.py"), str(n), str(tmp), str(seed), "--warnings"],
        capture_output=True,
        check=True,
    )
    os.rename(tmp, target)
    return target


class Mutator:
    """Edits, adds and deletes one event file at a time, each a fresh change."""

    def __init__(self, root: Path, seed: int) -> None:
        self.root = root
        self.files = sorted((root / "events").glob("*/*.yaml"))
        self.rng = random.Random(seed)
        self.added: Path | None = None

    def edit(self, k: int) -> str:
        path = self.rng.choice(self.files)
        text = path.read_text(encoding="utf-8")
        path.write_text(re.sub(r"^title: (.*)$", rf"title: \1 (edit {k})", text, count=1, flags=re.M))
        return path.name

    def add(self, k: int) -> str:
        source = self.rng.choice(self.files)
        text = source.read_text(encoding="utf-8")
        old_id = re.search(r"^id: (\S+)$", text, flags=re.M).group(1)  # type: ignore[union-attr]
        new_id = f"{old_id}-added-{k}"
        self.added = source.with_name(f"{new_id}.yaml")
        text = re.sub(r"^id: \S+$", f"id: {new_id}", text, count=1, flags=re.M)
        text = re.sub(r"^instrument_key: .*$", "instrument_key: null", text, count=1, flags=re.M)
        self.added.write_text(text, encoding="utf-8")
        return self.added.name

    def delete(self, k: int) -> str:
        assert self.added is not None
        self.added.unlink()
        name, self.added = self.added.name, None
        return name


def curator_loop(
    n: int, root: Path, args: argparse.Namespace, env: dict[str, str], time_tool: str | None
) -> dict[str, Any]:
    scratch = copy_log(root, OUT / "curator" / f"n{n}")
    cache = OUT / "curator" / f"cache-n{n}"
    shutil.rmtree(cache, ignore_errors=True)
    env = {**env, "XDG_CACHE_HOME": str(cache)}
    r = str(Path(sys.executable).parent / "retracker")
    query = Cmd(
        "show", "retracker show --element Sb", "show", [r, "--data", str(scratch), "show", "--element", "Sb"]
    )
    nocache = Cmd(
        "nocache", "--no-cache", "no-cache", [r, "--data", str(scratch), "--no-cache", "show", "-e", "Sb"]
    )

    wall, code, peak, err = run_once(query, env, args.timeout, time_tool)
    if code != 0:
        raise SystemExit(f"first query failed: {last_line(err)}")
    build = {"wall_s": wall, "peak_rss_mib": kib_to_mib(peak)}
    log(f"[{n:,}] first query (builds the index): {wall:.2f} s, {kib_to_mib(peak):.0f} MiB")
    run_once(query, env, args.timeout)  # settle: the first warm run after a build
    mutate = Mutator(scratch, args.seed)
    times: dict[str, list[float]] = {"warm": [], "edit": [], "add": [], "delete": [], "no-cache": []}
    for k in range(args.runs):
        for key, change in (
            ("warm", None),
            ("edit", mutate.edit),
            ("add", mutate.add),
            ("delete", mutate.delete),
        ):
            if change is not None:
                change(k)
            wall, code, _, err = run_once(query, env, args.timeout)
            if code != 0:
                raise SystemExit(f"{key} query failed in round {k + 1}: {last_line(err)}")
            times[key].append(wall)
        if k < args.nocache_runs:
            wall, code, _, err = run_once(nocache, env, args.timeout)
            times["no-cache"].append(wall)
        log(f"[{n:,}] round {k + 1}: " + ", ".join(f"{key} {v[-1]:.3f}" for key, v in times.items() if v))
    ratios = {}
    for key in ("edit", "add", "delete"):
        pairs = [a / b for a, b in zip(times[key], times["warm"], strict=True)]
        ratios[key] = {"paired": pairs, **(summary(pairs) or {})}
    return {
        "first_query": build,
        "times": {k: {"wall_s": v, **(summary(v) or {})} for k, v in times.items() if v},
        "ratios": ratios,
    }


def lint_speed(
    n: int, clean: Path, args: argparse.Namespace, env: dict[str, str], time_tool: str | None
) -> dict[str, Any]:
    warned = warnings_log(n, args.seed)
    r = str(Path(sys.executable).parent / "retracker")
    bare = [sys.executable, str(HERE / "bare_parse.py")]
    cmds = {
        "lint_w": Cmd(
            "lint_w",
            "retracker lint (warnings)",
            "lint",
            [r, "--data", str(warned), "lint", "--enable", "RT307"],
        ),
        "quiet_w": Cmd(
            "quiet_w",
            "retracker lint --quiet (warnings)",
            "lint -q",
            [r, "--data", str(warned), "lint", "-q", "--enable", "RT307"],
        ),
        "bare_w": Cmd("bare_w", "bare parse (warnings)", "bare", [*bare, str(warned)]),
        "lint": Cmd("lint", "retracker lint (clean)", "lint", [r, "--data", str(clean), "lint"]),
        "bare": Cmd("bare", "bare parse (clean)", "bare", [*bare, str(clean)]),
    }
    out: dict[str, Any] = {}
    for cmd in cmds.values():
        wall, code, peak, err = run_once(cmd, env, args.timeout, time_tool)
        cmd.peak_kib = peak
        cmd.stderr_tail = last_line(err)
        if code not in (0, 1):
            raise SystemExit(f"{cmd.label} failed: {cmd.stderr_tail}")
    for k in range(args.runs):
        for cmd in cmds.values():
            wall, code, _, _ = run_once(cmd, env, args.timeout)
            cmd.times.append(wall)
        log(f"[{n:,}] lint round {k + 1}: " + ", ".join(f"{c.key} {c.times[-1]:.2f}" for c in cmds.values()))
    for key, cmd in cmds.items():
        out[key] = {
            "label": cmd.label,
            "wall_s": cmd.times,
            **(summary(cmd.times) or {}),
            "peak_rss_mib": kib_to_mib(cmd.peak_kib or 0),
            "stderr": cmd.stderr_tail,
        }
    for num, den in (("lint_w", "bare_w"), ("quiet_w", "bare_w"), ("lint", "bare")):
        pairs = [a / b for a, b in zip(cmds[num].times, cmds[den].times, strict=True)]
        out[f"{num}/{den}"] = {"paired": pairs, **(summary(pairs) or {})}
    return out


def cell(s: dict[str, Any]) -> str:
    return f"{s['median']:.3f} ({s['min']:.3f}–{s['max']:.3f})"


def ratio(s: dict[str, Any], bound: float) -> str:
    mark = "ok" if s["median"] <= bound else "MISS"
    return f"{s['median']:.2f} ({s['min']:.2f}–{s['max']:.2f}) {mark}"


def report(results: dict[str, Any]) -> str:
    out = [
        f"retracker curator bench, {results['started']}; HEAD {(results['head'] or '?')[:12]}; "
        f"{results['runs']} rounds; load average {results['loadavg_start']:.2f} at start, "
        f"{results['loadavg_end']:.2f} at end",
        "",
    ]
    rows = []
    for n, res in results["sizes"].items():
        if "loop" not in res:  # --lint-only
            continue
        loop = res["loop"]
        first = loop["first_query"]
        rows.append(
            [
                f"{int(n):,}",
                "first query (builds the index)",
                f"{first['wall_s']:.2f}",
                f"{first['peak_rss_mib']:.0f} MiB",
            ]
        )
        for key in ("warm", "edit", "add", "delete", "no-cache"):
            if key in loop["times"]:
                rows.append(
                    [
                        f"{int(n):,}",
                        f"query after: {key}" if key in ("edit", "add", "delete") else key,
                        cell(loop["times"][key]),
                        "",
                    ]
                )
    if rows:
        out += ["The curator's loop: `retracker show --element Sb`, wall s median (min–max)"]
        out += [render_table(["events", "run", "wall s", "peak"], rows), ""]
    rows = []
    for n, res in results["sizes"].items():
        for key in ("edit", "add", "delete") if "loop" in res else ():
            rows.append(
                [
                    f"{int(n):,}",
                    f"after {key} / warm",
                    f"<= {TARGET_EDIT}",
                    ratio(res["loop"]["ratios"][key], TARGET_EDIT),
                ]
            )
        mib = res["loop"]["first_query"]["peak_rss_mib"] if "loop" in res else None
        if mib is not None and int(n) >= 100_000:
            mark = "ok" if mib < TARGET_BUILD_MIB else "MISS"
            rows.append(
                [f"{int(n):,}", "first build peak RSS", f"< {TARGET_BUILD_MIB} MiB", f"{mib:.0f} MiB {mark}"]
            )
        if "lint" in res:
            lint = res["lint"]
            rows.append(
                [
                    f"{int(n):,}",
                    "lint / bare parse, files with warnings",
                    f"<= {TARGET_LINT}",
                    ratio(lint["lint_w/bare_w"], TARGET_LINT),
                ]
            )
            rows.append(
                [
                    f"{int(n):,}",
                    "lint --quiet / bare parse, warnings",
                    f"<= {TARGET_LINT}",
                    ratio(lint["quiet_w/bare_w"], TARGET_LINT),
                ]
            )
            rows.append(
                [
                    f"{int(n):,}",
                    "lint / bare parse, clean files",
                    f"<= {TARGET_LINT}",
                    ratio(lint["lint/bare"], TARGET_LINT),
                ]
            )
    out += [
        "Ratios, paired round by round: median (min–max)",
        render_table(["events", "ratio", "target", "measured"], rows),
    ]
    for n, res in results["sizes"].items():
        if "lint" in res:
            lint = res["lint"]
            out += ["", f"lint at {int(n):,} events, wall s median (min–max), peak RSS of the first run"]
            rows = [
                [v["label"], cell(v), f"{v['peak_rss_mib']:.0f} MiB", v["stderr"]]
                for k, v in lint.items()
                if "label" in v
            ]
            out.append(render_table(["command", "wall s", "peak", "last stderr line"], rows))
    return "\n".join(out)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--sizes", type=parse_sizes, default=[10_000], help="log sizes (default 10000)")
    parser.add_argument("--runs", type=int, default=5, help="rounds (default 5)")
    parser.add_argument(
        "--nocache-runs", type=int, default=1, help="--no-cache queries, for reference (default 1)"
    )
    parser.add_argument(
        "--lint-max", type=int, default=10_000, help="time lint up to this size (default 10000)"
    )
    parser.add_argument(
        "--lint-only", action="store_true", help="time only lint against the bare parse (item 2)"
    )
    parser.add_argument("--seed", type=int, default=None)
    parser.add_argument("--timeout", type=float, default=3600.0)
    parser.add_argument("--json", type=Path, default=OUT / "curator.json")
    args = parser.parse_args(argv)
    from gen_events import SEED

    args.seed = SEED if args.seed is None else args.seed
    env = {k: v for k, v in os.environ.items() if not k.startswith("RETRACKER_")}
    env.pop("PYTHONDONTWRITEBYTECODE", None)
    env["PYTHONPYCACHEPREFIX"] = str(OUT / "pycache")
    env["COLUMNS"] = "100"
    time_tool = gnu_time()
    results: dict[str, Any] = {
        "started": dt.datetime.now(dt.UTC).strftime("%Y-%m-%d %H:%M UTC"),
        "head": git_head(),
        "runs": args.runs,
        "loadavg_start": os.getloadavg()[0],
        "sizes": {},
    }
    for n in args.sizes:
        root, _ = prepare_data(n, args.seed, False)
        res: dict[str, Any] = {} if args.lint_only else {"loop": curator_loop(n, root, args, env, time_tool)}
        if n <= args.lint_max:
            res["lint"] = lint_speed(n, root, args, env, time_tool)
        results["sizes"][str(n)] = res
    results["loadavg_end"] = os.getloadavg()[0]
    text = report(results)
    results["table"] = text
    print(text)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    args.json.write_text(json.dumps(results, indent=1) + "\n", encoding="utf-8")
    return 0


if __name__ == "__main__":
    sys.exit(main())
