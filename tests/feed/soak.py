#!/usr/bin/python3
"""Soak: a fake venue streams quotes at 10,000 messages a second for a bounded time while
paper run --feed trades on them (a decision every second, taking profit and stopping out).
Memory must stay flat (RSS sampled every half second), every quote must be in the ledger or
counted as dropped, and nothing may crash.

    soak.py PAPER [SECONDS] [RATE]
"""

import os
import sys
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import Fake  # noqa: E402
import check_run  # noqa: E402
from check_feed import check  # noqa: E402


def rss_kib(pid):
    with open("/proc/%d/status" % pid, encoding="ascii") as f:
        for line in f:
            if line.startswith("VmRSS:"):
                return int(line.split()[1])
    return 0


def main(argv):
    paper = argv[1]
    seconds = float(argv[2]) if len(argv) > 2 else 20
    rate = argv[3] if len(argv) > 3 else "10000"
    check_run.PAPER = paper
    with Fake("coinbase", "normal", {"seconds": str(seconds), "rate": rate},
              lifetime=seconds + 60) as v:
        r = check_run.Run([["--feed", "coinbase:BTC-USD?channels=ticker", *v.urls(),
                            "--queue", "65536"]],
                          "session.tp_pct=0.02", "session.sl_pct=0.02").start()
        samples = []
        t0 = time.monotonic()
        n = 0
        while time.monotonic() - t0 < seconds + 1:
            time.sleep(0.5)
            samples.append((time.monotonic() - t0, rss_kib(r.proc.pid)))
            if int(time.monotonic() - t0) > n:
                n = int(time.monotonic() - t0)
                r.decide("BTC-USD", "buy" if n % 2 else "sell")
        time.sleep(1)
        r.stop()
        sent = len(v.sent("ticker"))
    h = r.status()["feeds"][0]["health"]
    recorded = r.sql("SELECT count(*) FROM prices")[0][0]
    achieved = sent / seconds
    warm = [kib for t, kib in samples if seconds * 0.25 <= t < seconds * 0.5]
    late = [kib for t, kib in samples if t >= seconds * 0.75]
    growth = max(late) - max(warm)
    entries, exits = len(r.lines("ENTRY")), len(r.lines("EXIT"))
    print("soak: %.0f s, %d quotes sent (%.0f/s), %d recorded, %d dropped, %d entries, %d exits;"
          " RSS %d KiB at a quarter, %d KiB at the end (%+d KiB)" %
          (seconds, sent, achieved, recorded, h["dropped"], entries, exits, max(warm), max(late),
           growth), flush=True)
    check(recorded + h["dropped"] == sent == h["messages"] + h["dropped"],
          "every quote recorded or counted as dropped", recorded, h, sent)
    check(achieved >= 0.6 * float(rate), "the venue kept up its rate", achieved)
    check(entries >= seconds / 4 and exits >= seconds / 8, "traded meanwhile", entries, exits)
    check(growth < 8 * 1024, "memory stays flat", samples)
    r.cleanup()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
