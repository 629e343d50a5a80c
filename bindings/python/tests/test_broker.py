"""Broker: every method, its results and its errors."""

import math
from datetime import datetime, timezone

import pytest

import paperlib
from paperlib import (
    Direction,
    ErrorCode,
    EventType,
    ExitReason,
    ExitStyle,
    FillFlag,
    FillReason,
    InvalidArgument,
    NotFound,
    OrderRejected,
    OrderStatus,
    OrderType,
    RejectReason,
    Side,
    StateError,
    TimeInForce,
)

from conftest import DAY, HOUR, T0, bar


def test_market_order_on_bars_fills_at_next_open(free_broker):
    b = free_broker
    bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.5)
    oid = b.submit("AAPL", Side.BUY, 10)
    assert oid == 1
    (o,) = b.orders()
    assert (o.id, o.symbol, o.side, o.type, o.status, o.qty) == (1, "AAPL", Side.BUY, OrderType.MARKET, OrderStatus.ACCEPTED, 10.0)
    assert o.is_open and o.remaining_qty == 10.0 and o.submitted_ts == T0
    bar(b, "AAPL", T0 + HOUR, 102.0, 103.0, 101.0, 102.5)
    assert b.orders() == []
    o = b.order(oid)
    assert (o.status, o.filled_qty, o.avg_fill_price) == (OrderStatus.FILLED, 10.0, 102.0)
    (f,) = b.fills()
    assert (f.seq, f.order_id, f.symbol, f.side, f.ts, f.qty, f.price, f.fee) == (1, oid, "AAPL", Side.BUY, T0 + HOUR, 10.0, 102.0, 0.0)
    assert f.reason is FillReason.MARKET_OPEN and f.flags == FillFlag.NONE
    assert (f.qty_e8, f.price_e8) == (10 * 10**8, 102 * 10**8)
    assert f.time == datetime.fromtimestamp((T0 + HOUR) / 1e6, timezone.utc)
    assert f.notional == 1020.0
    p = b.position("AAPL")
    assert (p.symbol, p.direction, p.qty, p.avg_price, p.market_price) == ("AAPL", Direction.LONG, 10.0, 102.0, 102.5)
    assert p.unrealized_pnl == pytest.approx(5.0)
    assert p.opened_ts == T0 + HOUR and p.opened_time.year == 2024
    assert b.positions() == [p]
    a = b.account()
    assert a.cash == 100000.0 - 1020.0
    assert a.equity == pytest.approx(100000.0 + 5.0)
    assert (a.open_positions, a.fills, a.closed_trades, a.open_orders, a.halted) == (1, 1, 0, 0, False)


def test_round_trip_trade_and_reconciliation(free_broker):
    b = free_broker
    bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
    b.submit("AAPL", "buy", 10, strategy="trend", signal_id="sig-1", confidence=0.9)
    bar(b, "AAPL", T0 + HOUR, 100.0, 101.0, 99.0, 100.0)
    b.submit("AAPL", "sell", 10, exit_reason=ExitReason.TAKE_PROFIT)
    bar(b, "AAPL", T0 + 2 * HOUR, 110.0, 111.0, 109.0, 110.0)
    assert b.position("AAPL") is None and b.positions() == []
    (t,) = b.trades()
    assert (t.id, t.symbol, t.direction, t.qty, t.entry_price, t.exit_price) == (1, "AAPL", Direction.LONG, 10.0, 100.0, 110.0)
    assert (t.pnl_gross, t.fees, t.pnl_net) == (100.0, 0.0, 100.0)
    assert t.exit_reason is ExitReason.TAKE_PROFIT
    assert (t.strategy, t.signal_id, t.confidence) == ("trend", "sig-1", 0.9)
    assert t.duration.total_seconds() == 3600.0
    assert t.entry_time < t.exit_time
    a = b.account()
    assert a.cash == 100100.0 and a.realized_pnl == 100.0 and a.closed_trades == 1
    assert a.reconciles


def test_quotes_limit_and_stop_orders(free_broker):
    b = free_broker
    b.on_quote("MSFT", T0, 99.0, 101.0, 100.0)
    lim = b.submit("MSFT", Side.BUY, 5, OrderType.LIMIT, limit=98.0, tif=TimeInForce.GTC, client_id="L1")
    stp = b.submit("MSFT", Side.BUY, 5, "stop", stop=105.0)
    assert b.order(lim).client_id == "L1" and b.order(lim).limit_price == 98.0
    assert b.order(stp).stop_price == 105.0
    b.on_quote("MSFT", T0 + 1, 97.0, 97.5, 97.2)
    assert b.order(lim).status is OrderStatus.FILLED
    assert b.fills()[-1].reason is FillReason.LIMIT_QUOTE
    b.on_quote("MSFT", T0 + 2, 105.0, 106.0, 105.5)
    assert b.order(stp).status is OrderStatus.FILLED
    assert b.fills()[-1].reason is FillReason.STOP_QUOTE
    b.on_quote("MSFT", datetime.fromtimestamp((T0 + 3) / 1e6, timezone.utc), last=106.0)
    assert b.position("MSFT").qty == 10.0


def test_defaults_are_reset_between_submissions(free_broker):
    b = free_broker
    bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
    first = b.submit("AAPL", Side.BUY, 1, OrderType.LIMIT, limit=90.0, tif="day", client_id="x",
                     strategy="s", signal_id="y", confidence=0.7, oco_group=5,
                     exit_reason="manual", ts=T0 + 10)
    second = b.submit("AAPL", Side.BUY, 2)
    o1, o2 = b.order(first), b.order(second)
    assert (o1.tif, o1.client_id, o1.strategy, o1.signal_id, o1.confidence, o1.oco_group, o1.exit_reason, o1.submitted_ts) == (
        TimeInForce.DAY, "x", "s", "y", 0.7, 5, ExitReason.MANUAL, T0 + 10)
    assert (o2.type, o2.tif, o2.client_id, o2.strategy, o2.signal_id, o2.confidence, o2.oco_group, o2.exit_reason, o2.limit_price, o2.submitted_ts) == (
        OrderType.MARKET, TimeInForce.GTC, "", "", "", None, 0, ExitReason.NONE, 0.0, T0)
    third = b.submit("AAPL", Side.SELL, 1, strategy="s")
    assert b.order(third).client_id == "" and b.order(third).strategy == "s"


def test_rejections_carry_the_recorded_reason(free_broker):
    b = free_broker
    with pytest.raises(OrderRejected) as info:
        b.submit("AAPL", Side.BUY, 1)
    assert info.value.code is ErrorCode.ENODATA
    assert info.value.reason is RejectReason.NO_MARKET_DATA
    assert "AAPL" in str(info.value)
    bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
    with pytest.raises(OrderRejected) as info:
        b.submit("AAPL", Side.BUY, 5000)
    assert info.value.code is ErrorCode.ELIMIT
    assert info.value.reason is RejectReason.MAX_POSITION_FRACTION
    with pytest.raises(OrderRejected) as info:
        b.submit("AAPL", Side.BUY, 1, confidence=0.1)
    assert info.value.reason is RejectReason.MIN_CONFIDENCE
    b.set_halted(True)
    with pytest.raises(OrderRejected) as info:
        b.submit("AAPL", Side.BUY, 1)
    assert (info.value.code, info.value.reason) == (ErrorCode.EHALTED, RejectReason.KILL_SWITCH)
    assert b.account().halted
    b.set_halted(False)
    assert b.account().rejections == 4
    assert b.orders() == []


def test_funds_and_shorting_in_a_cash_account():
    with paperlib.Broker(account__type="cash", account__starting_cash=1000.0,
                         limits__max_position_fraction=100.0) as b:
        bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
        with pytest.raises(OrderRejected) as info:
            b.submit("AAPL", Side.BUY, 50)
        assert (info.value.code, info.value.reason) == (ErrorCode.EFUNDS, RejectReason.INSUFFICIENT_FUNDS)
        with pytest.raises(OrderRejected) as info:
            b.submit("AAPL", Side.SELL, 1)
        assert info.value.reason is RejectReason.SHORT_NOT_ALLOWED


def test_allowed_symbols():
    with paperlib.Broker(limits__allowed_symbols=["AAPL"]) as b:
        bar(b, "MSFT", T0, 100.0, 101.0, 99.0, 100.0)
        with pytest.raises(OrderRejected) as info:
            b.submit("MSFT", Side.BUY, 1)
        assert info.value.reason is RejectReason.SYMBOL_NOT_ALLOWED


def test_bad_input_is_refused_before_the_library(free_broker):
    b = free_broker
    bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
    seq = b.account().rejections
    with pytest.raises(TypeError):
        b.submit("AAPL", Side.BUY, True)
    with pytest.raises(TypeError):
        b.submit("AAPL", Side.BUY, "10")
    with pytest.raises(InvalidArgument) as info:
        b.submit("AAPL", Side.BUY, math.nan)
    assert info.value.code is ErrorCode.EQTY
    with pytest.raises(InvalidArgument):
        b.submit("AAPL", Side.BUY, math.inf)
    with pytest.raises(InvalidArgument) as info:
        b.submit("AAPL", Side.BUY, 1, OrderType.LIMIT, limit=math.nan)
    assert info.value.code is ErrorCode.EPRICE
    with pytest.raises(InvalidArgument):
        b.submit("AAPL", Side.BUY, 1, confidence=math.nan)
    with pytest.raises(TypeError):
        b.submit("AAPL", True, 1)
    with pytest.raises(InvalidArgument):
        b.submit("AAPL", "hold", 1)
    with pytest.raises(TypeError):
        b.submit(b"AAPL", Side.BUY, 1)
    with pytest.raises(InvalidArgument, match="NUL"):
        b.submit("AA\0PL", Side.BUY, 1)
    with pytest.raises(InvalidArgument, match="longer than 31"):
        b.submit("X" * 32, Side.BUY, 1)
    with pytest.raises(InvalidArgument, match="longer than 63"):
        b.submit("AAPL", Side.BUY, 1, client_id="c" * 64)
    with pytest.raises(TypeError):
        b.submit("AAPL", Side.BUY, 1, oco_group=True)
    with pytest.raises(InvalidArgument):
        b.submit("AAPL", Side.BUY, 1, oco_group=-1)
    with pytest.raises(InvalidArgument, match="naive"):
        b.submit("AAPL", Side.BUY, 1, ts=datetime(2024, 1, 1))
    with pytest.raises(TypeError):
        b.on_quote("AAPL", T0 + 1, "1", 2.0, 1.5)
    with pytest.raises(TypeError):
        b.on_quote("AAPL", T0 + 1, True, 2.0, 1.5)
    with pytest.raises(InvalidArgument) as info:
        b.on_bar("AAPL", T0 + HOUR, math.nan, 1.0, 1.0, 1.0)
    assert info.value.code is ErrorCode.EPRICE
    with pytest.raises(InvalidArgument) as info:
        b.on_bar("AAPL", T0 + HOUR, 1.0, 1.0, 1.0, 1.0, math.nan)
    assert info.value.code is ErrorCode.EQTY
    with pytest.raises(TypeError):
        b.on_bar("AAPL", T0 + 0.5, 1.0, 1.0, 1.0, 1.0)
    with pytest.raises(TypeError):
        b.set_halted(1)
    with pytest.raises(TypeError):
        b.cancel("1")
    with pytest.raises(TypeError):
        b.cancel(True)
    # Nothing reached the library: no order, no rejection.
    assert b.orders() == [] and b.account().rejections == seq


def test_library_errors_for_bad_values(free_broker):
    b = free_broker
    bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
    with pytest.raises(InvalidArgument) as info:
        b.submit("AAPL", Side.BUY, -5)
    assert info.value.code is ErrorCode.EQTY and "-5" in str(info.value)
    with pytest.raises(InvalidArgument) as info:
        b.submit("AAPL", Side.BUY, 1, OrderType.LIMIT)
    assert info.value.code is ErrorCode.EPRICE
    with pytest.raises(InvalidArgument) as info:
        b.submit("AAPL", Side.BUY, 1, ts=T0 - 1)
    assert info.value.code is ErrorCode.ETIME
    with pytest.raises(InvalidArgument) as info:
        b.on_bar("AAPL", T0, 100.0, 101.0, 99.0, 100.0)
    assert info.value.code is ErrorCode.ETIME
    with pytest.raises(InvalidArgument) as info:
        b.on_bar("AAPL", T0 + HOUR, 100.0, 99.0, 101.0, 100.0)
    assert info.value.code is ErrorCode.EPRICE
    with pytest.raises(InvalidArgument) as info:
        b.on_quote("AAPL", T0 + HOUR, -1.0, 2.0, 1.0)
    assert info.value.code is ErrorCode.EPRICE
    with pytest.raises(InvalidArgument) as info:
        b.on_bar("AAPL", T0 + HOUR, 100.0, 101.0, 99.0, 100.0, -1.0)
    assert info.value.code is ErrorCode.EQTY
    with pytest.raises(InvalidArgument) as info:
        b.mark("AAPL", T0 - 1, 100.0)
    assert info.value.code is ErrorCode.ETIME
    with pytest.raises(InvalidArgument):
        b.on_quote("", T0 + HOUR, 1.0, 1.0, 1.0)


def test_cancel_cancel_all_and_errors(free_broker):
    b = free_broker
    bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
    bar(b, "MSFT", T0, 100.0, 101.0, 99.0, 100.0)
    a1 = b.submit("AAPL", Side.BUY, 1, OrderType.LIMIT, limit=50.0)
    a2 = b.submit("AAPL", Side.BUY, 1, OrderType.LIMIT, limit=51.0)
    m1 = b.submit("MSFT", Side.BUY, 1, OrderType.LIMIT, limit=52.0)
    b.cancel(a1)
    o = b.order(a1)
    assert (o.status, o.reason, o.is_open) == (OrderStatus.CANCELLED, RejectReason.USER_CANCEL, False)
    with pytest.raises(StateError) as info:
        b.cancel(a1)
    assert info.value.code is ErrorCode.ESTATE
    with pytest.raises(NotFound):
        b.cancel(999)
    with pytest.raises(NotFound):
        b.order(999)
    with pytest.raises(InvalidArgument):
        b.cancel(2**64)
    b.cancel_all("AAPL")
    assert [o.id for o in b.orders()] == [m1]
    assert b.order(a2).status is OrderStatus.CANCELLED
    b.cancel_all()
    assert b.orders() == []
    b.cancel_all("NONE")  # nothing to cancel is fine


def test_replace(free_broker):
    b = free_broker
    bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
    oid = b.submit("AAPL", Side.BUY, 10, OrderType.LIMIT, limit=90.0)
    b.replace(oid, qty=20)
    assert (b.order(oid).qty, b.order(oid).limit_price) == (20.0, 90.0)
    b.replace(oid, limit=95.0)
    assert (b.order(oid).qty, b.order(oid).limit_price) == (20.0, 95.0)
    b.replace(oid, 5, 96.0, 0.0)
    assert (b.order(oid).qty, b.order(oid).limit_price) == (5.0, 96.0)
    with pytest.raises(InvalidArgument) as info:
        b.replace(oid, qty=-1)
    assert info.value.code is ErrorCode.EQTY
    with pytest.raises(InvalidArgument):
        b.replace(oid, limit=math.nan)
    with pytest.raises(NotFound):
        b.replace(12345, 1, 1.0, 0.0)
    b.cancel(oid)
    with pytest.raises(StateError):
        b.replace(oid, 1, 1.0, 0.0)


def test_exit_at_and_close_position(free_broker):
    b = free_broker
    bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
    b.submit("AAPL", Side.BUY, 10)
    bar(b, "AAPL", T0 + HOUR, 100.0, 106.0, 98.0, 104.0)
    with pytest.raises(InvalidArgument) as info:
        b.exit_at("AAPL", 107.0, style=ExitStyle.LIMIT, reason=ExitReason.TAKE_PROFIT)
    assert info.value.code is ErrorCode.EPRICE
    with pytest.raises(InvalidArgument) as info:
        b.exit_at("AAPL", 105.0, 11)
    assert info.value.code is ErrorCode.EQTY
    oid = b.exit_at("AAPL", 105.0, 4, style="limit", reason="take_profit", fill_reason=FillReason.LIMIT_TOUCHED)
    assert oid > 0
    f = b.fills()[-1]
    assert (f.order_id, f.qty, f.price, f.reason) == (oid, 4.0, 105.0, FillReason.LIMIT_TOUCHED)
    assert b.position("AAPL").qty == 6.0
    oid2 = b.exit_at("AAPL", 98.5, style=ExitStyle.STOP, reason=ExitReason.STOP_LOSS,
                     fill_reason=FillReason.STOP_TRIGGERED, ambiguous=True, alt_price=106.0)
    f = b.fills()[-1]
    assert (f.order_id, f.qty, f.price, f.alt_price) == (oid2, 6.0, 98.5, 106.0)
    assert FillFlag.AMBIGUOUS in f.flags
    assert b.trades()[-1].exit_reason is ExitReason.STOP_LOSS
    with pytest.raises(NotFound):
        b.exit_at("AAPL", 100.0)
    with pytest.raises(NotFound):
        b.exit_at("NODATA", 1.0)
    with pytest.raises(TypeError):
        b.exit_at("AAPL", 100.0, ambiguous=1)

    b.submit("AAPL", Side.SELL, 3)
    bar(b, "AAPL", T0 + 2 * HOUR, 100.0, 101.0, 99.0, 100.5)
    assert b.position("AAPL").direction is Direction.SHORT and b.position("AAPL").qty == -3.0
    cid = b.close_position("AAPL", ExitReason.END_OF_DATA)
    f = b.fills()[-1]
    assert (f.order_id, f.price, f.reason) == (cid, 100.5, FillReason.AT_MARK)
    assert b.trades()[-1].exit_reason is ExitReason.END_OF_DATA
    with pytest.raises(NotFound):
        b.close_position("AAPL")
    assert b.account().reconciles


def test_oco_group(free_broker):
    b = free_broker
    bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
    b.submit("AAPL", Side.BUY, 10)
    bar(b, "AAPL", T0 + HOUR, 100.0, 101.0, 99.0, 100.0)
    tp = b.submit("AAPL", Side.SELL, 10, OrderType.LIMIT, limit=110.0, oco_group=7)
    sl = b.submit("AAPL", Side.SELL, 10, OrderType.STOP, stop=95.0, oco_group=7)
    bar(b, "AAPL", T0 + 2 * HOUR, 100.0, 111.0, 94.0, 100.0)  # both inside one bar
    assert b.order(sl).status is OrderStatus.FILLED  # pessimistic: the stop
    assert (b.order(tp).status, b.order(tp).reason) == (OrderStatus.CANCELLED, RejectReason.OCO_SIBLING)
    f = b.fills()[-1]
    assert FillFlag.AMBIGUOUS in f.flags and f.alt_price == 110.0


def test_mark_snapshot_and_equity_curve(free_broker):
    b = free_broker
    bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
    b.submit("AAPL", Side.BUY, 10)
    bar(b, "AAPL", T0 + HOUR, 100.0, 101.0, 99.0, 100.0)
    n0 = len(b.equity_curve())
    b.mark("AAPL", T0 + 2 * HOUR, 120.0)
    b.snapshot()
    curve = b.equity_curve()
    assert len(curve) == n0 + 2
    last = curve[-1]
    assert (last.ts, last.equity, last.cash) == (T0 + 2 * HOUR, 100200.0, 99000.0)
    assert last.equity_e8 == 100200 * 10**8 and last.time.tzinfo is timezone.utc
    assert b.position("AAPL").market_price == 120.0


def test_daily_halt_lifts_next_day():
    with paperlib.Broker(costs__commission_pct=0.0, costs__commission_min=0.0, costs__slippage_pct=0.0,
                         limits__max_position_fraction=100.0, limits__daily_loss_limit=0.01) as b:
        bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
        b.submit("AAPL", Side.BUY, 100)
        bar(b, "AAPL", T0 + HOUR, 100.0, 101.0, 80.0, 80.0)
        assert b.account().halted
        with pytest.raises(OrderRejected) as info:
            b.submit("AAPL", Side.BUY, 1)
        assert info.value.reason is RejectReason.DAILY_LOSS_HALT
        b.submit("AAPL", Side.SELL, 10)  # exits are never blocked
        bar(b, "AAPL", T0 + DAY, 80.0, 81.0, 79.0, 80.0)
        assert not b.account().halted


def test_events_reach_the_callback():
    events = []
    with paperlib.Broker(on_event=events.append) as b:
        assert b.on_event == events.append
        bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
        oid = b.submit("AAPL", Side.BUY, 10)
        with pytest.raises(OrderRejected):
            b.submit("MSFT", Side.BUY, 1)
        bar(b, "AAPL", T0 + HOUR, 100.0, 101.0, 99.0, 100.0)
        b.submit("AAPL", Side.SELL, 10)
        bar(b, "AAPL", T0 + 2 * HOUR, 100.0, 101.0, 99.0, 100.0)
        b.set_halted(True)
    kinds = [e.type for e in events]
    assert kinds == [
        EventType.SNAPSHOT,
        EventType.ORDER_ACCEPTED,
        EventType.ORDER_REJECTED,
        EventType.FILL,
        EventType.ORDER_ACCEPTED,
        EventType.FILL,
        EventType.TRADE_CLOSED,
        EventType.HALT,
    ]
    assert [e.seq for e in events] == list(range(1, 9))
    acc = events[1]
    assert (acc.order_id, acc.symbol, acc.side, acc.qty, acc.ts) == (oid, "AAPL", Side.BUY, 10.0, T0)
    rej = events[2]
    assert (rej.symbol, rej.reason) == ("MSFT", RejectReason.NO_MARKET_DATA)
    fill = events[3]
    assert fill.reason is FillReason.MARKET_OPEN and fill.time.tzinfo is timezone.utc
    closed = events[6]
    assert closed.reason is ExitReason.MANUAL and closed.symbol == "AAPL"
    assert events[0].symbol is None and events[0].side is None and events[0].equity == 100000.0
    assert events[7].reason == 1


def test_callback_exception_is_reraised_once():
    calls = []

    def boom(ev):
        calls.append(ev.type)
        raise KeyError("boom")

    with paperlib.Broker() as b:
        bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
        b.on_event = boom
        with pytest.raises(KeyError):
            b.submit("AAPL", Side.BUY, 1)
        assert calls == [EventType.ORDER_ACCEPTED]
        assert len(b.orders()) == 1  # the library recorded it: the event was delivered after
        b.on_event = None
        b.submit("AAPL", Side.BUY, 1)  # no stale exception
        # A library error and a callback error at once: the callback's wins, with context.
        b.on_event = boom
        with pytest.raises(KeyError) as info:
            b.submit("MSFT", Side.BUY, 1)
        assert isinstance(info.value.__context__, OrderRejected)
        # Only the first exception of a call is kept; later events are not delivered.
        calls.clear()
        with pytest.raises(KeyError):
            bar(b, "AAPL", T0 + DAY, 100.0, 101.0, 99.0, 100.0)  # snapshot + 2 fills
        assert len(calls) == 1
        assert calls == [EventType.SNAPSHOT]
        assert b.position("AAPL").qty == 2.0  # the library applied every event


def test_callback_must_not_call_the_broker():
    seen = []

    def reenter(ev):
        for call in (b.account, b.positions, lambda: b.on_quote("AAPL", T0 + 5, 1.0, 1.0, 1.0),
                     lambda: b.submit("AAPL", Side.BUY, 1), b.close, lambda: b.set_event_callback(None)):
            try:
                call()
            except StateError as e:
                seen.append(str(e))

    with paperlib.Broker() as b:
        b.on_event = reenter
        bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
        assert len(seen) == 6
        assert "own event callback" in seen[0]
        b.on_event = None
        assert b.account().ts == T0  # usable again


def test_bad_callback():
    with pytest.raises(TypeError):
        paperlib.Broker(on_event=42)


def test_closed_broker_raises_everywhere():
    b = paperlib.Broker()
    bar(b, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
    with b:
        pass
    assert b.closed and repr(b) == "<paperlib.Broker closed>"
    b.close()
    calls = [
        lambda: b.on_quote("AAPL", T0 + 1, 1.0, 1.0, 1.0),
        lambda: b.on_bar("AAPL", T0 + HOUR, 1.0, 1.0, 1.0, 1.0),
        lambda: b.mark("AAPL", T0 + 1, 1.0),
        b.snapshot,
        lambda: b.set_halted(True),
        lambda: b.submit("AAPL", Side.BUY, 1),
        lambda: b.cancel(1),
        b.cancel_all,
        lambda: b.replace(1, 1.0, 1.0, 1.0),
        lambda: b.exit_at("AAPL", 1.0),
        lambda: b.close_position("AAPL"),
        b.account,
        lambda: b.position("AAPL"),
        b.positions,
        lambda: b.order(1),
        b.orders,
        b.trades,
        b.fills,
        b.equity_curve,
        b.metrics,
        lambda: b.set_event_callback(print),
    ]
    for call in calls:
        with pytest.raises(StateError, match="closed"):
            call()


def test_broker_metrics_shortcut(free_broker):
    bar(free_broker, "AAPL", T0, 100.0, 101.0, 99.0, 100.0)
    m = free_broker.metrics()
    assert isinstance(m, paperlib.Metrics)
    assert m["total_trades"] == 0.0
