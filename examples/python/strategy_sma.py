#!/usr/bin/env python3
"""A moving-average crossover written as a paperlib.Strategy, run over the bundled sample
bars read with pandas, then the account's dashboard and the quant tear sheet as HTML.

    strategy_sma.py [--bars DIR] [--out DIR] [--fast N] [--slow N] [--notional X]

Per symbol: when the mean of the last `fast` closes is above the mean of the last `slow`,
hold a position worth about `notional` (bought at the next bar's open, rounded down to whole
units, 0.0001 for BTC-USD); when it falls below, close it. Whatever is open at the end is
closed at its last close. The run prints its figures and writes dashboard.html (the account,
its trades and checks) and tearsheet.html (returns, drawdowns, monthly heatmap) into --out:
self-contained pages with no external resource.

The bars are examples/data/bars/*.csv (one file per symbol, ISO-8601 UTC times), read with
pandas.read_csv into DataFrames with a DatetimeIndex - the form most Python quant code
already has - and handed to paperlib.run() as {symbol: DataFrame}.
"""

from __future__ import annotations

import argparse
import pathlib
import sys

import pandas as pd

import paperlib

HERE = pathlib.Path(__file__).resolve().parent


class SmaCross(paperlib.Strategy):
    """Long while the fast mean is above the slow one (parameters: class attributes)."""

    fast = 10
    slow = 30
    notional = 10_000.0
    lots = {"BTC-USD": 0.0001}
    tag = "sma"

    def on_bar(self, bar):
        for symbol in bar:
            closes = self.history(symbol, "close", self.slow)  # up to this bar, no look-ahead
            if len(closes) < self.slow:
                continue
            up = closes[-self.fast:].mean() > closes.mean()
            held = self.position(symbol)
            if up and held is None:
                self.buy(symbol, notional=self.notional)  # fills at the next bar's open
            elif not up and held is not None:
                self.close(symbol, exit_reason="reverse_signal")


def read_bars(directory: pathlib.Path) -> dict:
    return {p.stem: pd.read_csv(p, index_col="timestamp", parse_dates=True)
            for p in sorted(directory.glob("*.csv"))}


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--bars", type=pathlib.Path, default=HERE.parent / "data" / "bars")
    p.add_argument("--out", type=pathlib.Path, default=pathlib.Path("."))
    p.add_argument("--fast", type=int, default=SmaCross.fast)
    p.add_argument("--slow", type=int, default=SmaCross.slow)
    p.add_argument("--notional", type=float, default=SmaCross.notional)
    args = p.parse_args()

    frames = read_bars(args.bars)
    if not frames:
        print(f"no *.csv in {args.bars}", file=sys.stderr)
        return 1
    result = paperlib.run(SmaCross, frames, {"account.starting_cash": 100_000},
                          fast=args.fast, slow=args.slow, notional=args.notional)

    acct = result.broker.account()
    m = result.metrics
    trades = result.trades_df()
    print(f"bars: {result.bars} of {len(result.symbols)} symbols ({', '.join(result.symbols)})")
    print(f"trades: {len(trades)} closed, {int((trades['pnl_net'] > 0).sum())} won")
    print(f"final equity: {acct.equity:.2f} (net P&L {acct.equity - acct.starting_cash:+.2f})")
    print(f"total return: {m['total_return']:.4%}")
    print(f"sharpe ratio: {m['sharpe_ratio']:.3f}")
    print(f"max drawdown: {m['max_drawdown']:.4%}")
    print(f"win rate: {m['win_rate']:.2%}")
    print("by symbol:")
    print(trades.groupby("symbol")["pnl_net"].agg(["count", "sum"]).round(2).to_string())
    print(f"reconciles: {'yes' if acct.reconciles else 'NO'}")
    args.out.mkdir(parents=True, exist_ok=True)
    result.write_report(args.out / "dashboard.html", title="SMA crossover (paperlib.Strategy)")
    result.tearsheet(path=args.out / "tearsheet.html", title="SMA crossover")
    print(f"wrote {args.out / 'dashboard.html'} and {args.out / 'tearsheet.html'}")
    return 0 if acct.reconciles else 1


if __name__ == "__main__":
    sys.exit(main())
