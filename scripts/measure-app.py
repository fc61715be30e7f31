#!/usr/bin/env python3
"""Cold start and memory of the desktop app, as issue 7 defines them; A/B of builds in one run.

For each run: start the release app on a copy of DB under Xvfb (the caller provides DISPLAY,
e.g. `xvfb-run -a scripts/measure-app.py ...`), wait until the window reports that the first
scorecard is painted (STYRKORT_STARTUP_REPORT), take start-to-paint time, wait SETTLE seconds,
sum PSS (/proc/PID/smaps_rollup) over the app and every process below it (the WebKit web and
network processes), then stop it. Prints median, min and max of both, and of each process.

With several builds (`--app LABEL=BINARY`, repeated) the runs alternate between them, each round
in a rotated order, so a busy machine's load falls on all of them alike; the load average is
printed before and after. `--env LABEL:NAME=VALUE` sets a variable for one build only (e.g. to try
a WebKit setting against the same binary).

Usage: scripts/measure-app.py APP_BINARY DB [--runs N] [--settle S]
       scripts/measure-app.py DB --app before=OLD --app after=NEW [--runs N] [--env after:K=V]
"""
import argparse
import os
import shutil
import signal
import statistics
import subprocess
import tempfile
import time


def children(pid):
    out = []
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                fields = f.read().rsplit(")", 1)[1].split()
            if int(fields[1]) == pid:
                out.append(int(entry))
        except OSError:
            continue
    return out


def tree(pid):
    all_pids, todo = [], [pid]
    while todo:
        p = todo.pop()
        all_pids.append(p)
        todo.extend(children(p))
    return all_pids


def pss_kib(pid):
    try:
        with open(f"/proc/{pid}/smaps_rollup") as f:
            for line in f:
                if line.startswith("Pss:"):
                    return int(line.split()[1])
    except OSError:
        pass
    return 0


def name(pid):
    try:
        with open(f"/proc/{pid}/comm") as f:
            return f.read().strip()
    except OSError:
        return "?"


def load():
    with open("/proc/loadavg") as f:
        return " ".join(f.read().split()[:3])


def one_run(app, db, settle, work, extra_env):
    copy = os.path.join(work, "app.db")
    shutil.copyfile(db, copy)
    report = os.path.join(work, "painted.txt")
    if os.path.exists(report):
        os.remove(report)
    env = dict(os.environ, STYRKORT_STARTUP_REPORT=report, XDG_DATA_HOME=os.path.join(work, "data"),
               XDG_CONFIG_HOME=os.path.join(work, "config"), XDG_CACHE_HOME=os.path.join(work, "cache"))
    env.update(extra_env)
    start = time.time()
    proc = subprocess.Popen([app, "--db", copy], env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                            start_new_session=True)
    try:
        deadline = start + 60
        while not (os.path.exists(report) and os.path.getsize(report) > 0):
            if time.time() > deadline or proc.poll() is not None:
                raise SystemExit("the app did not report a painted scorecard")
            time.sleep(0.005)
        fields = open(report).read().split()
        painted_ms = int(fields[0])
        startup = painted_ms - start * 1000
        phases = f"run() {fields[2]} ms, page {fields[3]} ms, database open {fields[4]} ms" if len(fields) >= 5 else ""
        time.sleep(settle)
        pids = tree(proc.pid)
        parts = {}
        for p in pids:
            parts[name(p)] = parts.get(name(p), 0) + pss_kib(p) / 1024
        total_mib = sum(parts.values())
        detail = ", ".join(f"{n} {mib:.0f}" for n, mib in sorted(parts.items(), key=lambda x: -x[1]) if mib)
        return startup, total_mib, parts, f"{detail}; {phases}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def spread(values, unit):
    return f"median {statistics.median(values):.0f} {unit} (min {min(values):.0f}, max {max(values):.0f})"


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("paths", nargs="+", help="APP_BINARY DB, or DB with --app")
    ap.add_argument("--app", action="append", default=[], help="LABEL=BINARY; repeat to alternate builds")
    ap.add_argument("--env", action="append", default=[], help="LABEL:NAME=VALUE, for that build only")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--settle", type=float, default=3.0)
    args = ap.parse_args()
    if args.app:
        if len(args.paths) != 1:
            ap.error("with --app, give only the database")
        apps = [tuple(a.split("=", 1)) for a in args.app]
    else:
        if len(args.paths) != 2:
            ap.error("give APP_BINARY DB")
        apps = [("app", args.paths[0])]
    db = args.paths[-1]
    envs = {label: {} for label, _ in apps}
    for e in args.env:
        label, kv = e.split(":", 1)
        k, v = kv.split("=", 1)
        envs[label][k] = v
    results = {label: ([], [], []) for label, _ in apps}
    print(f"load average before: {load()}")
    with tempfile.TemporaryDirectory() as work:
        for label, app in apps:
            one_run(app, db, 0.5, work, envs[label])  # warm the page cache once, as a second start would
        for i in range(args.runs):
            order = apps[i % len(apps):] + apps[:i % len(apps)]
            for label, app in order:
                s, m, parts, detail = one_run(app, db, args.settle, work, envs[label])
                results[label][0].append(s)
                results[label][1].append(m)
                results[label][2].append(parts)
                print(f"run {i + 1} {label}: start to painted scorecard {s:.0f} ms; PSS {m:.0f} MiB ({detail})", flush=True)
    print(f"load average after: {load()}")
    for label, _ in apps:
        starts, mems, parts = results[label]
        names = sorted({n for p in parts for n in p}, key=lambda n: -statistics.median([p.get(n, 0) for p in parts]))
        per = ", ".join(f"{n} {statistics.median([p.get(n, 0) for p in parts]):.0f}" for n in names)
        print(f"{label}: cold start {spread(starts, 'ms')} over {args.runs} runs; "
              f"memory (PSS, app + WebKit processes) {spread(mems, 'MiB')}: {per}")


if __name__ == "__main__":
    main()
