#!/usr/bin/env python3
"""Cold start and memory of the desktop app, as issue 7 defines them.

For each run: start the release app on a copy of DB under Xvfb (the caller provides DISPLAY,
e.g. `xvfb-run -a scripts/measure-app.py ...`), wait until the window reports that the first
scorecard is painted (STYRKORT_STARTUP_REPORT), take start-to-paint time, wait SETTLE seconds,
sum PSS (/proc/PID/smaps_rollup) over the app and every process below it (the WebKit web and
network processes), then stop it. Prints median, min and max of both.

Usage: scripts/measure-app.py APP_BINARY DB [--runs N] [--settle S]
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


def one_run(app, db, settle, work):
    copy = os.path.join(work, "app.db")
    shutil.copyfile(db, copy)
    report = os.path.join(work, "painted.txt")
    if os.path.exists(report):
        os.remove(report)
    env = dict(os.environ, STYRKORT_STARTUP_REPORT=report, XDG_DATA_HOME=os.path.join(work, "data"),
               XDG_CONFIG_HOME=os.path.join(work, "config"), XDG_CACHE_HOME=os.path.join(work, "cache"))
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
        parts = {p: pss_kib(p) for p in pids}
        total_mib = sum(parts.values()) / 1024
        detail = ", ".join(f"{name(p)} {kib / 1024:.0f}" for p, kib in sorted(parts.items(), key=lambda x: -x[1]) if kib)
        return startup, total_mib, f"{detail}; {phases}"
    finally:
        os.killpg(proc.pid, signal.SIGTERM)
        proc.wait(timeout=10)


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("app")
    ap.add_argument("db")
    ap.add_argument("--runs", type=int, default=5)
    ap.add_argument("--settle", type=float, default=3.0)
    args = ap.parse_args()
    starts, mems = [], []
    with tempfile.TemporaryDirectory() as work:
        one_run(args.app, args.db, 0.5, work)  # warm the page cache once, as a second start would
        for i in range(args.runs):
            s, m, detail = one_run(args.app, args.db, args.settle, work)
            starts.append(s)
            mems.append(m)
            print(f"run {i + 1}: start to painted scorecard {s:.0f} ms; PSS {m:.0f} MiB ({detail})")
    print(f"cold start: median {statistics.median(starts):.0f} ms (min {min(starts):.0f}, max {max(starts):.0f}) over {args.runs} runs")
    print(f"memory (PSS, app + WebKit processes): median {statistics.median(mems):.0f} MiB (min {min(mems):.0f}, max {max(mems):.0f})")


if __name__ == "__main__":
    main()
