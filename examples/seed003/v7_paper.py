#!/usr/bin/env python3
"""Seed 003's V7 paper trader on libpaper: the runtime loop, its PAPER log and its stats.

    v7_paper.py --ledger v7.db [--prices prices.csv] [--signals signals.csv] [--json]

Each iteration (one timestamp of prices.csv, the "latest candle close" of each symbol) it does
what apps/runtime/v7_runtime.py did: exits first (take profit, stop loss, the 240-minute time
limit, checked at the latest prices), then enters every signal of the iteration (aggressive
mode: no confidence threshold), with the signal's own targets when it has them and 2 % / 1.5 %
otherwise, $1000 per trade, fractional quantities. The account lives in a ledger (the seed's
tradingai.db), so it survives the process.

The PAPER lines are libpaper's own (paperlib logs them through Python's logging, logger
"paperlib"): the seed's `tail -f /tmp/v7_production.log | grep PAPER` keeps working, with
`PAPER ENTRY` when an entry fills and `PAPER EXIT` with the P&L in percent when it closes. At
the end it prints the seed's `record_trade.py stats`: total trades, wins, losses, win rate and
the average win and loss in percent (--json: the numbers as JSON).
"""

from __future__ import annotations

import argparse
import csv
import json
import logging
import os
import sys
from collections import OrderedDict
from datetime import datetime
from typing import Dict, List

import paperlib

HERE = os.path.dirname(os.path.abspath(__file__))


def ts_of(text: str) -> int:
    return paperlib.to_ts(datetime.strptime(text.replace("Z", "+0000"), "%Y-%m-%dT%H:%M:%S%z"))


def iterations(prices: str, signals: str) -> "OrderedDict[int, Dict[str, list]]":
    """{time: {"prices": {symbol: price}, "signals": [Signal, ...]}} in time order."""
    it: Dict[int, Dict[str, list]] = {}
    with open(prices, newline="", encoding="ascii") as f:
        for row in csv.DictReader(f):
            it.setdefault(ts_of(row["timestamp"]), {"prices": {}, "signals": []})["prices"][row["symbol"]] = float(row["price"])
    with open(signals, newline="", encoding="ascii") as f:
        for row in csv.DictReader(f):
            sig = paperlib.Signal(
                row["symbol"], row["side"], confidence=float(row["confidence"]),
                take_profit=float(row["take_profit"]) if row["take_profit"] else None,
                stop_loss=float(row["stop_loss"]) if row["stop_loss"] else None,
                signal_id=row["signal_id"])
            it.setdefault(ts_of(row["timestamp"]), {"prices": {}, "signals": []})["signals"].append(sig)
    return OrderedDict(sorted(it.items()))


def stats(trades: List[paperlib.Trade]) -> Dict[str, float]:
    """record_trade.py stats: the seed's SQL over signal_results, on libpaper's trades."""
    def pct(t: paperlib.Trade) -> float:  # the seed's pnl_percent: the price move, by direction
        move = (t.exit_price - t.entry_price) / t.entry_price * 100
        return move if t.direction == paperlib.Direction.LONG else -move

    wins = [pct(t) for t in trades if t.pnl_net > 0]
    losses = [pct(t) for t in trades if t.pnl_net < 0]
    return {
        "total_trades": len(trades),
        "wins": len(wins),
        "losses": len(losses),
        "win_rate": round(100.0 * len(wins) / len(trades), 2) if trades else None,
        "avg_win": sum(wins) / len(wins) if wins else None,
        "avg_loss": sum(losses) / len(losses) if losses else None,
    }


def main(argv: List[str]) -> int:
    ap = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    ap.add_argument("--ledger", required=True)
    ap.add_argument("--prices", default=os.path.join(HERE, "prices.csv"))
    ap.add_argument("--signals", default=os.path.join(HERE, "signals.csv"))
    ap.add_argument("--json", action="store_true")
    args = ap.parse_args(argv)

    # Before the broker exists: it then logs its PAPER lines to the "paperlib" logger.
    logging.basicConfig(level=logging.INFO, format="%(message)s", stream=sys.stdout)
    ledger = paperlib.Ledger(args.ledger)
    if "v7" not in ledger.accounts():
        ledger.create_account(paperlib.Config.from_file(os.path.join(HERE, "paper.ini")))
    broker = ledger.open_broker("v7")
    session = paperlib.Session(broker)
    print("✅ Paper trader initialized (aggressive=True, auto-trade enabled)")
    for ts, it in iterations(args.prices, args.signals).items():
        before = len(broker.trades())
        if it["prices"]:
            session.check_exits(it["prices"], ts)
        closed = len(broker.trades()) - before
        if closed:
            print(f"📊 Closed {closed} paper trades this iteration")
        for sig in it["signals"]:
            session.enter(sig)
    result = stats(broker.trades())
    session.close()
    broker.close()
    ledger.close()
    if args.json:
        print(json.dumps(result))
    else:
        print("\n".join(f"{k}: {v}" for k, v in result.items()))
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
