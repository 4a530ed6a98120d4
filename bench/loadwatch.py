#!/usr/bin/env python3
"""Samples the machine every 5 s while bench/run.sh runs: the load average, and every process
outside run.sh's own process tree that used more than 10% of a core since the last sample
(other people's builds, tests, fuzzers). One line per sample:

    <unix time> <load average> [<command>:<percent of a core> ...]

Usage: python3 bench/loadwatch.py ROOT_PID OUT_FILE   (runs until killed)
"""
import os
import sys
import time

ROOT, OUT = int(sys.argv[1]), sys.argv[2]
TICKS = os.sysconf("SC_CLK_TCK")
INTERVAL = 5


def processes():
    """pid -> (ppid, name, utime + stime in ticks)."""
    found = {}
    for entry in os.listdir("/proc"):
        if not entry.isdigit():
            continue
        try:
            with open(f"/proc/{entry}/stat") as f:
                stat = f.read()
        except OSError:
            continue
        # The name is in parentheses and may hold spaces; the fields after it are plain.
        name = stat[stat.index("(") + 1:stat.rindex(")")]
        fields = stat[stat.rindex(")") + 2:].split()
        found[int(entry)] = (int(fields[1]), name, int(fields[11]) + int(fields[12]))
    return found


def ours(procs):
    """ROOT and its descendants."""
    children = {}
    for pid, (ppid, _, _) in procs.items():
        children.setdefault(ppid, []).append(pid)
    tree, stack = set(), [ROOT]
    while stack:
        pid = stack.pop()
        tree.add(pid)
        stack.extend(children.get(pid, []))
    return tree


before = processes()
while True:
    time.sleep(INTERVAL)
    now = processes()
    mine = ours(now)
    busy = []
    for pid, (_, name, ticks) in now.items():
        if pid in mine:
            continue
        # A process that started since the last sample used all its ticks in between.
        share = (ticks - (before[pid][2] if pid in before else 0)) / TICKS / INTERVAL * 100
        if share > 10:
            busy.append(f"{name.replace(' ', '_')}:{share:.0f}")
    with open("/proc/loadavg") as f:
        load = f.read().split()[0]
    with open(OUT, "a") as f:
        f.write(" ".join([str(int(time.time())), load, *busy]) + "\n")
    before = now
