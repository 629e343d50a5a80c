"""Session: signals in, sized entries, managed exits, summaries; trade plans."""

import json
from datetime import timedelta

import pytest

import paperlib
from paperlib import Direction, ExitReason, Intent, OrderRejected, Session, Signal, Verdict

from conftest import DAY, HOUR, SRCDIR, T0


def make(**settings):
    base = dict(costs__slippage_pct=0.0, costs__commission_pct=0.0, costs__commission_min=0.0,
                session__sizing="qty", session__qty=10.0, session__tp_pct=5.0, session__sl_pct=5.0)
    base.update(settings)
    b = paperlib.Broker(**base)
    return b, Session(b)


def test_enter_manage_and_take_profit():
    b, s = make()
    with b, s:
        s.on_bar("AAPL", T0, 100.0, 101.0, 99.0, 100.0, 1e6)
        sig = Signal("AAPL", "long", confidence=0.8, signal_id="s1", strategy="st")
        assert s.should_trade(sig) is Verdict.TRADE
        assert s.size(sig) == 10.0
        r = s.enter(sig)
        assert r.verdict is Verdict.TRADE and r.order_id > 0 and r.traded
        assert s.enter(sig).verdict in (Verdict.POSITION_OPEN, Verdict.DUPLICATE_SIGNAL)
        s.on_bar("AAPL", T0 + HOUR, 100.0, 101.0, 99.0, 100.0, 1e6)
        (p,) = s.positions()
        assert (p.symbol, p.direction, p.qty, p.entry_price) == ("AAPL", Direction.LONG, 10.0, 100.0)
        assert (p.take_profit, p.stop_loss, p.trailing_stop) == (105.0, 95.0, None)
        assert p.entry_ts == T0 + HOUR and p.entry_time.year == 2024
        s.on_bar("AAPL", T0 + 2 * HOUR, 100.0, 106.0, 99.5, 104.0, 1e6)
        assert s.positions() == [] and b.position("AAPL") is None
        (t,) = b.trades()
        assert (t.exit_reason, t.exit_price, t.strategy, t.signal_id) == (ExitReason.TAKE_PROFIT, 105.0, "st", "s1")
        st = s.stats()
        assert (st.signals, st.entries, st.entries_filled, st.trades, st.wins) == (2, 1, 1, 1, 1)
        assert st.verdicts[Verdict.TRADE] == 1 and st.exits[ExitReason.TAKE_PROFIT] == 1
        assert st.pnl_net == 50.0 and st.pnl_net_e8 == 50 * 10**8
        summary = s.summary()
        assert summary["trades"] and "metrics" in summary and "account" in summary
        assert json.loads(s.summary_json(equity_curve=True))["metrics"]["equity_curve"]


def test_verdicts_keywords_and_reverse():
    b, s = make(limits__min_confidence=0.6)
    with b:
        s.on_bar("MSFT", T0, 100.0, 101.0, 99.0, 100.0, 1e6)
        assert s.enter(symbol="MSFT", direction="long", confidence=0.3).verdict is Verdict.LOW_CONFIDENCE
        s.set_enabled(False)
        assert s.enter(symbol="MSFT", direction="long").verdict is Verdict.DISABLED
        s.set_enabled(True)
        assert s.on_signal(Signal("MSFT", Direction.LONG)).verdict is Verdict.TRADE
        s.on_bar("MSFT", T0 + HOUR, 100.0, 101.0, 99.0, 100.0, 1e6)
        r = s.on_signal(Signal("MSFT", "short", ts=T0 + HOUR))
        assert r.verdict is Verdict.REVERSE_EXIT and r.order_id > 0
        s.on_bar("MSFT", T0 + 2 * HOUR, 100.0, 101.0, 99.0, 100.0, 1e6)
        assert b.trades()[-1].exit_reason is ExitReason.REVERSE_SIGNAL
        with pytest.raises(TypeError):
            s.enter(Signal("MSFT"), confidence=0.5)
        with pytest.raises(TypeError):
            s.enter("MSFT")
        with pytest.raises(paperlib.InvalidArgument):
            s.enter(Signal("MSFT", "sideways"))
        with pytest.raises(paperlib.InvalidArgument):
            s.enter(Signal("MSFT", confidence=float("nan")))


def test_rejected_entry_raises_with_reason():
    b, s = make()
    with b:
        s.on_bar("AAPL", T0, 100.0, 101.0, 99.0, 100.0, 1e6)
        b.set_halted(True)
        with pytest.raises(OrderRejected) as info:
            s.enter(Signal("AAPL", "long"))
        assert info.value.reason is paperlib.RejectReason.KILL_SWITCH
        with pytest.raises(OrderRejected) as info:
            s.enter(Signal("NODATA", "long"))
        assert info.value.code is paperlib.ErrorCode.ENODATA


def test_check_exits_exit_and_force_exit_all():
    b, s = make(session__tp_pct=0.0, session__sl_pct=0.0, session__max_hold_minutes=60)
    with b:
        syms = ("AAPL", "MSFT", "SPY")
        for sym in syms:
            s.on_bar(sym, T0, 100.0, 101.0, 99.0, 100.0, 1e6)
        # Entered at the clock (T0): each fills on its symbol's next bar, stamped after it.
        for sym in syms:
            s.enter(Signal(sym, "long"))
        for sym in syms:
            s.on_bar(sym, T0 + HOUR, 100.0, 101.0, 99.0, 100.0, 1e6)
        assert len(s.positions()) == 3
        s.exit("SPY")
        assert b.trades()[-1].exit_reason is ExitReason.MANUAL
        with pytest.raises(paperlib.NotFound):
            s.exit("SPY")
        s.check_exits({"AAPL": 101.0}, ts=T0 + 3 * HOUR)  # past the time limit
        assert b.trades()[-1].exit_reason is ExitReason.TIME_LIMIT
        s.check_exits()
        s.force_exit_all()
        assert b.positions() == []
        assert b.trades()[-1].exit_reason is ExitReason.FORCE
        with pytest.raises(paperlib.InvalidArgument):
            s.exit_all(ExitReason.NONE)
        with pytest.raises(TypeError):
            s.check_exits([("AAPL", 1.0)])
        with pytest.raises(paperlib.InvalidArgument):
            s.check_exits({"AAPL": float("nan")})


def test_symbol_lot():
    b, s = make(session__sizing="notional", session__notional=1000.0)
    with b:
        s.on_bar("BTC-USD", T0, 40000.0, 40100.0, 39900.0, 40000.0, 10.0)
        assert s.size(Signal("BTC-USD", "long")) == 0.0
        s.set_symbol_lot("BTC-USD", 0.001, fractional=True)
        assert s.size(Signal("BTC-USD", "long")) == 0.025
        with pytest.raises(paperlib.InvalidArgument):
            s.set_symbol_lot("BTC-USD", 0.5, fractional=False)
        with pytest.raises(TypeError):
            s.set_symbol_lot("BTC-USD", 0.5, fractional=1)


def test_intents_and_plans(tmp_path):
    b, s = make()
    with b:
        s.on_bar("AAPL", T0, 100.0, 101.0, 99.0, 100.0, 1e6)
        r = s.submit_intent(Intent("AAPL", "long", qty=3, take_profit=120.0, stop_loss=80.0,
                                   max_hold=timedelta(days=2)))
        assert r.verdict is Verdict.TRADE
        s.on_bar("AAPL", T0 + HOUR, 100.0, 101.0, 99.0, 100.0, 1e6)
        (p,) = s.positions()
        assert (p.qty, p.take_profit, p.stop_loss, p.deadline) == (3.0, 120.0, 80.0, T0 + HOUR + 2 * DAY)
        with pytest.raises(TypeError):
            s.submit_intent(Signal("AAPL"))
        with pytest.raises(TypeError):
            s.submit_intent(Intent("AAPL", qty=1, max_hold=1.5))
    plan = paperlib.read_plan(SRCDIR / "examples" / "data" / "trade_plan.csv")
    assert len(plan) == 6 and plan[0].line == 2
    assert (plan[0].symbol, plan[0].direction, plan[0].qty, plan[0].max_hold) == ("AAPL", Direction.LONG, 50.0, timedelta(days=5))
    assert plan[1].notional == 10000.0 and plan[1].limit == 416.63
    bad = tmp_path / "plan.csv"
    bad.write_text("symbol,side,qty\nAAPL,UP,1\n")
    with pytest.raises(paperlib.InvalidArgument) as info:
        paperlib.read_plan(bad)
    assert info.value.code is paperlib.ErrorCode.EFORMAT and ":2" in str(info.value) or "line 2" in str(info.value)
    with pytest.raises(paperlib.LedgerError):
        paperlib.read_plan(tmp_path / "missing.csv")


def test_session_lifetime_follows_the_broker():
    b = paperlib.Broker()
    s = Session(b)
    b.close()
    assert s.closed
    with pytest.raises(paperlib.StateError):
        s.stats()
    b2 = paperlib.Broker()
    s2 = Session(b2)
    del b2  # the session keeps its broker alive
    s2.on_bar("AAPL", T0, 100.0, 101.0, 99.0, 100.0, 1e6)
    assert s2.broker.account().ts == T0
    s2.close()
    s2.close()
    with pytest.raises(TypeError):
        Session(object())


def test_session_cannot_be_used_from_the_broker_callback():
    seen = []
    b = paperlib.Broker()
    s = Session(b)

    def cb(ev):
        try:
            s.stats()
        except paperlib.StateError as e:
            seen.append(e)

    b.on_event = cb
    s.on_bar("AAPL", T0, 100.0, 101.0, 99.0, 100.0, 1e6)
    assert seen and "own event callback" in str(seen[0])
    b.close()


def test_signal_ref_price_sizes_the_entry():
    # seed 002's rule: 100,000 x 0.2 x 0.8/0.8 x (1 - 0.5 x 0.5) = 15,000 of the symbol,
    # sized at the decision's own price 125 (120 units), not at the last close 100 (150).
    b, s = make(session__sizing="fraction", session__fraction_base=0.2,
                session__fractional=True, session__lot_size=0.00000001)
    with b, s:
        s.on_bar("BTC", T0, 100.0, 100.0, 100.0, 100.0, 1e6)
        assert s.size(Signal("BTC", "long", confidence=0.8, risk=0.5)) == 150.0
        sig = Signal("BTC", "long", confidence=0.8, risk=0.5, ref_price=125.0, signal_id="d1")
        assert s.size(sig) == 120.0
        assert s.size(Signal("BTC", "long", confidence=0.4, ref_price=64.0)) == 156.25  # 100,000 x 0.2 x 0.4/0.8 / 64
        r = s.enter(sig)
        assert r.verdict is Verdict.TRADE
        # never a fill price: the entry waits for the next price and fills there
        assert b.order(r.order_id).qty == 120.0 and b.fills() == []
        s.on_bar("BTC", T0 + HOUR, 101.0, 101.0, 101.0, 101.0, 1e6)
        (f,) = b.fills()
        assert (f.qty, f.price) == (120.0, 101.0)
        (p,) = s.positions()
        assert p.entry_price == 101.0
    b, s = make()
    with b, s:
        s.on_bar("AAPL", T0, 100.0, 100.0, 100.0, 100.0, 1e6)
        for bad in (float("nan"), float("inf"), -1.0, 0.0, 0, -0.0):
            with pytest.raises(paperlib.InvalidArgument, match="ref_price"):
                s.size(Signal("AAPL", "long", ref_price=bad))
        with pytest.raises(TypeError):
            s.size(Signal("AAPL", "long", ref_price="100"))
        assert s.size(Signal("AAPL", "long", ref_price=None)) == 10.0
