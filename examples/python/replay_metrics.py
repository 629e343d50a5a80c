#!/usr/bin/env python3
"""Replay historical bars through a paper broker and print the account and its metrics.

    replay_metrics.py [--config FILE] [--seed N] [--json] [--signals FILE] BARS.csv...

The Python twin of the C example ``replay-sample`` (examples/replay-sample.c): the same
strategy on the same data through the same library, so the account summary it prints is the
C program's, line for line (the test ``example-replay`` checks that). Then it prints the
metrics libpaper computes for the run, the notebook-free way to look at a backtest.

Strategy, per symbol: when the 10-bar mean close crosses above the 30-bar mean, buy 10000
worth (at that bar's close, rounded down to whole units; 0.0001 units for crypto pairs, *-USD)
with a market order; when it crosses below, sell the position. Orders are sent after a bar
closes and fill at the next bar's open. At the end, open orders are cancelled and positions
are sold by market orders that fill against a final quote at their last close, one second
after the newest bar.

With --signals FILE it then replays the same bars again, this time with libpaper's own
replay and session (paperlib.replay): the bars go in as in-memory columns (numpy arrays when
numpy is installed, array.array otherwise, borrowed by the library without a copy), the
signals file is acted on by the session (sizing, take profit, stop loss, time limit), and
the metrics of that run are printed too.

Each BARS.csv holds one symbol (the file name without .csv) with the header
timestamp,open,high,low,close,volume and ISO-8601 UTC times (examples/data/README.md).
"""

from __future__ import annotations

import argparse
import array
import csv
import heapq
import math
import os
import sys
from datetime import datetime
from typing import Dict, Iterator, List, Optional, Tuple

import paperlib
from paperlib import ExitReason, OrderRejected, OrderStatus, Side, metrics

FAST_LEN = 10
SLOW_LEN = 30
ENTRY_NOTIONAL = 10000.0
CRYPTO_LOT = 0.0001
STRATEGY_TAG = "sma10x30"
SHOWN_TRADES = 10
BARS_HEADER = ["timestamp", "open", "high", "low", "close", "volume"]

Bar = Tuple[int, float, float, float, float, float]  # ts, open, high, low, close, volume


def parse_time(text: str) -> int:
    """ISO-8601 UTC ("2024-01-02T14:30:00Z") or epoch seconds, as microseconds."""
    if "T" in text:
        dt = datetime.strptime(text.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S%z")
        return paperlib.to_ts(dt)
    return round(float(text) * 1_000_000)


def read_bars(path: str) -> List[Bar]:
    with open(path, newline="", encoding="ascii") as f:
        rows = csv.reader(f)
        header = next(rows, None)
        if header != BARS_HEADER:
            raise SystemExit(f"{path}:1: the header must be {','.join(BARS_HEADER)}")
        return [
            (parse_time(r[0]), float(r[1]), float(r[2]), float(r[3]), float(r[4]), float(r[5]))
            for r in rows
        ]


class Series:
    """One symbol: its bars and the strategy's state."""

    def __init__(self, path: str) -> None:
        self.path = path
        self.symbol = os.path.splitext(os.path.basename(path))[0]
        self.bars = read_bars(path)
        self.closes = [0.0] * SLOW_LEN
        self.seen = 0
        self.trend = 0
        self.order_id = 0

    def mean_of_last(self, n: int) -> float:
        # Newest first, as the C example sums: the same doubles, the same crossings.
        total = 0.0
        for i in range(1, n + 1):
            total += self.closes[(self.seen - i) % SLOW_LEN]
        return total / n


def is_crypto(symbol: str) -> bool:
    return "/" in symbol or (len(symbol) > 4 and symbol.endswith("-USD"))


def entry_qty(symbol: str, price: float) -> float:
    lot = CRYPTO_LOT if is_crypto(symbol) else 1.0
    return math.floor(ENTRY_NOTIONAL / (price * lot)) * lot


class Replay:
    def __init__(self, broker: paperlib.Broker, series: List[Series]) -> None:
        self.broker = broker
        self.series = series
        self.n_bars = sum(len(s.bars) for s in series)
        self.first_ts: Optional[int] = None
        self.last_ts: Optional[int] = None

    # ---- the strategy ----

    def submit(self, s: Series, side: Side, qty: float, ts: Optional[int], why: ExitReason) -> None:
        try:
            s.order_id = self.broker.submit(
                s.symbol, side, qty, ts=ts, strategy=STRATEGY_TAG, exit_reason=why
            )
        except OrderRejected:  # recorded and counted by the broker: an outcome, not an error
            s.order_id = 0

    def cancel_pending(self, s: Series) -> None:
        if s.order_id == 0:
            return
        try:
            o = self.broker.order(s.order_id)
        except paperlib.NotFound:
            return
        if o.status in (OrderStatus.ACCEPTED, OrderStatus.PARTIALLY_FILLED):
            self.broker.cancel(s.order_id)

    def held(self, s: Series) -> float:
        p = self.broker.position(s.symbol)
        return p.qty if p is not None else 0.0

    def go_long(self, s: Series, price: float) -> None:
        qty = entry_qty(s.symbol, price)
        self.cancel_pending(s)
        if self.held(s) > 0 or qty <= 0:
            return
        self.submit(s, Side.BUY, qty, None, ExitReason.NONE)

    def go_flat(self, s: Series, ts: Optional[int], why: ExitReason) -> None:
        self.cancel_pending(s)
        held = self.held(s)
        if held == 0:
            return
        self.submit(s, Side.SELL if held > 0 else Side.BUY, abs(held), ts, why)

    def on_close(self, s: Series, close: float) -> None:
        s.closes[s.seen % SLOW_LEN] = close
        s.seen += 1
        if s.seen < SLOW_LEN:
            return
        fast, slow = s.mean_of_last(FAST_LEN), s.mean_of_last(SLOW_LEN)
        trend = 1 if fast > slow else -1 if fast < slow else 0
        before = s.trend
        if trend == 0 or trend == before:
            return
        s.trend = trend
        if before == 0:  # the first comparison sets the trend; only a cross trades
            return
        if trend > 0:
            self.go_long(s, close)
        else:
            self.go_flat(s, None, ExitReason.REVERSE_SIGNAL)

    # ---- the run ----

    def merged(self) -> Iterator[Tuple[int, int, Bar]]:
        """Every bar in time order; ties go to the earlier file."""

        def keyed(i: int, bars: List[Bar]) -> Iterator[Tuple[int, int, Bar]]:
            return ((b[0], i, b) for b in bars)

        return heapq.merge(*[keyed(i, s.bars) for i, s in enumerate(self.series)])

    def run(self) -> None:
        on_bar = self.broker.on_bar
        for ts, i, b in self.merged():
            s = self.series[i]
            on_bar(s.symbol, ts, b[1], b[2], b[3], b[4], b[5])
            if self.first_ts is None or ts < self.first_ts:
                self.first_ts = ts
            if self.last_ts is None or ts > self.last_ts:
                self.last_ts = ts
            self.on_close(s, b[4])

    def close_out(self) -> None:
        assert self.last_ts is not None
        end = self.last_ts + paperlib.TS_PER_SECOND
        while self.broker.orders():
            self.broker.cancel(self.broker.orders()[0].id)
        # The orders first, stamped at the clock: an order fills only on data stamped after
        # it, and each quote moves the clock.
        for s in self.series:
            self.go_flat(s, None, ExitReason.END_OF_DATA)
        for s in self.series:
            if not self.broker.orders():
                break
            self.broker.on_quote(s.symbol, end, 0.0, 0.0, s.bars[-1][4])


# ---- printing: the C example's format ----


def fmt_time(ts: int) -> str:
    return paperlib.from_ts(ts).strftime("%Y-%m-%d %H:%M")


def fmt_qty(qty: float) -> str:
    return f"{qty:.0f}" if qty == math.floor(qty) else f"{qty:.4f}"


def print_summary(r: Replay) -> bool:
    b = r.broker
    a = b.account()
    n = len(r.series)
    print(
        f"libpaper {paperlib.__version__} replay: {n} symbol{'' if n == 1 else 's'}, "
        f"{r.n_bars} bar{'' if r.n_bars == 1 else 's'}, "
        f"{fmt_time(r.first_ts or 0)} .. {fmt_time(r.last_ts or 0)} UTC"
    )
    print(
        f"strategy: per symbol, SMA({FAST_LEN}) crossing SMA({SLOW_LEN}): "
        f"long {ENTRY_NOTIONAL:.0f} at the next open, or flat\n"
    )
    trades = b.trades()
    wins = sum(1 for t in trades if t.pnl_net > 0)
    for label, value in [
        ("starting cash", a.starting_cash),
        ("final cash", a.cash),
        ("equity", a.equity),
        ("realized P&L", a.realized_pnl),
        ("fees", a.fees),
    ]:
        print(f"{label:<16} {value:14.2f}")
    print(f"{'fills':<16} {a.fills:14d}")
    print(f"{'closed trades':<16} {a.closed_trades:14d}")
    if trades:
        print(
            f"{'win rate':<16} {100.0 * wins / len(trades):13.1f}%  "
            f"({wins} of {len(trades)} net positive)"
        )
    else:
        print(f"{'win rate':<16} {'n/a':>14}")
    print(f"{'rejected orders':<16} {a.rejections:14d}")

    shown = trades[-SHOWN_TRADES:]
    print(f"\nlast {len(shown)} of {len(trades)} trades (UTC)")
    print(
        f"{'symbol':<8} {'side':<5} {'entry time':<16} {'price':>10} {'exit time':<16} "
        f"{'price':>10} {'qty':>8} {'net P&L':>9}"
    )
    for t in shown:
        print(
            f"{t.symbol:<8} {t.direction.label:<5} {fmt_time(t.entry_ts):<16} "
            f"{t.entry_price:10.2f} {fmt_time(t.exit_ts):<16} {t.exit_price:10.2f} "
            f"{fmt_qty(t.qty):>8} {t.pnl_net:9.2f}"
        )
    if a.open_positions:
        print(
            f"\nstarting cash + realized - fees == cash: not checked, "
            f"{a.open_positions} positions still open"
        )
        return False
    print(f"\nstarting cash + realized - fees == cash: {'yes' if a.reconciles else 'NO'}")
    return a.reconciles


def print_metrics(broker: paperlib.Broker, as_json: bool) -> None:
    """The run's metrics, all computed by libpaper."""
    report = broker.metrics()  # daily closes of the equity curve, 252 periods a year
    if as_json:
        print(report.to_json())
        return
    print("\nmetrics (libpaper report over daily closes of the equity curve)")
    rows = [
        ("total return", report["total_return"] * 100, "%"),
        ("annual return", report["annual_return"] * 100, "%"),
        ("annual volatility", report["annual_volatility"] * 100, "%"),
        ("sharpe ratio", report["sharpe_ratio"], ""),
        ("sortino ratio", report["sortino_ratio"], ""),
        ("calmar ratio", report["calmar_ratio"], ""),
        ("max drawdown", report["max_drawdown"] * 100, "%"),
        ("win rate", report["win_rate"] * 100, "%"),
        ("profit factor", report["profit_factor"], ""),
        ("expectancy", report["expectancy"], ""),
        ("avg duration h", report["avg_duration"] / 3600, ""),
    ]
    for label, value, unit in rows:
        print(f"{label:<18} {value:12.4f}{unit}")
    # The same Sharpe ratio from the report's daily returns through the empyrical-named
    # function: the returns are an array.array('d'), handed to C without a copy. The report
    # took its periods per year from the data (365: BTC trades on Saturdays).
    returns: array.array = report.returns()
    ppy = report.options.periods_per_year
    sharpe = metrics.sharpe_ratio(returns, periods_per_year=ppy)
    print(f"{'daily returns':<18} {len(returns):12d}")
    print(f"{'sharpe (function)':<18} {sharpe:12.4f}")
    print("\nby symbol             trades    win rate     net P&L")
    for symbol, stats in report.by_symbol().items():
        print(
            f"{symbol:<18} {stats['total_trades']:9.0f} {stats['win_rate'] * 100:10.1f}% "
            f"{stats['total_pnl']:11.2f}"
        )


def columns(series: List[Series]) -> Dict[str, object]:
    """Every bar of every series as columns in time order, for paperlib.replay()."""
    rows = sorted(
        (b[0], i, b) for i, s in enumerate(series) for b in s.bars
    )
    ts = array.array("q", (r[0] for r in rows))
    sym = array.array("I", (r[1] for r in rows))
    cols = {k: array.array("d", (r[2][j] for r in rows))
            for j, k in enumerate(("open", "high", "low", "close", "volume"), start=1)}
    try:
        import numpy  # optional: the same arrays as numpy arrays, also borrowed without a copy

        ts, sym = numpy.frombuffer(ts, dtype=numpy.int64), numpy.frombuffer(sym, dtype=numpy.uint32)
        cols = {k: numpy.frombuffer(v, dtype=numpy.float64) for k, v in cols.items()}
    except ImportError:
        pass
    return {"symbols": [s.symbol for s in series], "ts": ts, "symbol": sym, **cols}


def signals_replay(series: List[Series], signals: str, config: paperlib.Config) -> None:
    """The same bars through libpaper's replay and session, acting on a signals file."""
    cfg = config.copy()
    cfg.update(session__notional=ENTRY_NOTIONAL, session__max_hold_minutes=48 * 60)
    run = paperlib.Replay(paperlib.Broker(cfg))
    for s in series:
        if is_crypto(s.symbol):
            run.session.set_symbol_lot(s.symbol, CRYPTO_LOT, fractional=True)
    run.add_bar_columns(**columns(series))
    run.add_signals_file(signals)
    run.run()
    st, ses = run.stats(), run.session.stats()
    a = run.broker.account()
    report = run.broker.metrics()
    print("\nsignals replay (paperlib.replay: libpaper's replay and session)")
    print(f"{'bars':<18} {st.bars:12d}")
    print(f"{'signals':<18} {st.signals:12d}")
    print(f"{'entries':<18} {ses.entries:12d}")
    print(f"{'closed trades':<18} {ses.trades:12d}")
    for reason, n in ses.exits.items():
        if n:
            print(f"{'  ' + reason.label:<18} {n:12d}")
    print(f"{'equity':<18} {a.equity:12.2f}")
    print(f"{'sharpe ratio':<18} {report['sharpe_ratio']:12.4f}")
    print(f"{'max drawdown':<18} {report['max_drawdown'] * 100:12.4f}%")
    print(f"{'win rate':<18} {report['win_rate'] * 100:12.4f}%")
    ok = a.open_positions == 0 and a.reconciles
    print(f"{'reconciles':<18} {'yes' if ok else 'NO':>12}")
    run.close()
    run.broker.close()


def main(argv: Optional[List[str]] = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("bars", nargs="+", help="bars CSV files, one symbol each")
    parser.add_argument("--config", help="broker settings from an INI file")
    parser.add_argument("--seed", type=int, help="seed of the slippage jitter (costs.seed)")
    parser.add_argument("--json", action="store_true", help="print the metrics as JSON")
    parser.add_argument("--signals", help="then replay the bars with these signals through "
                        "libpaper's replay and session")
    args = parser.parse_args(argv)

    try:
        config = paperlib.Config()
        if args.config:
            config.load_file(args.config)
        if args.seed is not None:
            config["costs.seed"] = args.seed
        config.validate()
    except paperlib.ConfigError as e:
        print("replay_metrics: invalid configuration:", file=sys.stderr)
        for v in e.violations or [e]:
            print(f"  {v}", file=sys.stderr)
        return 2

    series = [Series(p) for p in args.bars]
    with paperlib.Broker(config) as broker:
        replay = Replay(broker, series)
        replay.run()
        replay.close_out()
        ok = print_summary(replay)
        print_metrics(broker, args.json)
    if args.signals:
        signals_replay(series, args.signals, config)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
