#!/usr/bin/env python3
"""A strategy runtime's paper trader on libpaper, in the style of hand-written Python ones.

    paper_runtime.py [--signals FILE | --callback] [--bars DIR] [--config FILE]
                     [--tp-pct P] [--sl-pct P] [--max-hold-hours H] [--notional USD]

Each cycle it fetches prices (here: the bundled hourly sample bars in examples/data/bars/,
replayed as a price feed, one timestamp per cycle), hands them to a paperlib.Session (which
gives them to the broker and checks the exits of the open positions: take profit, stop loss,
time limit) and enters on new signals. It prints one line per decision:

    PAPER ENTRY <time> <symbol> LONG|SHORT <qty> @ <fill price> ...
    PAPER EXIT  <time> <symbol> LONG|SHORT <qty> @ <exit price> reason <why> pnl <net P&L>
    PAPER SKIP  <time> <symbol> LONG|SHORT: <why the broker refused it>

and at the end the account, which reconciles exactly.

Signals come from a CSV file (examples/data/signals.csv: timestamp, symbol, side, confidence,
take_profit, stop_loss) or, with --callback, from a Python function called every cycle (a
20-bar breakout here) - the two ways runtimes produce them.

Everything that decides is libpaper's: whether a signal trades (confidence, one position per
symbol), the entry size (session.sizing = notional), fills, slippage, fees, the exit rules
(when a take profit, a stop loss or the time limit fires, and at which price) and the
account. The runtime only moves data in and prints what happened.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from dataclasses import dataclass
from datetime import datetime
from typing import Callable, Dict, Iterator, List, Optional, Tuple

import paperlib
from paperlib import Direction, EventType, ExitReason, OrderRejected, Side, Verdict

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, os.pardir, "data")


@dataclass(frozen=True)
class Bar:
    symbol: str
    ts: int
    open: float
    high: float
    low: float
    close: float
    volume: float


@dataclass(frozen=True)
class Signal:
    ts: int
    symbol: str
    direction: Direction
    confidence: float
    take_profit: Optional[float] = None
    stop_loss: Optional[float] = None
    signal_id: str = ""


def iso(ts: int) -> str:
    return paperlib.from_ts(ts).strftime("%Y-%m-%d %H:%M")


def parse_time(text: str) -> int:
    return paperlib.to_ts(datetime.strptime(text.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S%z"))


# ---- the price feed: sample bars replayed one timestamp at a time ----


class BarFeed:
    """Fetches "current" prices: every bar of the next timestamp across the symbols."""

    def __init__(self, directory: str) -> None:
        by_ts: Dict[int, List[Bar]] = {}
        for name in sorted(os.listdir(directory)):
            if not name.endswith(".csv"):
                continue
            symbol = name[:-4]
            with open(os.path.join(directory, name), newline="", encoding="ascii") as f:
                for row in csv.DictReader(f):
                    b = Bar(symbol, parse_time(row["timestamp"]), float(row["open"]),
                            float(row["high"]), float(row["low"]), float(row["close"]),
                            float(row["volume"]))
                    by_ts.setdefault(b.ts, []).append(b)
        self.times = sorted(by_ts)
        self.by_ts = by_ts
        self.index = 0

    def fetch(self) -> Optional[Tuple[int, Dict[str, Bar]]]:
        """(time, {symbol: bar}) of the next cycle, or None at the end of the data."""
        if self.index >= len(self.times):
            return None
        ts = self.times[self.index]
        self.index += 1
        return ts, {b.symbol: b for b in self.by_ts[ts]}

    def next_time(self) -> Optional[int]:
        return self.times[self.index] if self.index < len(self.times) else None


# ---- signal sources ----

SignalSource = Callable[[int, Optional[int], Dict[str, Bar]], List[Signal]]


def csv_signals(path: str) -> SignalSource:
    """Signals of a CSV file, handed out once their time has come."""
    with open(path, newline="", encoding="ascii") as f:
        rows = list(csv.DictReader(f))
    pending: List[Signal] = []
    for i, r in enumerate(rows):
        side = Side.coerce(r["side"], "side")
        pending.append(Signal(
            ts=parse_time(r["timestamp"]),
            symbol=r["symbol"],
            direction=Direction.LONG if side is Side.BUY else Direction.SHORT,
            confidence=float(r["confidence"]),
            take_profit=float(r["take_profit"]) if r.get("take_profit") else None,
            stop_loss=float(r["stop_loss"]) if r.get("stop_loss") else None,
            signal_id=f"csv-{i + 1}",
        ))
    pending.sort(key=lambda s: s.ts)
    it: Iterator[Signal] = iter(pending)
    nxt: List[Optional[Signal]] = [next(it, None)]

    def source(now: int, until: Optional[int], prices: Dict[str, Bar]) -> List[Signal]:
        out = []
        while nxt[0] is not None and (until is None or nxt[0].ts < until):
            out.append(nxt[0])
            nxt[0] = next(it, None)
        return out

    return source


def breakout_callback(lookback: int = 20) -> SignalSource:
    """A strategy as a callback: long when a close breaks the highest of the last closes."""
    history: Dict[str, List[float]] = {}
    count = [0]

    def source(now: int, until: Optional[int], prices: Dict[str, Bar]) -> List[Signal]:
        out = []
        for symbol, bar in sorted(prices.items()):
            closes = history.setdefault(symbol, [])
            if len(closes) >= lookback and bar.close > max(closes[-lookback:]):
                count[0] += 1
                out.append(Signal(now, symbol, Direction.LONG, 0.75, signal_id=f"cb-{count[0]}"))
            closes.append(bar.close)
        return out

    return source


# ---- the trader ----


class PaperTrader:
    def __init__(self, session: paperlib.Session, feed: BarFeed, signals: SignalSource) -> None:
        self.session = session
        self.broker = session.broker
        self.feed = feed
        self.signals = signals
        self.entries: Dict[int, Signal] = {}  # entry order id -> its signal
        self.filled: List[int] = []  # entry orders filled during the current call
        self.closed: List[int] = []  # trade ids closed during the current call
        self.broker.on_event = self.on_event

    # The broker calls this for each event; it must not call the broker back, so it only
    # takes notes, printed once the call has returned.
    def on_event(self, ev: paperlib.Event) -> None:
        if ev.type is EventType.FILL and ev.order_id in self.entries:
            self.filled.append(ev.order_id)
        elif ev.type is EventType.TRADE_CLOSED:
            self.closed.append(ev.order_id)  # the trade's id

    def report(self) -> None:
        if self.filled:
            levels = {p.symbol: p for p in self.session.positions()}
            for oid in self.filled:
                sig = self.entries.pop(oid)
                o = self.broker.order(oid)
                p = levels.get(o.symbol)
                tp = f"{p.take_profit:.2f}" if p and p.take_profit else "-"
                sl = f"{p.stop_loss:.2f}" if p and p.stop_loss else "-"
                print(f"PAPER ENTRY {iso(o.updated_ts)} {o.symbol} {sig.direction.name} "
                      f"{o.filled_qty:g} @ {o.avg_fill_price:.2f} conf {sig.confidence:.2f} "
                      f"tp {tp} sl {sl} fee {o.fees:.2f}")
            self.filled.clear()
        if self.closed:
            trades = {t.id: t for t in self.broker.trades()}
            for trade_id in self.closed:
                t = trades[trade_id]
                print(f"PAPER EXIT {iso(t.exit_ts)} {t.symbol} {t.direction.name} {t.qty:g} "
                      f"@ {t.exit_price:.2f} reason {t.exit_reason.label} pnl {t.pnl_net:+.2f}")
            self.closed.clear()

    def run(self) -> None:
        while True:
            fetched = self.feed.fetch()
            if fetched is None:
                break
            now, prices = fetched
            self.run_cycle(now, prices)
        self.session.exit_all(ExitReason.END_OF_DATA)  # what is still open, at the last close
        self.report()

    def run_cycle(self, now: int, prices: Dict[str, Bar]) -> None:
        # The session feeds each bar to the broker (fills at the open) and then applies the
        # exit rules of the symbol's position to it.
        for b in prices.values():
            self.session.on_bar(b.symbol, b.ts, b.open, b.high, b.low, b.close, b.volume)
        self.report()
        for sig in self.signals(now, self.feed.next_time(), prices):
            self.enter(sig, now)
        self.report()

    def enter(self, sig: Signal, now: int) -> None:
        signal = paperlib.Signal(
            sig.symbol, sig.direction, confidence=sig.confidence,
            take_profit=sig.take_profit, stop_loss=sig.stop_loss, ts=max(sig.ts, now),
            signal_id=sig.signal_id, strategy="runtime",
        )
        try:
            result = self.session.enter(signal)
        except OrderRejected as e:  # the broker refused the entry (limits, funds, halt)
            print(f"PAPER SKIP {iso(sig.ts)} {sig.symbol} {sig.direction.name}: "
                  f"{e.reason.label} ({e})")
            return
        if result.verdict is Verdict.TRADE:
            self.entries[result.order_id] = sig
        elif result.verdict is not Verdict.POSITION_OPEN:  # one position per symbol: quiet
            print(f"PAPER SKIP {iso(sig.ts)} {sig.symbol} {sig.direction.name}: "
                  f"{result.verdict.label}")


def summary(broker: paperlib.Broker) -> bool:
    a = broker.account()
    trades = broker.trades()
    report = broker.metrics()
    wins = sum(1 for t in trades if t.pnl_net > 0)
    print(f"\naccount: cash {a.cash:.2f} equity {a.equity:.2f} realized {a.realized_pnl:.2f} "
          f"fees {a.fees:.2f}")
    print(f"trades: {len(trades)} closed, {wins} net positive, {a.rejections} orders refused")
    reasons: Dict[str, int] = {}
    for t in trades:
        reasons[t.exit_reason.label] = reasons.get(t.exit_reason.label, 0) + 1
    print("exits: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))
    print(f"sharpe {report['sharpe_ratio']:.4f} max drawdown {report['max_drawdown'] * 100:.2f}% "
          f"win rate {report['win_rate'] * 100:.1f}%")
    print(f"reconciles: {'yes' if a.open_positions == 0 and a.reconciles else 'NO'}")
    return a.open_positions == 0 and a.reconciles


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    src = p.add_mutually_exclusive_group()
    src.add_argument("--signals", default=os.path.join(DATA, "signals.csv"),
                     help="signals CSV (default: the sample signals)")
    src.add_argument("--callback", action="store_true",
                     help="signals from a Python callback (a 20-bar breakout) instead")
    p.add_argument("--bars", default=os.path.join(DATA, "bars"), help="directory of bars CSVs")
    p.add_argument("--config", help="broker settings from an INI file")
    p.add_argument("--tp-pct", type=float, default=3.0, help="take profit when a signal has none")
    p.add_argument("--sl-pct", type=float, default=2.0, help="stop loss when a signal has none")
    p.add_argument("--max-hold-hours", type=int, default=48, help="time limit of a position")
    p.add_argument("--notional", type=float, default=10000.0, help="size of an entry in USD")
    args = p.parse_args(argv)

    # The runtime's settings are the session's keys; a --config file comes on top of them.
    config = paperlib.Config(
        session__sizing="notional",
        session__notional=args.notional,
        session__tp_pct=args.tp_pct,
        session__sl_pct=args.sl_pct,
        session__max_hold_minutes=args.max_hold_hours * 60,
    )
    if args.config:
        config.load_file(args.config)
    config.validate()
    source = breakout_callback() if args.callback else csv_signals(args.signals)
    with paperlib.Broker(config) as broker, paperlib.Session(broker) as session:
        for symbol in ("BTC-USD",):
            session.set_symbol_lot(symbol, 0.0001, fractional=True)  # crypto trades in lots
        PaperTrader(session, BarFeed(args.bars), source).run()
        ok = summary(broker)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
