#!/usr/bin/python3
"""Write the options example's bundled data: hourly bars of SPY, QQQ and IWM and the signals.

Usage: generate.py [OUTPUT_DIR]      (default: data/ beside this script)

The output is a pure function of SEED: two runs give byte-identical files on any machine and
Python 3 version. Like examples/data/generate.py, the script draws only from
random.Random.random() (the Mersenne Twister, fixed for an integer seed) and uses only
correctly rounded IEEE-754 arithmetic (+ - * / and sqrt): no libm transcendental function,
no random.gauss(), no time zone database.

The prices are a seeded random walk, not market history. The signals are a moving-average
cross of each underlying's hourly closes (fast 7 bars, slow 21 bars): LONG when the fast
average crosses above the slow one (the trader buys a call), SHORT when it crosses below (it
buys a put), issued at the open of the bar after the one whose close made the cross.
"""

import datetime
import math
import os
import random
import sys

SEED = 20240105
FIRST_DAY = datetime.date(2024, 1, 2)
LAST_DAY = datetime.date(2024, 3, 22)
HOLIDAYS = {datetime.date(2024, 1, 15), datetime.date(2024, 2, 19)}

# Regular session 09:30-16:00 New York time: bars open at 09:30, 10:30, ... 15:30 (the last
# one is half an hour long).
SESSION_BAR_MINUTES = [570, 630, 690, 750, 810, 870, 930]
BARS_PER_YEAR = 252 * 6.5

# symbol: start price, annual volatility, annual drift, mean volume per bar.
UNDERLYINGS = {
    "SPY": (472.65, 0.13, 0.12, 10_000_000),
    "QQQ": (409.52, 0.18, 0.15, 6_000_000),
    "IWM": (200.35, 0.22, -0.05, 4_000_000),
}
FAST, SLOW = 7, 21


class Rng:
    def __init__(self, seed):
        self._r = random.Random(seed)

    def uniform(self, lo, hi):
        return lo + (hi - lo) * self._r.random()

    def normal(self):
        """Standard normal, Irwin-Hall (twelve uniforms minus six), summed left to right."""
        total = 0.0
        for _ in range(12):
            total += self._r.random()
        return total - 6.0


def cents(x):
    return round(x, 2)


def nth_sunday(year, month, n):
    d = datetime.date(year, month, 1)
    d += datetime.timedelta(days=(6 - d.weekday()) % 7)
    return d + datetime.timedelta(weeks=n - 1)


def new_york_utc_offset_hours(day):
    """-4 in daylight saving time (2nd Sunday of March .. 1st Sunday of November), else -5."""
    return -4 if nth_sunday(day.year, 3, 2) <= day < nth_sunday(day.year, 11, 1) else -5


def bar_times():
    """UTC open times of every regular-session bar, grouped by trading day."""
    out = []
    d = FIRST_DAY
    while d <= LAST_DAY:
        if d.weekday() < 5 and d not in HOLIDAYS:
            midnight = datetime.datetime(d.year, d.month, d.day) - datetime.timedelta(
                hours=new_york_utc_offset_hours(d))
            out.append([midnight + datetime.timedelta(minutes=m) for m in SESSION_BAR_MINUTES])
        d += datetime.timedelta(days=1)
    return out


def walk(rng, sessions, params):
    start, vol, drift, volume = params
    sigma = vol / math.sqrt(BARS_PER_YEAR)
    price = start
    rows = []
    for day_i, times in enumerate(sessions):
        if day_i > 0:
            price *= 1.0 + rng.normal() * sigma * 0.8  # the overnight gap
        for i, ts in enumerate(times):
            length = 0.5 if i == len(times) - 1 else 1.0
            ret = drift / BARS_PER_YEAR * length + rng.normal() * sigma * math.sqrt(length)
            close = price * (1.0 + ret)
            o, c = cents(price), cents(close)
            high = max(cents(max(price, close) * (1.0 + abs(rng.normal()) * sigma * 0.5)), o, c)
            low = min(cents(min(price, close) * (1.0 - abs(rng.normal()) * sigma * 0.5)), o, c)
            vol_bar = max(1, int(volume * length * rng.uniform(0.6, 1.4)))
            rows.append((ts, o, high, low, c, vol_bar))
            price = close
    return rows


def mean(xs):
    total = 0.0
    for x in xs:
        total += x
    return total / len(xs)


def signals(symbol, rows):
    """(ts, symbol, side, confidence) of each moving-average cross, issued a bar later."""
    out = []
    closes = []
    prev = None
    for k, row in enumerate(rows):
        closes.append(row[4])
        if len(closes) < SLOW:
            continue
        fast, slow = mean(closes[-FAST:]), mean(closes[-SLOW:])
        side = "LONG" if fast > slow else "SHORT"
        if prev is not None and side != prev and k + 1 < len(rows):
            # Confidence grows with how far the averages are apart, in [0.50, 0.95].
            spread = abs(fast - slow) / slow
            conf = min(0.95, 0.50 + spread * 150.0)
            out.append((rows[k + 1][0], symbol, side, "%.2f" % conf))
        prev = side
    return out


def iso(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def main(argv):
    out_dir = argv[1] if len(argv) > 1 else os.path.join(os.path.dirname(os.path.abspath(__file__)), "data")
    os.makedirs(out_dir, exist_ok=True)
    rng = Rng(SEED)
    sessions = bar_times()
    all_signals = []
    for symbol, params in UNDERLYINGS.items():
        rows = walk(rng, sessions, params)
        with open(os.path.join(out_dir, symbol + ".csv"), "w", newline="\n", encoding="ascii") as f:
            f.write("timestamp,open,high,low,close,volume\n")
            for ts, o, h, lo, c, v in rows:
                f.write("%s,%.2f,%.2f,%.2f,%.2f,%d\n" % (iso(ts), o, h, lo, c, v))
        all_signals += signals(symbol, rows)
    all_signals.sort(key=lambda s: (s[0], s[1]))
    with open(os.path.join(out_dir, "signals.csv"), "w", newline="\n", encoding="ascii") as f:
        f.write("timestamp,symbol,side,confidence\n")
        for ts, symbol, side, conf in all_signals:
            f.write("%s,%s,%s,%s\n" % (iso(ts), symbol, side, conf))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
