#!/usr/bin/env python3
"""An options paper trader on libpaper: SPY, QQQ and IWM options, priced by Black-Scholes
over the bundled underlying bars, traded through a paperlib paper broker.

    options_trader.py [--data DIR] [--signals FILE] [--out DIR] [--config FILE]
                      [--take-profit-pct P] [--stop-loss-pct P] [--max-hold-hours H]
                      [--itm-pct P] [--budget USD] [--min-confidence C] [--vol SYM=V ...]
                      [--rate R]

Each cycle (one hourly bar of the underlyings) it fetches prices - the underlyings' bars and,
for every contract it holds or is entering, that contract's bar priced from them - and hands
them to a paperlib.Session, which fills the orders and applies the exits: take profit, stop
loss, time limit; the broker settles what is still open at an option's expiry (16:00 New
York on its date) at intrinsic value. Then it enters on the signals of the cycle: a LONG
signal buys a call of the underlying about 2 % in the money (--itm-pct), a SHORT one a put,
expiring on the first Friday at least two days away; at most 5 contracts an order (one at the
minimum confidence, one more every 0.08 above it, within --budget) and at most 10 positions. It prints one line per decision:

    PAPER ENTRY <time> <contract> BUY <n> @ <price> cost <n x price x 100> fee <fee> ...
    PAPER EXIT  <time> <contract> SELL <n> @ <price> reason <why> pnl <net P&L>
    PAPER SKIP  <time> <underlying> LONG|SHORT: <why>

to stdout and to OUT/trader.log; libpaper writes its own PAPER log (OUT/paper_trading.log).
At the end: the account (it reconciles exactly), P&L by underlying and by right, OUT/trades.csv
and the dashboard OUT/dashboard.html (with the readiness checklist of the seed: 10 trades,
win rate 60 %, Sharpe 1.0, drawdown 10 %).

Money is libpaper's: an option's price x quantity x multiplier (100, from the OCC symbol) is
what it costs. The defaults charge $0.65 a contract and no slippage, so every number can be
checked by hand; a --config file can change any setting.
"""

from __future__ import annotations

import argparse
import csv
import os
import sys
from dataclasses import dataclass
from datetime import date, datetime, timedelta, timezone
from typing import Dict, List, Optional, TextIO, Tuple

import paperlib
from paperlib import Direction, EventType, ExitReason, Intent, OrderRejected, Verdict

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from pricing import Contract, option_bar, to_tick  # noqa: E402

HERE = os.path.dirname(os.path.abspath(__file__))
DATA = os.path.join(HERE, "data")
UNDERLYINGS = ("SPY", "QQQ", "IWM")
MAX_CONTRACTS = 5      # per order (the seed's max_order_size ceiling)
MAX_POSITIONS = 10     # open positions (the seed's max_positions ceiling)
# Implied volatility of each underlying's options (flat: no smile) and the interest rate.
VOLS = {"SPY": 0.16, "QQQ": 0.21, "IWM": 0.24}
RATE = 0.05


@dataclass(frozen=True)
class Bar:
    ts: int
    end: int
    open: float
    high: float
    low: float
    close: float
    volume: float


@dataclass(frozen=True)
class SignalRow:
    ts: int
    underlying: str
    direction: Direction
    confidence: float
    line: int


def parse_time(text: str) -> int:
    return paperlib.to_ts(datetime.strptime(text.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S%z"))


def iso(ts: int) -> str:
    return paperlib.from_ts(ts).strftime("%Y-%m-%d %H:%M")


def read_bars(path: str) -> List[Bar]:
    """An underlying's bars; each bar ends where the next one of the same day starts (the
    last one of a day at 16:00 New York: half an hour)."""
    with open(path, newline="", encoding="ascii") as f:
        rows = [(parse_time(r["timestamp"]), float(r["open"]), float(r["high"]),
                 float(r["low"]), float(r["close"]), float(r["volume"])) for r in csv.DictReader(f)]
    bars = []
    for i, (ts, o, h, lo, c, v) in enumerate(rows):
        nxt = rows[i + 1][0] if i + 1 < len(rows) else None
        end = nxt if nxt is not None and nxt - ts <= 3_600_000_000 else ts + 1_800_000_000
        bars.append(Bar(ts, end, o, h, lo, c, v))
    return bars


def read_signals(path: str) -> List[SignalRow]:
    with open(path, newline="", encoding="ascii") as f:
        out = [SignalRow(parse_time(r["timestamp"]), r["symbol"],
                         Direction.coerce(r["side"], "side"), float(r["confidence"]), i + 2)
               for i, r in enumerate(csv.DictReader(f))]
    return sorted(out, key=lambda s: (s.ts, s.line))


def pick_contract(underlying: str, direction: Direction, spot: float, now: int,
                  itm_pct: float) -> Contract:
    """A call (LONG) or a put (SHORT) itm_pct in the money (the strike nearest to it, strikes
    a dollar apart), expiring on the first Friday at least two days after today."""
    today = paperlib.from_ts(now).date()
    expiry = today + timedelta(days=2)
    expiry += timedelta(days=(4 - expiry.weekday()) % 7)
    if direction is Direction.LONG:
        return Contract(underlying, expiry, "C", float(round(spot * (1 - itm_pct / 100))))
    return Contract(underlying, expiry, "P", float(round(spot * (1 + itm_pct / 100))))


def contracts_for(confidence: float, min_confidence: float, premium: float,
                  budget: float) -> int:
    """1 to 5 contracts: one at the minimum confidence and one more for every 0.08 above it
    (counted in hundredths, exactly), no more than the budget buys."""
    above = round(confidence * 100) - round(min_confidence * 100)
    wanted = min(MAX_CONTRACTS, 1 + above // 8)
    return min(wanted, int(budget // (premium * 100)))


class Log:
    """PAPER lines to stdout and to the trader's log file."""

    def __init__(self, f: TextIO) -> None:
        self.f = f

    def __call__(self, line: str) -> None:
        print(line)
        self.f.write(line + "\n")


class OptionsTrader:
    def __init__(self, session: paperlib.Session, bars: Dict[str, List[Bar]],
                 signals: List[SignalRow], args: argparse.Namespace, log: Log) -> None:
        self.session = session
        self.broker = session.broker
        self.args = args
        self.log = log
        self.signals = signals
        self.next_signal = 0
        # The cycle clock: every bar time of the underlyings.
        self.bars = {u: {b.ts: b for b in rows} for u, rows in bars.items()}
        self.times = sorted({b.ts for rows in bars.values() for b in rows})
        self.last: Dict[str, Bar] = {}
        self.listed: Dict[str, Contract] = {}  # contracts that get bars: held or ordered
        self.entries: Dict[int, Tuple[SignalRow, Contract]] = {}  # entry order id -> why
        self.pending: set = set()  # entry orders not filled yet
        self.filled: List[int] = []
        self.closed: List[int] = []
        self.broker.on_event = self.on_event

    # The broker calls this inside its own calls: take notes only, print afterwards.
    def on_event(self, ev: paperlib.Event) -> None:
        if ev.type is EventType.FILL and ev.order_id in self.entries:
            self.filled.append(ev.order_id)
        elif ev.type is EventType.TRADE_CLOSED:
            self.closed.append(ev.order_id)  # the trade's id
        elif ev.type in (EventType.ORDER_REJECTED, EventType.ORDER_CANCELLED,
                         EventType.ORDER_EXPIRED):
            self.pending.discard(ev.order_id)

    def report(self) -> None:
        for oid in self.filled:
            self.pending.discard(oid)
            sig, c = self.entries[oid]
            o = self.broker.order(oid)
            mult = self.broker.instrument(o.symbol).multiplier
            levels = {p.symbol: p for p in self.session.positions()}.get(o.symbol)
            tp = f"{levels.take_profit:.2f}" if levels and levels.take_profit else "-"
            sl = f"{levels.stop_loss:.2f}" if levels and levels.stop_loss else "-"
            self.log(f"PAPER ENTRY {iso(o.updated_ts)} {o.symbol} BUY {o.filled_qty:g} @ "
                     f"{o.avg_fill_price:.2f} cost {o.filled_qty * o.avg_fill_price * mult:.2f} "
                     f"fee {o.fees:.2f} conf {sig.confidence:.2f} tp {tp} sl {sl} "
                     f"expires {c.expiry.isoformat()}")
        self.filled.clear()
        if self.closed:
            trades = {t.id: t for t in self.broker.trades()}
            for tid in self.closed:
                t = trades[tid]
                self.log(f"PAPER EXIT {iso(t.exit_ts)} {t.symbol} SELL {t.qty:g} @ "
                         f"{t.exit_price:.2f} reason {t.exit_reason.label} pnl {t.pnl_net:+.2f}")
            self.closed.clear()
        held = {p.symbol for p in self.broker.positions()}
        ordered = {self.entries[oid][1].symbol for oid in self.pending}
        self.listed = {s: c for s, c in self.listed.items() if s in held or s in ordered}

    def run(self) -> None:
        for k, now in enumerate(self.times):
            until = self.times[k + 1] if k + 1 < len(self.times) else None
            self.cycle(now, until)
        # The end of the data: what is still open is closed at its last price.
        self.session.exit_all(ExitReason.END_OF_DATA)
        self.report()

    def cycle(self, now: int, until: Optional[int]) -> None:
        # Prices first: the underlyings (the broker settles expired options from them), then
        # every listed contract's bar priced from its underlying's.
        for u in UNDERLYINGS:
            bar = self.bars.get(u, {}).get(now)
            if bar is not None:
                self.last[u] = bar
                self.session.on_bar(u, bar.ts, bar.open, bar.high, bar.low, bar.close, bar.volume)
        # The broker settles an expired contract when data stamped after its expiry arrives
        # (the bars above); a live loop whose clock passes an expiry without data says so.
        self.broker.settle_expired(now)
        self.report()
        for sym, c in sorted(self.listed.items()):
            self.feed_option(c, now)
        self.report()
        while self.next_signal < len(self.signals) and (
                until is None or self.signals[self.next_signal].ts < until):
            self.enter(self.signals[self.next_signal], now)
            self.next_signal += 1
        self.report()

    def feed_option(self, c: Contract, now: int) -> Optional[Tuple[float, float, float, float]]:
        bar = self.bars.get(c.underlying, {}).get(now)
        if bar is None or bar.ts >= c.expires:
            return None
        ohlc = option_bar(c, bar.ts, bar.end, bar.open, bar.high, bar.low, bar.close,
                          self.args.rate, self.args.vols[c.underlying])
        self.session.on_bar(c.symbol, bar.ts, *ohlc, bar.volume / 100)
        return ohlc

    def skip(self, sig: SignalRow, why: str) -> None:
        self.log(f"PAPER SKIP {iso(sig.ts)} {sig.underlying} {sig.direction.name}: {why}")

    def enter(self, sig: SignalRow, now: int) -> None:
        if sig.confidence < self.args.min_confidence:
            return self.skip(sig, f"low_confidence ({sig.confidence:.2f} < "
                                  f"{self.args.min_confidence:.2f})")
        if sig.underlying not in self.last:
            return self.skip(sig, "no_market_data")
        open_now = self.broker.account().open_positions + len(self.pending)
        if open_now >= MAX_POSITIONS:
            return self.skip(sig, f"max_positions ({MAX_POSITIONS} open)")
        c = pick_contract(sig.underlying, sig.direction, self.last[sig.underlying].close, now,
                          self.args.itm_pct)
        if c.symbol in self.listed:
            return self.skip(sig, f"position_open ({c.symbol})")
        # The contract's quote now: its bar over the underlying's current bar.
        self.listed[c.symbol] = c
        ohlc = self.feed_option(c, now)
        if ohlc is None:
            del self.listed[c.symbol]
            return self.skip(sig, f"no_market_data ({c.symbol})")
        premium = ohlc[3]
        qty = contracts_for(sig.confidence, self.args.min_confidence, premium, self.args.budget)
        if qty == 0:
            del self.listed[c.symbol]
            return self.skip(sig, f"size_zero ({c.symbol} at {premium:.2f} > budget)")
        intent = Intent(
            c.symbol, Direction.LONG, qty=qty,
            take_profit=to_tick(premium * (1 + self.args.take_profit_pct / 100)),
            stop_loss=to_tick(premium * (1 - self.args.stop_loss_pct / 100)),
            max_hold=timedelta(hours=self.args.max_hold_hours), ts=now,
            signal_id=f"signal-{sig.line}", strategy=f"{sig.underlying}-{'call' if c.right == 'C' else 'put'}",
        )
        try:
            result = self.session.submit_intent(intent)
        except OrderRejected as e:
            del self.listed[c.symbol]
            return self.skip(sig, f"{e.reason.label} ({e})")
        if result.verdict is not Verdict.TRADE:
            del self.listed[c.symbol]
            return self.skip(sig, result.verdict.label)
        self.entries[result.order_id] = (sig, c)
        self.pending.add(result.order_id)


def write_trades(broker: paperlib.Broker, path: str) -> None:
    with open(path, "w", newline="", encoding="ascii") as f:
        w = csv.writer(f, lineterminator="\n")
        w.writerow(["id", "symbol", "underlying", "right", "strike", "expiry", "multiplier",
                    "qty", "entry_time", "entry_price", "exit_time", "exit_price", "fees",
                    "pnl_net", "exit_reason"])
        for t in broker.trades():
            ins = broker.instrument(t.symbol)
            w.writerow([t.id, t.symbol, ins.underlying or t.symbol,
                        ins.right.label if ins.right else "", f"{ins.strike or 0:g}",
                        ins.expiry_time.isoformat() if ins.expiry_time else "",
                        f"{ins.multiplier:g}", f"{t.qty:g}", iso(t.entry_ts),
                        f"{t.entry_price:.2f}", iso(t.exit_ts), f"{t.exit_price:.2f}",
                        f"{t.fees:.2f}", f"{t.pnl_net:.2f}", t.exit_reason.label])


def summary(broker: paperlib.Broker, log: Log) -> bool:
    a = broker.account()
    trades = broker.trades()
    m = broker.metrics()
    log(f"account: cash {a.cash:.2f} equity {a.equity:.2f} realized {a.realized_pnl:.2f} "
        f"fees {a.fees:.2f} start {a.starting_cash:.2f}")
    wins = sum(1 for t in trades if t.pnl_net > 0)
    log(f"trades: {len(trades)} closed, {wins} net positive, {a.rejections} orders refused")
    reasons: Dict[str, int] = {}
    by_right: Dict[str, float] = {}
    for t in trades:
        reasons[t.exit_reason.label] = reasons.get(t.exit_reason.label, 0) + 1
        ins = broker.instrument(t.symbol)
        r = ins.right.label if ins.right else ins.asset_class.label
        by_right[r] = by_right.get(r, 0.0) + t.pnl_net
    log("exits: " + ", ".join(f"{k} {v}" for k, v in sorted(reasons.items())))
    # libpaper's grouping, as on the dashboard: every SPY option adds to SPY.
    log("pnl by underlying: " + ", ".join(f"{g.name} {g.total:+.2f}"
                                          for g in broker.pnl_by("underlying").values()))
    log("pnl by right: " + ", ".join(f"{k} {v:+.2f}" for k, v in sorted(by_right.items())))
    log(f"win rate {m['win_rate'] * 100:.1f}% sharpe {m['sharpe_ratio']:.4f} "
        f"max drawdown {m['max_drawdown'] * 100:.2f}% profit factor {m['profit_factor']:.4f}")
    ok = a.open_positions == 0 and a.reconciles
    log(f"reconciles: {'yes' if ok else 'NO'}")
    return ok


def config_for(args: argparse.Namespace, out: str) -> paperlib.Config:
    config = paperlib.Config(
        account__name="options-paper",
        account__starting_cash=100_000.0,
        account__type="cash",  # long premium only: no shorts, no margin
        limits__allowed_symbols="SPY,QQQ,IWM",  # admits their options (the underlying matches)
        limits__max_order_qty=MAX_CONTRACTS,
        limits__max_open_positions=MAX_POSITIONS,
        limits__max_open_positions_ceiling=MAX_POSITIONS,
        costs__commission_pct=0.0,
        costs__commission_min=0.0,
        costs__commission_per_contract=0.65,
        costs__slippage_pct=0.0,
        logging__log_file=os.path.join(out, "paper_trading.log"),
    )
    if args.config:
        config.load_file(args.config)
    config.validate()
    return config


def parse_vols(items: List[str]) -> Dict[str, float]:
    vols = dict(VOLS)
    for item in items:
        sym, _, v = item.partition("=")
        if sym not in vols or not v:
            raise SystemExit(f"--vol {item!r}: expected one of {', '.join(vols)}=VOL")
        vols[sym] = float(v)
    return vols


def main(argv: Optional[List[str]] = None) -> int:
    p = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    p.add_argument("--data", default=DATA, help="directory of SPY.csv, QQQ.csv, IWM.csv")
    p.add_argument("--signals", help="signals CSV (default: DATA/signals.csv)")
    p.add_argument("--out", default="options-paper", help="directory for the logs, trades.csv "
                   "and dashboard.html (default: ./options-paper)")
    p.add_argument("--config", help="broker settings from an INI file, over the defaults")
    p.add_argument("--take-profit-pct", type=float, default=75.0)
    p.add_argument("--stop-loss-pct", type=float, default=50.0)
    p.add_argument("--max-hold-hours", type=float, default=96.0)
    p.add_argument("--itm-pct", type=float, default=2.0,
                   help="how far in the money the strike is, in percent of the underlying")
    p.add_argument("--budget", type=float, default=5000.0, help="most premium an entry pays")
    p.add_argument("--min-confidence", type=float, default=0.60)
    p.add_argument("--vol", action="append", default=[], metavar="SYM=V",
                   help="implied volatility of an underlying's options")
    p.add_argument("--rate", type=float, default=RATE, help="interest rate of the model")
    args = p.parse_args(argv)
    args.vols = parse_vols(args.vol)
    os.makedirs(args.out, exist_ok=True)
    bars = {u: read_bars(os.path.join(args.data, u + ".csv")) for u in UNDERLYINGS
            if os.path.exists(os.path.join(args.data, u + ".csv"))}
    signals = read_signals(args.signals or os.path.join(args.data, "signals.csv"))
    config = config_for(args, args.out)
    with open(os.path.join(args.out, "trader.log"), "w", encoding="utf-8") as f, \
            paperlib.Broker(config) as broker, paperlib.Session(broker) as session:
        log = Log(f)
        OptionsTrader(session, bars, signals, args, log).run()
        ok = summary(broker, log)
        write_trades(broker, os.path.join(args.out, "trades.csv"))
        broker.write_report(os.path.join(args.out, "dashboard.html"),
                            title="Options paper trader (PAPER)", min_trades=10,
                            min_win_rate=0.60, min_sharpe=1.0, max_drawdown=0.10)
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
