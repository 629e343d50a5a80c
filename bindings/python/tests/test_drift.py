"""paperlib.drift: the hand-built case of tests/test-drift.c through the bindings."""

import json
import math
from datetime import datetime, timedelta, timezone

import pytest

import paperlib
from paperlib import Direction, ExitReason

D10 = paperlib.to_ts(datetime(2024, 1, 2, 10, tzinfo=timezone.utc))
MIN = 60_000_000


def at(h, m):
    return D10 + ((h - 10) * 60 + m) * MIN


def settings(name, slippage):
    return dict(account__name=name, costs__commission_pct=0, costs__commission_min=0,
                costs__slippage_pct=slippage, costs__slippage_market_mult=1,
                costs__slippage_jitter=0, limits__max_position_fraction=100,
                limits__daily_loss_limit=1)


def fill_at(b, sym, side, ts, price, signal_id="", reason=ExitReason.NONE):
    b.on_quote(sym, ts - MIN, 0, 0, price)
    b.submit(sym, side, 10, signal_id=signal_id, exit_reason=reason)
    b.on_quote(sym, ts, 0, 0, price)


def backtest():
    b = paperlib.Broker(**settings("backtest", 0.05))
    for sym, px in (("AAA", 100), ("BBB", 50), ("CCC", 200)):
        b.on_quote(sym, at(9, 59), 0, 0, px)
    b.submit("AAA", "buy", 10, signal_id="s1")
    b.submit("BBB", "buy", 10, signal_id="s2")
    b.submit("CCC", "sell", 10, signal_id="s3")
    for sym, px in (("AAA", 100), ("BBB", 50), ("CCC", 200)):
        b.on_quote(sym, at(10, 0), 0, 0, px)
    fill_at(b, "BBB", "sell", at(11, 0), 51, reason=ExitReason.TIME_LIMIT)
    fill_at(b, "AAA", "sell", at(12, 0), 102, reason=ExitReason.TAKE_PROFIT)
    fill_at(b, "CCC", "buy", at(13, 0), 198, reason=ExitReason.TAKE_PROFIT)
    return b


def paper(tmp_path):
    ledger = paperlib.Ledger(str(tmp_path / "paper.db"))
    ledger.create_account(paperlib.Config(**settings("paper", 0.1)))
    with ledger.open_broker("paper") as b:
        fill_at(b, "AAA", "buy", at(10, 0), 100, "s1")
        fill_at(b, "BBB", "buy", at(10, 30), 50.5, "manual-7")
        fill_at(b, "BBB", "sell", at(11, 0), 51, reason=ExitReason.TIME_LIMIT)
        fill_at(b, "DDD", "buy", at(11, 30), 20, "x9")
        fill_at(b, "AAA", "sell", at(12, 0), 101.5, reason=ExitReason.TAKE_PROFIT)
        fill_at(b, "DDD", "sell", at(12, 30), 19, reason=ExitReason.STOP_LOSS)
    return ledger, ledger.load_broker("paper")


def test_hand_built_case(tmp_path):
    ledger, p = paper(tmp_path)
    b = backtest()
    d = paperlib.drift(p, b)
    s = d.summary
    assert (s.paper_trades, s.backtest_trades, s.matched, s.matched_by_signal_id,
            s.matched_by_time, s.missed, s.extra) == (3, 3, 2, 1, 1, 1, 1)
    assert (s.paper_pnl_e8, s.backtest_pnl_e8, s.matched_pnl_drift_e8, s.missed_pnl_e8,
            s.extra_pnl_e8) == (658000000, 4649500000, -1151500000, 1801000000, -1039000000)
    assert s.pnl_drift == pytest.approx(-39.915)
    assert (s.mean_entry_delay, s.max_entry_delay) == (900, 1800)
    assert s.paper_slippage == pytest.approx(3.42) and s.backtest_slippage == pytest.approx(3.505)
    assert [(r.kind, r.match, r.symbol) for r in d.rows] == [
        ("matched", "signal_id", "AAA"), ("matched", "time", "BBB"), ("missed", "none", "CCC"),
        ("extra", "none", "DDD")]
    aaa, bbb, ccc, ddd = d.rows
    assert (aaa.paper_exit_price, aaa.backtest_exit_price) == (pytest.approx(101.3985), pytest.approx(101.949))
    assert aaa.exit_drift_bps == pytest.approx((101.949 - 101.3985) / 101.949 * 1e4)
    assert aaa.paper_reason is ExitReason.TAKE_PROFIT and aaa.direction is Direction.LONG
    assert bbb.entry_delay == 1800 and bbb.signal_id == "manual-7"
    assert ccc.direction is Direction.SHORT and math.isnan(ccc.paper_entry_price)
    assert ccc.pnl_drift == pytest.approx(-18.01) and ddd.pnl_drift == pytest.approx(-10.39)
    js = d.as_dict()
    assert js["summary"]["pnl_drift"] == -39.915 and json.loads(d.to_json()) == js
    assert "matched=2 missed=1 extra=1" in repr(d)
    # Options: by signal id only; a short tolerance; a range.
    assert paperlib.drift(p, b, match_by_time=False).summary.matched == 1
    assert paperlib.drift(p, b, tolerance=timedelta(minutes=29)).summary.matched_by_time == 0
    assert paperlib.drift(p, b, tolerance=1800).summary.matched_by_time == 1
    r = paperlib.drift(p, b, start=at(10, 15)).summary
    assert (r.paper_trades, r.backtest_trades, r.extra) == (2, 0, 2)
    p.close()
    ledger.close()


def test_bad_arguments():
    b = paperlib.Broker()
    with pytest.raises(TypeError):
        paperlib.drift(b, "not a broker")
    with pytest.raises(paperlib.InvalidArgument):
        paperlib.drift(b, b, tolerance=-1)
    with pytest.raises(paperlib.InvalidArgument):
        paperlib.drift(b, b, start=at(11, 0), end=at(10, 0))
    assert paperlib.drift(b, b).rows == []
