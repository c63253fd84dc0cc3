"""msgsim and the SimPy model of the log benchmark over many seeds: the mean
and standard deviation of every count for each, side by side.

One run of each (what the performance suite compares) can only show that a
count lies within the other's spread; many seeds show whether the two agree
in the mean. Each count's difference is given in standard errors of the
difference of the two means.

Usage: python3 bench/log_seeds.py MSGSIM_BINARY [SCENARIO] [--scale S] [--seeds N] [--crash-at MS]
(run from the repository root, with the SimPy venv's python). At a tenth
of its size the benchmark's broker crash (at 20 s) comes after the last
record: `--crash-at 2000` moves it into the busy part.
"""

import argparse
import json
import math
import subprocess
import sys
import tempfile
from concurrent.futures import ThreadPoolExecutor
from pathlib import Path

COUNTS = ["sent", "retries", "lost_in_transit", "duplicated_in_transit", "appended", "delivered",
          "effects_applied", "duplicate_effects", "commits", "rebalances", "crashes", "discarded",
          "control_lost", "acknowledged_lost", "never_applied", "ordering_violations", "latency"]


def native(binary, scenario, scale, seed):
    out = subprocess.run([binary, "bench", scenario, "--scale", str(scale), "--seed", str(seed), "--repeat", "1", "--json"],
                         check=True, capture_output=True, text=True).stdout
    r = json.loads(out)["report"]
    return {**{k: r[k] for k in COUNTS if k != "latency"}, "latency": r["latency"]["mean"]}


def simpy(scenario, scale, seed):
    model = Path(__file__).with_name("simpy_log_model.py")
    out = subprocess.run([sys.executable, str(model), scenario, "--scale", str(scale), "--seed", str(seed)],
                         check=True, capture_output=True, text=True).stdout
    r = json.loads(out)
    return {**{k: r[k] for k in COUNTS if k != "latency"}, "latency": r["latency_mean_ms"]}


def stats(values):
    n = len(values)
    mean = sum(values) / n
    sd = math.sqrt(sum((v - mean) ** 2 for v in values) / max(n - 1, 1))
    return mean, sd


def main():
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("binary")
    ap.add_argument("scenario", nargs="?", default="bench/log.json")
    ap.add_argument("--scale", type=float, default=0.1)
    ap.add_argument("--seeds", type=int, default=16)
    ap.add_argument("--crash-at", type=float, help="move the scenario's broker crashes to this time (ms)")
    args = ap.parse_args()
    if args.crash_at is not None:
        scenario = json.loads(Path(args.scenario).read_text())
        for c in scenario.get("crashes", []):
            c["at_ms"] = args.crash_at
        moved = tempfile.NamedTemporaryFile("w", suffix=".json", delete=False)
        json.dump(scenario, moved)
        moved.close()
        args.scenario = moved.name
    seeds = range(1, args.seeds + 1)
    a = [native(args.binary, args.scenario, args.scale, s) for s in seeds]
    with ThreadPoolExecutor() as pool:
        b = list(pool.map(lambda s: simpy(args.scenario, args.scale, s), seeds))
    moved = f", broker crash at {args.crash_at:g} ms" if args.crash_at is not None else ""
    print(f"log benchmark at scale {args.scale}{moved}, {args.seeds} seeds each\n")
    print("| count | msgsim mean ± sd | SimPy mean ± sd | difference (standard errors) |")
    print("|---|---|---|---|")
    for k in COUNTS:
        (ma, sa), (mb, sb) = stats([x[k] for x in a]), stats([x[k] for x in b])
        se = math.sqrt((sa * sa + sb * sb) / args.seeds)
        z = (mb - ma) / se if se > 0 else 0.0
        print(f"| {k} | {ma:,.1f} ± {sa:,.1f} | {mb:,.1f} ± {sb:,.1f} | {z:+.1f} |")


if __name__ == "__main__":
    main()
