"""Prints the performance suite's table from the parts scripts/bench.sh wrote,
and checks that msgsim and the SimPy model agree on the report counts.

Usage: python3 bench/report.py DIR "machine description"
Exit code 1 if the two models disagree beyond sampling error.
"""

import json
import math
import sys
from pathlib import Path


def load(d, name):
    return json.loads((d / name).read_text())


def agree(native, simpy):
    """Count-by-count comparison. Counts of rare events (losses, copies,
    retries, redeliveries) are Poisson-like: they may differ by about their
    square root; 5 standard deviations (plus 3 for tiny counts) is the bound.
    The exactly-once outcome must match exactly; mean latencies must agree
    within 5 standard errors."""
    r = native["report"]
    problems = []
    for field in ["produced", "expected", "effects_applied", "duplicate_effects", "never_applied"]:
        if r[field] != simpy[field]:
            problems.append(f"{field}: msgsim {r[field]}, SimPy {simpy[field]} (must be equal)")
    for field in ["sent", "lost_in_transit", "duplicated_in_transit", "delivered", "dedup_hits", "retries", "redeliveries"]:
        a, b = r[field], simpy[field]
        bound = 5 * math.sqrt(max(a, b, 1)) + 3
        if abs(a - b) > bound:
            problems.append(f"{field}: msgsim {a}, SimPy {b} (more than {bound:.0f} apart)")
    # Two independent means of n latencies: their difference has standard
    # error sd·√(2/n); allow 5 of those, and never less than 1%.
    la, lb = r["latency"]["mean"], simpy["latency_mean_ms"]
    n = max(1, simpy["effects_applied"])
    bound = max(5 * simpy["latency_sd_ms"] * math.sqrt(2 / n), 0.01 * lb)
    if abs(la - lb) > bound:
        problems.append(f"mean latency: msgsim {la} ms, SimPy {lb:.3f} ms (more than {bound:.3f} ms apart)")
    return problems


# The log benchmark's counts in two kinds. Those set by the producers and
# the links are Poisson-like: one run of each, as above. Those set by the
# consumers' stalls and crashes (a lost fetch or reply stops a partition for
# the request timeout; a member's crash rewinds its whole group to the
# committed offsets) vary far more from seed to seed: the SimPy run is
# compared with the spread of msgsim's runs over several seeds.
LOG_EXACT = ["produced", "expected", "failovers"]
LOG_POISSON = ["sent", "retries", "timeouts", "lost_in_transit", "duplicated_in_transit", "appended",
               "acknowledged_lost", "never_applied", "skipped"]
LOG_SPREAD = ["delivered", "effects_applied", "duplicate_effects", "commits", "rebalances", "crashes",
              "discarded", "control_lost", "ordering_violations"]


def agree_log(natives, simpy):
    """The log benchmark: `natives` are msgsim's runs over several seeds
    (the first is the timed one). Exact and Poisson-like counts as in
    `agree`; every other count, and the mean latency, must lie within 5
    standard deviations of msgsim's mean over its seeds, the deviation
    measured over those seeds (and never taken below a Poisson count's
    square root), widened for the SimPy run's own spread: 5·s·√(1 + 1/n) + 3."""
    reports = [n["report"] for n in natives]
    r = reports[0]
    problems = []
    for field in LOG_EXACT:
        if r[field] != simpy[field]:
            problems.append(f"{field}: msgsim {r[field]}, SimPy {simpy[field]} (must be equal)")
    for field in LOG_POISSON:
        a, b = r[field], simpy[field]
        bound = 5 * math.sqrt(max(a, b, 1)) + 3
        if abs(a - b) > bound:
            problems.append(f"{field}: msgsim {a}, SimPy {b} (more than {bound:.0f} apart)")
    n = len(reports)
    for field, get, floor in [(f, lambda x, f=f: x[f], True) for f in LOG_SPREAD] + [
            ("mean latency", lambda x: x["latency"]["mean"], False)]:
        values = [get(x) for x in reports]
        mean = sum(values) / n
        sd = math.sqrt(sum((v - mean) ** 2 for v in values) / max(n - 1, 1))
        if floor:
            sd = max(sd, math.sqrt(max(mean, 1)))
        bound = 5 * sd * math.sqrt(1 + 1 / n) + 3
        b = simpy["latency_mean_ms"] if field == "mean latency" else simpy[field]
        if abs(b - mean) > bound:
            problems.append(f"{field}: msgsim {mean:,.1f} (mean of {n} seeds, {min(values):,}–{max(values):,}), "
                            f"SimPy {b:,.1f} (more than {bound:,.1f} apart)")
    return problems


def main():
    d = Path(sys.argv[1])
    machine = sys.argv[2] if len(sys.argv) > 2 else "unknown machine"
    native, simpy, browser = load(d, "native.json"), load(d, "simpy.json"), load(d, "browser.json")
    lossy = load(d, "lossy.json")
    sw = load(d, "sweep.json")
    sweep_speedup = sw["one_thread_s"] / max(sw["all_threads_s"], 1e-9)
    fan, simpy_fan = load(d, "fanout.json"), load(d, "simpy-fanout.json")
    f_eps = fan["events_per_second"]
    fan_ratio = fan["messages_per_second"] / simpy_fan["messages_per_second"]
    l_eps = lossy["events_per_second"]
    log = load(d, "log.json")
    g_eps = log["events_per_second"]
    saga = load(d, "saga.json")
    s_eps = saga["events_per_second"]
    s_rep = saga["report"]["sagas"]
    log_seeds = [log] + [load(d, f"log-seed{k}.json") for k in range(2, 9) if (d / f"log-seed{k}.json").exists()]
    simpy_log = load(d, "simpy-log.json")
    log_ratio = log["messages_per_second"] / simpy_log["messages_per_second"]
    size_total = next(line for line in (d / "size.txt").read_text().splitlines() if line.startswith("total"))
    gzip_bytes = int(size_total.split()[-3])

    msgs = native["messages"]
    n_eps = native["events_per_second"]
    simpy_mps = simpy["messages_per_second"]
    ratio = native["messages_per_second"] / simpy_mps
    b = browser["engine"]
    bs = browser["sweep"]
    b_eps = b["events_per_second"]
    bl = browser["engine_log"]
    bl_eps = bl["events_per_second"]
    full = not browser.get("smoke")
    start, resp, seek = browser["start"], browser["responsiveness"], browser["seek"]
    # (measure, result, target, met): `met` is None where there is no target
    # or the sizes are too small to judge it (smoke mode).
    rows = [
        ("native engine, standard scenario", f"{n_eps / 1e6:.2f} M events/s; {native['messages_per_second'] / 1e6:.2f} M messages/s; {msgs:,} messages in {native['seconds']:.3f} s (first run {native.get('first_seconds', native['seconds']):.3f} s)", "≥ 10 M events/s", n_eps >= 10e6),
        ("native engine, lossy scenario (5M messages, 1% loss, 1 h ack timeout)", f"{l_eps / 1e6:.2f} M events/s; {lossy['messages']:,} messages in {lossy['seconds']:.3f} s; peak RSS {lossy['peak_rss_bytes'] / 1e6:.0f} MB", "≥ 10 M events/s", l_eps >= 10e6),
        ("native engine, fan-out scenario (1 producer → fanout exchange → 4 queues and groups)", f"{f_eps / 1e6:.2f} M events/s; {fan['messages']:,} messages ({fan['report']['expected']:,} expected effects) in {fan['seconds']:.3f} s; peak RSS {fan['peak_rss_bytes'] / 1e6:.0f} MB", "", None),
        ("native engine, log-broker scenario (1M records, 12 partitions × 2 copies, 2 groups, faults on)", f"{g_eps / 1e6:.2f} M events/s; {log['messages']:,} records in {log['seconds']:.3f} s; peak RSS {log['peak_rss_bytes'] / 1e6:.0f} MB", "≥ 10 M events/s", g_eps >= 10e6),
        ("native engine, saga scenario (200,000 orders × 3 steps, 8 orchestrators, 1% loss and duplication)", f"{s_eps / 1e6:.2f} M events/s; {saga['messages']:,} orders in {saga['seconds']:.3f} s ({s_rep['completed']:,} completed, {s_rep['compensated']:,} compensated, {s_rep['half_done']} half done)", "≥ 5 M events/s", s_eps >= 5e6 and s_rep["half_done"] == 0),
        ("SimPy model, log-broker scenario", f"{simpy_log['messages_per_second']:,.0f} records/s; {simpy_log['seconds']:.2f} s; msgsim ÷ SimPy {log_ratio:.1f}×", "", None),
        ("SimPy model, fan-out scenario", f"{simpy_fan['messages_per_second']:,.0f} messages/s; {simpy_fan['seconds']:.2f} s; msgsim ÷ SimPy {fan_ratio:.1f}×", "", None),
        ("memory per pending event", f"{native['bytes_per_pending_event']} bytes (at most {native['max_pending_events']} pending)", "≤ 64 bytes", native["bytes_per_pending_event"] <= 64),
        ("peak memory (RSS)", f"{native['peak_rss_bytes'] / 1e6:.0f} MB", "", None),
        ("SimPy model, same scenario", f"{simpy_mps:,.0f} messages/s; {simpy['seconds']:.2f} s", "", None),
        ("msgsim ÷ SimPy (messages/s)", f"{ratio:.1f}×", "≥ 50×", ratio >= 50),
        (f"command-line sweep of a 10,000-message scenario ({'20 loss probabilities × 20 seeds' if full else 'smoke'})",
         f"{sw['runs']} runs: {sw['one_thread_s']:.2f} s on 1 thread, {sw['all_threads_s']:.2f} s on {sw['threads']}: {sweep_speedup:.2f}× faster",
         "≥ 1.8× on 2 cores", sweep_speedup >= 1.8 if sw["threads"] >= 2 else None),
        (f"sweep in the browser, same sweep ({'20 × 20' if full else 'smoke'})",
         f"{bs['runs']} runs: {bs['one_worker_s']:.2f} s on 1 worker, {bs['all_workers_s']:.2f} s on {bs['workers']}: {bs['speedup']:.2f}× faster; longest main-thread task {bs['longest_task_ms']} ms",
         "≥ 1.6× on 2 cores; no task > 50 ms", bs["speedup"] >= 1.6 and bs["longest_task_ms"] <= 50 if full else None),
        ("in the browser (release build)", f"{b_eps / 1e6:.2f} M events/s; {b['messages']:,} messages in {b['seconds']:.3f} s", "≤ 1 s for 1,000,000", b["seconds"] <= 1.0),
        ("browser ÷ native", f"{b_eps / n_eps:.2f}×", "≥ 0.66×", b_eps / n_eps >= 0.66),
        ("log-broker scenario in the browser (release build)", f"{bl_eps / 1e6:.2f} M events/s; {bl['messages']:,} records in {bl['seconds']:.3f} s; browser ÷ native {bl_eps / g_eps:.2f}×",
         "≥ 0.66× of 10 M events/s", bl_eps >= 6.6e6),
        ("download (wasm + js + css, gzip -9)", f"{gzip_bytes / 1000:.1f} KB", "≤ 400 KB", gzip_bytes <= 400_000),
        ("first contentful paint (local server)", f"{start['first_contentful_paint_ms']} ms", "≤ 300 ms", start["first_contentful_paint_ms"] <= 300),
        ("app ready: first render done, controls usable", f"{start['app_ready_ms']} ms", "", None),
    ]
    for n, a in browser["animation"].items():
        target = n == "10000"
        rows.append((f"animation, {a['in_flight']:,} in flight", f"{a['fps_median']} fps median, p95 frame {a['p95_ms']} ms",
                     "≥ 55 fps, p95 ≤ 20 ms" if target else "", a["fps_median"] >= 55 and a["p95_ms"] <= 20 if target else None))
    rows.append((f"seek in a {seek['events']:,}-event run", f"median {seek['median_ms']} ms, p95 {seek['p95_ms']} ms", "≤ 100 ms", seek["p95_ms"] <= 100))
    for k, v in resp.items():
        if k.startswith("pause_click_ms_with_"):
            rows.append((f"pause click → button updated, {k.rsplit('_', 1)[1]} dots", f"{v} ms", "within a frame (17 ms)", v <= 17))
    blocked = (f"longest main-thread task {resp['longest_task_ms']} ms ({resp['long_tasks_over_50ms']} over 50 ms)"
               if resp["long_tasks_over_50ms"] else "no main-thread task over 50 ms")
    rows.append(("long run computed in the page", f"{resp['long_run_compute_ms']} ms; {blocked}", "never > 50 ms", resp["long_tasks_over_50ms"] == 0))
    if "editor_open_longest_task_ms" in resp:
        e = resp["editor_open_longest_task_ms"]
        rows.append(("opening the scenario editor (its first use loads the on-demand module)",
                     f"longest main-thread task {e} ms" if e else "no main-thread task over 50 ms", "never > 50 ms", e <= 50))

    print(f"\nPerformance suite{'' if full else ' (smoke sizes: figures not comparable with the targets)'} — {machine}\n")
    print("| measure | result | target | met |")
    print("|---|---|---|---|")
    for m, r, t, ok in rows:
        mark = "" if ok is None or not full else ("yes" if ok else "**no**")
        print(f"| {m} | {r} | {t} | {mark} |")
    problems = (agree(native, simpy) + [f"fan-out: {p}" for p in agree(fan, simpy_fan)]
                + [f"log: {p}" for p in agree_log(log_seeds, simpy_log)])
    print()
    if problems:
        print("msgsim and SimPy DISAGREE:\n  " + "\n  ".join(problems))
        sys.exit(1)
    print(f"msgsim and SimPy agree on every report count within sampling error "
          f"(sent {native['report']['sent']:,} vs {simpy['sent']:,}, lost {native['report']['lost_in_transit']:,} vs {simpy['lost_in_transit']:,}, "
          f"retries {native['report']['retries']:,} vs {simpy['retries']:,}, mean latency {native['report']['latency']['mean']} vs {simpy['latency_mean_ms']:.3f} ms; "
          f"fan-out: delivered {fan['report']['delivered']:,} vs {simpy_fan['delivered']:,}, effects {fan['report']['effects_applied']:,} vs {simpy_fan['effects_applied']:,}; "
          f"log: appended {log['report']['appended']:,} vs {simpy_log['appended']:,}, acknowledged and lost {log['report']['acknowledged_lost']} vs {simpy_log['acknowledged_lost']}, "
          f"commits {log['report']['commits']:,} vs {simpy_log['commits']:,}, duplicate effects {log['report']['duplicate_effects']:,} vs {simpy_log['duplicate_effects']:,}).")


if __name__ == "__main__":
    main()
