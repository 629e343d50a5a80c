#!/usr/bin/python3
"""Write libpaper's sample data set: hourly bars, signals and a trade plan.

Usage: generate.py [OUTPUT_DIR]      (default: the directory of this script)

The output is a pure function of SEED: running the script twice gives byte-identical files,
on any machine. To make that hold across platforms and Python versions, the script uses only
random.Random.random() (the Mersenne Twister, whose output is fixed for an integer seed) and
IEEE-754 arithmetic (+ - * / and sqrt, which are correctly rounded everywhere): no libm
transcendental functions, no random.gauss(), no time zone database.

Python 3 standard library only; runs with Debian's /usr/bin/python3.
"""

import datetime
import math
import os
import random
import sys

SEED = 20240102
FIRST_DAY = datetime.date(2024, 1, 2)
LAST_DAY = datetime.date(2024, 4, 30)

# NYSE full-day holidays between FIRST_DAY and LAST_DAY.
HOLIDAYS = {
    datetime.date(2024, 1, 15),  # Martin Luther King Jr. Day
    datetime.date(2024, 2, 19),  # Washington's Birthday
    datetime.date(2024, 3, 29),  # Good Friday
}

# Regular session 09:30-16:00 New York time: hourly bars open at 09:30, 10:30, ... 15:30 (the
# last one is half an hour long).
SESSION_BAR_MINUTES = [570, 630, 690, 750, 810, 870, 930]
SESSION_MINUTES = 390.0

# symbol: start price, annual volatility, annual drift, market beta, mean daily volume.
STOCKS = {
    "SPY": (472.65, 0.13, 0.15, 1.0, 75_000_000),
    "AAPL": (185.64, 0.24, -0.10, 1.1, 60_000_000),
    "MSFT": (370.87, 0.22, 0.20, 1.0, 22_000_000),
}
CRYPTO = {
    "BTC-USD": (44180.0, 0.50, 1.00, 0.0, 22_000),
}
SYMBOLS = ["AAPL", "MSFT", "SPY", "BTC-USD"]

STOCK_BARS_PER_YEAR = 252 * 6.5   # hours of regular session in a year
CRYPTO_BARS_PER_YEAR = 365 * 24


class Rng:
    """Deterministic draws built only from random() and exact arithmetic."""

    def __init__(self, seed):
        self._r = random.Random(seed)

    def uniform(self, lo=0.0, hi=1.0):
        return lo + (hi - lo) * self._r.random()

    def normal(self):
        """Standard normal, Irwin-Hall approximation (sum of 12 uniforms minus 6).

        A plain left-to-right loop: the built-in sum() of floats is compensated from
        Python 3.12 on and would round differently.
        """
        total = 0.0
        for _ in range(12):
            total += self._r.random()
        return total - 6.0

    def below(self, n):
        return min(int(self._r.random() * n), n - 1)

    def chance(self, p):
        return self._r.random() < p


def cents(x):
    return round(x, 2)


def fmt_price(x):
    return "%.2f" % cents(x)


def iso(ts):
    return ts.strftime("%Y-%m-%dT%H:%M:%SZ")


def days():
    d = FIRST_DAY
    while d <= LAST_DAY:
        yield d
        d += datetime.timedelta(days=1)


def nth_sunday(year, month, n):
    d = datetime.date(year, month, 1)
    d += datetime.timedelta(days=(6 - d.weekday()) % 7)
    return d + datetime.timedelta(weeks=n - 1)


def new_york_utc_offset_hours(day):
    """-4 in daylight saving time (2nd Sunday of March .. 1st Sunday of November), else -5."""
    dst = nth_sunday(day.year, 3, 2) <= day < nth_sunday(day.year, 11, 1)
    return -4 if dst else -5


def stock_bar_times():
    """UTC open times of every regular-session hourly bar, grouped by trading day."""
    out = []
    for d in days():
        if d.weekday() >= 5 or d in HOLIDAYS:
            continue
        midnight_utc = datetime.datetime(d.year, d.month, d.day) - datetime.timedelta(
            hours=new_york_utc_offset_hours(d))
        out.append([midnight_utc + datetime.timedelta(minutes=m) for m in SESSION_BAR_MINUTES])
    return out


def crypto_bar_times():
    out = []
    for d in days():
        midnight = datetime.datetime(d.year, d.month, d.day)
        out.append([midnight + datetime.timedelta(hours=h) for h in range(24)])
    return out


def bar_length_hours(i, n):
    """Stock session: the last bar of the day is half an hour long."""
    return 0.5 if (n == len(SESSION_BAR_MINUTES) and i == n - 1) else 1.0


def intraday_weight(i, n):
    """U-shaped intraday activity: busy open and close, quiet lunch."""
    if n != len(SESSION_BAR_MINUTES):
        return 1.0
    return [1.35, 1.0, 0.85, 0.75, 0.8, 0.95, 1.3][i]


def make_bar(rng, open_, ret, bar_sigma):
    """One OHLC bar from its open and its return; wicks scale with the bar's volatility."""
    close = open_ * (1.0 + ret)
    body_hi, body_lo = max(open_, close), min(open_, close)
    high = body_hi * (1.0 + abs(rng.normal()) * bar_sigma * 0.6)
    low = body_lo * (1.0 - abs(rng.normal()) * bar_sigma * 0.6)
    o, c = cents(open_), cents(close)
    return o, max(cents(high), o, c), min(cents(low), o, c), c, close


def gap(rng, sigma_day, has_sessions):
    """Return of the overnight gap before a trading day (stocks only)."""
    if not has_sessions:
        return 0.0
    g = rng.normal() * sigma_day * 0.3
    if rng.chance(0.05):  # earnings, macro news: an occasional large gap
        g += (1.0 if rng.chance(0.5) else -1.0) * rng.uniform(1.0, 2.5) * sigma_day
    return g


def walk(rng, sessions, params, bars_per_year, market):
    """Bars of one symbol: list of (ts, open, high, low, close, volume)."""
    start, vol, drift, beta, daily_volume = params
    has_sessions = bars_per_year == STOCK_BARS_PER_YEAR
    sigma_bar = vol / math.sqrt(bars_per_year)
    market_sigma = STOCKS["SPY"][1] / math.sqrt(STOCK_BARS_PER_YEAR)
    beta_sigma = beta * market_sigma
    idio_sigma = math.sqrt(max(sigma_bar * sigma_bar - beta_sigma * beta_sigma, 0.0))
    regime = 1.0
    price = start
    rows = []
    k = 0
    for day_i, times in enumerate(sessions):
        if day_i > 0:
            price *= 1.0 + gap(rng, sigma_bar * math.sqrt(6.5), has_sessions)
        if rng.chance(0.08):  # volatility regimes last a few days
            regime = rng.uniform(0.65, 1.3)
        n = len(times)
        for i, ts in enumerate(times):
            length = bar_length_hours(i, n)
            w = intraday_weight(i, n) * regime
            scale = math.sqrt(length) * w
            ret = drift / bars_per_year * length
            if market is not None and beta:
                ret += beta * market[k] * scale
                ret += rng.normal() * idio_sigma * scale
            else:
                ret += rng.normal() * sigma_bar * scale
            if not has_sessions and rng.chance(0.004):  # crypto: rare sharp moves
                ret += (1.0 if rng.chance(0.5) else -1.0) * rng.uniform(0.02, 0.05)
            o, h, lo, c, price = make_bar(rng, price, ret, sigma_bar * scale)
            share = daily_volume / (n if has_sessions else 24) * w * length
            volume = max(1, int(share * rng.uniform(0.55, 1.45)))
            rows.append((ts, o, h, lo, c, volume))
            k += 1
    return rows


def market_returns(rng, sessions):
    sigma = STOCKS["SPY"][1] / math.sqrt(STOCK_BARS_PER_YEAR)
    return [rng.normal() * sigma for times in sessions for _ in times]


def write_csv(path, header, rows):
    with open(path, "w", encoding="ascii", newline="\n") as f:
        f.write(header + "\n")
        for r in rows:
            f.write(",".join(r) + "\n")


def write_bars(out_dir, symbol, rows):
    lines = [(iso(ts), fmt_price(o), fmt_price(h), fmt_price(lo), fmt_price(c), str(v))
             for ts, o, h, lo, c, v in rows]
    write_csv(os.path.join(out_dir, "bars", symbol + ".csv"),
              "timestamp,open,high,low,close,volume", lines)


def signal_row(rng, symbol, bars):
    """A signal at a bar's open time, or somewhere inside the bar (whole minutes)."""
    i = rng.below(len(bars) - 1)
    ts, close = bars[i][0], bars[i][4]
    if rng.chance(0.5):
        # Inside the bar: an hour, or half an hour for the session's last bar (the only bar
        # not followed by the next one an hour later).
        hourly = bars[i + 1][0] - ts == datetime.timedelta(hours=1)
        ts += datetime.timedelta(minutes=rng.below(60 if hourly else 30))
    side = "LONG" if rng.chance(0.58) else "SHORT"
    confidence = "%.2f" % rng.uniform(0.30, 0.95)
    tp = sl = ""
    if rng.chance(0.5):
        up, down = rng.uniform(0.015, 0.06), rng.uniform(0.01, 0.035)
        sign = 1.0 if side == "LONG" else -1.0
        tp = fmt_price(close * (1.0 + sign * up))
        sl = fmt_price(close * (1.0 - sign * down))
    return (ts, symbol, side, confidence, tp, sl)


def write_signals(out_dir, rng, all_bars):
    weights = {"AAPL": 40, "MSFT": 38, "SPY": 30, "BTC-USD": 42}
    rows = []
    for symbol in SYMBOLS:
        rows += [signal_row(rng, symbol, all_bars[symbol]) for _ in range(weights[symbol])]
    rows.sort(key=lambda r: (r[0], r[1]))
    write_csv(os.path.join(out_dir, "signals.csv"),
              "timestamp,symbol,side,confidence,take_profit,stop_loss",
              [(iso(r[0]),) + r[1:] for r in rows])


def write_trade_plan(out_dir, all_bars):
    """Six hand-written intents, priced off each symbol's last close so they make sense."""
    last = {s: all_bars[s][-1][4] for s in SYMBOLS}

    def px(symbol, f):
        return fmt_price(last[symbol] * f)

    rows = [
        ("AAPL", "LONG", "50", "", "", px("AAPL", 1.05), px("AAPL", 0.97), "5d"),
        ("MSFT", "LONG", "", "10000", px("MSFT", 0.995), px("MSFT", 1.06), px("MSFT", 0.96), "10d"),
        ("SPY", "SHORT", "20", "", "", px("SPY", 0.97), px("SPY", 1.02), "3d"),
        ("BTC-USD", "LONG", "", "5000", "", px("BTC-USD", 1.08), px("BTC-USD", 0.95), "48h"),
        ("AAPL", "SHORT", "", "7500", px("AAPL", 1.01), "", px("AAPL", 1.04), ""),
        ("BTC-USD", "SHORT", "0.05", "", px("BTC-USD", 1.005), px("BTC-USD", 0.94), "", "72h"),
    ]
    write_csv(os.path.join(out_dir, "trade_plan.csv"),
              "symbol,side,qty,notional,limit,take_profit,stop_loss,max_hold", rows)


def main(argv):
    if len(argv) == 2 and argv[1] in ("-h", "--help"):
        sys.stdout.write(__doc__)
        return 0
    if len(argv) > 2 or (len(argv) == 2 and argv[1].startswith("-")):
        sys.stderr.write(__doc__)
        return 2
    out_dir = argv[1] if len(argv) == 2 else os.path.dirname(os.path.abspath(__file__))
    os.makedirs(os.path.join(out_dir, "bars"), exist_ok=True)

    rng = Rng(SEED)
    sessions = stock_bar_times()
    market = market_returns(rng, sessions)
    all_bars = {}
    for symbol in SYMBOLS:
        if symbol in STOCKS:
            all_bars[symbol] = walk(rng, sessions, STOCKS[symbol], STOCK_BARS_PER_YEAR, market)
        else:
            all_bars[symbol] = walk(rng, crypto_bar_times(), CRYPTO[symbol],
                                    CRYPTO_BARS_PER_YEAR, None)
        write_bars(out_dir, symbol, all_bars[symbol])
    write_signals(out_dir, rng, all_bars)
    write_trade_plan(out_dir, all_bars)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
