"""Instruments: Broker.define_instrument / instrument, OCC symbols, and money with multipliers,
ticks, lots and expiry checked against hand-computed numbers (docs/instruments.md)."""

import re
from datetime import date, datetime, timezone

import pytest

import paperlib
from paperlib import (
    AssetClass,
    ErrorCode,
    ExitReason,
    FillFlag,
    FillReason,
    Instrument,
    InstrumentOrigin,
    InvalidArgument,
    NotFound,
    OptionRight,
    OrderRejected,
    OrderType,
    RejectReason,
    Settlement,
    Side,
    StateError,
)

from conftest import DAY, HOUR, T0, bar

E8 = 10**8
# 16:00 New York on the expiry date: EST (UTC-5) in January, EDT (UTC-4) in June.
JAN19_CLOSE = int(datetime(2024, 1, 19, 21, 0, tzinfo=timezone.utc).timestamp()) * 10**6
JUN21_CLOSE = int(datetime(2024, 6, 21, 20, 0, tzinfo=timezone.utc).timestamp()) * 10**6
CALL = "SPY240119C00475000"  # SPY's call of 2024-01-19 at 475
PUT = "SPY240119P00470000"


def plain(**settings):
    """A broker without commission or slippage, and limits out of the way."""
    base = dict(
        costs__commission_pct=0.0,
        costs__commission_min=0.0,
        costs__slippage_pct=0.0,
        limits__max_position_fraction=100.0,
        limits__daily_loss_limit=1.0,
    )
    base.update(settings)
    return paperlib.Broker(**base)


# ---- the records ----


def test_occ_symbols_parse_without_a_broker():
    i = paperlib.parse_occ("SPY240621C00500000")
    assert isinstance(i, Instrument)
    assert (i.asset_class, i.underlying, i.right, i.strike, i.multiplier) == (
        AssetClass.OPTION, "SPY", OptionRight.CALL, 500.0, 100.0)
    assert (i.expiry, i.origin, i.settlement, i.lot_size) == (JUN21_CLOSE, InstrumentOrigin.OCC, Settlement.CASH, 1.0)
    assert i.expiry_time == datetime(2024, 6, 21, 20, 0, tzinfo=timezone.utc)
    assert i.is_option and i.tick_size is None
    padded = paperlib.parse_occ("SPY   240621C00500000")
    assert (padded.underlying, padded.expiry, padded.strike, padded.right) == ("SPY", JUN21_CLOSE, 500.0, OptionRight.CALL)
    p = paperlib.parse_occ("QQQ240119P00400500")
    assert (p.underlying, p.right, p.strike, p.expiry) == ("QQQ", OptionRight.PUT, 400.5, JAN19_CLOSE)
    assert p.intrinsic(390.0) == 10.5 and p.intrinsic(401.0) == 0.0


def test_occ_errors():
    for not_occ in ("SPY", "BTC-USD", "ESZ6"):
        with pytest.raises(NotFound):
            paperlib.parse_occ(not_occ)
    for bad in ("SPY240231C00500000",   # no 31 February
                "SPY240621X00500000",   # right neither C nor P
                "SPY240621C0050000",    # strike of 7 digits
                "SPY240621C00000000",   # strike 0
                "spy240621c00500000"):  # lower case
        with pytest.raises(InvalidArgument) as e:
            paperlib.parse_occ(bad)
        assert e.value.code == ErrorCode.EFORMAT, bad
    with pytest.raises(TypeError):
        paperlib.parse_occ(b"SPY240621C00500000")
    with pytest.raises(InvalidArgument):
        paperlib.parse_occ("SPY\0")


def test_a_symbol_never_defined_is_an_equity_with_multiplier_one():
    with plain() as b:
        i = b.instrument("AAPL")
        assert (i.asset_class, i.multiplier, i.origin, i.expiry, i.underlying, i.right, i.strike) == (
            AssetClass.EQUITY, 1.0, InstrumentOrigin.DEFAULT, None, None, None, None)
        # OCC symbols read themselves on a broker too; a malformed one is an error.
        assert b.instrument(CALL) == paperlib.parse_occ(CALL)
        with pytest.raises(InvalidArgument) as e:
            b.instrument("SPY240231C00500000")
        assert e.value.code == ErrorCode.EFORMAT


def test_define_instrument_returns_the_contract_in_force():
    expiry = datetime(2026, 12, 18, 14, 30, tzinfo=timezone.utc)
    with plain() as b:
        es = b.define_instrument("ESZ6", asset_class="future", multiplier=50, tick_size=0.25,
                                 expiry=expiry, underlying="SPX", initial_margin=12_000)
        assert es == b.instrument("ESZ6")
        assert (es.symbol, es.asset_class, es.multiplier, es.tick_size, es.lot_size, es.min_qty) == (
            "ESZ6", AssetClass.FUTURE, 50.0, 0.25, 1.0, 1.0)
        assert (es.expiry_time, es.underlying, es.initial_margin, es.origin, es.right) == (
            expiry, "SPX", 12_000.0, InstrumentOrigin.DEFINED, None)
        btc = b.define_instrument("BTC-USD", asset_class=AssetClass.CRYPTO)
        assert (btc.multiplier, btc.lot_size) == (1.0, 1e-8)
        # An option by date: 16:00 New York that day, as the OCC rule; multiplier 100 by default.
        o = b.define_instrument("SPYX", asset_class="option", underlying="SPY", right="put",
                                strike=470, expiry=date(2024, 1, 19))
        assert (o.expiry, o.multiplier, o.right, o.strike) == (JAN19_CLOSE, 100.0, OptionRight.PUT, 470.0)
        assert paperlib.expiry_of_date(date(2024, 6, 21)) == JUN21_CLOSE
        # Replacing before any order is allowed; a definition wins over the OCC reading.
        mini = b.define_instrument(CALL, asset_class="option", underlying="SPY", right="C",
                                   strike=475, expiry=JAN19_CLOSE, multiplier=10)
        assert (mini.multiplier, mini.origin) == (10.0, InstrumentOrigin.DEFINED)
        with pytest.raises(AttributeError):
            mini.multiplier = 100  # frozen
        # The config's spellings of an expiry: a date (the OCC close) or an instant with its offset.
        by_text = b.define_instrument("SPYY", asset_class="option", underlying="SPY", right="P",
                                      strike=470, expiry="2024-01-19")
        assert by_text.expiry == JAN19_CLOSE
        es2 = b.define_instrument("ESH7", asset_class="future", multiplier=50,
                                  expiry="2026-12-18T14:30:00Z")
        assert es2.expiry_time == expiry
        es3 = b.define_instrument("ESM7", asset_class="future", multiplier=50,
                                  expiry=str(int(expiry.timestamp())))
        assert es3.expiry_time == expiry
        # The padded OCC spelling is reported as the broker reports positions: compact.
        assert b.instrument("SPY   240621C00500000").symbol == "SPY240621C00500000"
        assert paperlib.parse_occ("SPY   240621C00500000").symbol == "SPY240621C00500000"


def test_define_instrument_refuses_bad_fields_and_changes_nothing():
    with plain() as b:
        before = b.instrument("XYZ")
        cases = [
            dict(asset_class="bond"),
            dict(asset_class="equity", multiplier=-1),
            dict(asset_class="equity", multiplier=0),
            dict(asset_class="equity", multiplier=2e6),
            dict(asset_class="equity", tick_size=float("nan")),
            dict(asset_class="equity", right="call", strike=10),   # not of the class
            dict(asset_class="equity", expiry=JAN19_CLOSE),
            dict(asset_class="option", underlying="SPY", right="call", strike=10),  # no expiry
            dict(asset_class="option", underlying="SPY", strike=10, expiry=JAN19_CLOSE),  # no right
            dict(asset_class="option", right="call", strike=10, expiry=JAN19_CLOSE),  # no underlying
            dict(asset_class="option", underlying="SPY", right="call", strike=-5, expiry=JAN19_CLOSE),
            dict(asset_class="future", lot_size=1, min_qty=1.5),
            dict(asset_class="equity", right="sideways"),
        ]
        for kw in cases:
            with pytest.raises(InvalidArgument):
                b.define_instrument("XYZ", **kw)
            assert b.instrument("XYZ") == before, kw
        for kw in (dict(asset_class="equity", multiplier="100"), dict(asset_class="equity", underlying=5),
                   dict(asset_class=1.5)):
            with pytest.raises(TypeError):
                b.define_instrument("XYZ", **kw)
        with pytest.raises(InvalidArgument):
            b.define_instrument("XYZ", asset_class="future", expiry=datetime(2026, 1, 1))  # naive
        for text in ("2026-01-01T10:00:00", "18 Dec 2026", "", "2026-02-30", "-5", "1e9",
                     "2026-12-18T14:30:00+05:00", "2026-12-18 14:30:00Z", "2026-12-18T14:30Z",
                     "2026-12-18T25:30:00Z"):
            with pytest.raises(InvalidArgument):
                b.define_instrument("XYZ", asset_class="future", expiry=text)
        assert b.instrument("XYZ") == before


def test_the_contract_is_fixed_once_an_order_is_accepted():
    with plain() as b:
        bar(b, "ESZ6", T0, 5000.0, 5001.0, 4999.0, 5000.0)
        b.define_instrument("ESZ6", asset_class="future", multiplier=50)  # data first is fine
        b.submit("ESZ6", Side.BUY, 1)
        with pytest.raises(StateError):
            b.define_instrument("ESZ6", asset_class="future", multiplier=5)
        assert b.instrument("ESZ6").multiplier == 50.0


# ---- money, hand-computed ----


def test_one_option_contract_bought_at_2_50_costs_250():
    with plain() as b:
        bar(b, CALL, T0, 2.50, 2.60, 2.40, 2.55)
        b.submit(CALL, Side.BUY, 1)
        bar(b, CALL, T0 + HOUR, 2.50, 2.70, 2.45, 2.60)   # fills at the open, 2.50
        a = b.account()
        assert a.cash_e8 == (100_000 - 250) * E8
        p = b.position(CALL)
        assert (p.qty, p.avg_price, p.market_price) == (1.0, 2.50, 2.60)
        assert (p.cost_basis_e8, p.unrealized_pnl) == (250 * E8, pytest.approx(10.0))
        b.snapshot()
        assert b.equity_curve()[-1].equity_e8 == (100_000 + 10) * E8   # (2.60 - 2.50) x 1 x 100
        b.submit(CALL, Side.SELL, 1)
        bar(b, CALL, T0 + 2 * HOUR, 3.10, 3.20, 3.00, 3.05)
        (t,) = b.trades()
        assert (t.entry_price, t.exit_price, t.pnl_gross_e8, t.fees_e8) == (2.50, 3.10, 60 * E8, 0)
        a = b.account()
        assert a.cash_e8 == (100_000 + 60) * E8 and a.reconciles


def test_commission_per_contract():
    with plain(costs__commission_per_contract=0.65) as b:
        bar(b, CALL, T0, 2.50, 2.60, 2.40, 2.55)
        b.submit(CALL, Side.BUY, 3)
        bar(b, CALL, T0 + HOUR, 2.50, 2.70, 2.45, 2.60)
        (f,) = b.fills()
        assert f.fee_e8 == 195 * 10**6                     # 3 x 0.65
        assert b.account().cash_e8 == (100_000 - 750) * E8 - 195 * 10**6
        # Equities keep the percent model (0 here): the per-contract fee is for contracts.
        bar(b, "AAPL", T0 + 2 * HOUR, 100.0, 101.0, 99.0, 100.0)
        b.submit("AAPL", Side.BUY, 3)
        bar(b, "AAPL", T0 + 3 * HOUR, 100.0, 101.0, 99.0, 100.0)
        assert (b.fills()[-1].symbol, b.fills()[-1].fee) == ("AAPL", 0.0)


def test_options_settle_at_intrinsic_value_at_expiry():
    with plain() as b:
        # Entry two days before expiry: 2 calls at 2.50, 3 puts at 1.20.
        t = JAN19_CLOSE - 2 * DAY - 6 * HOUR
        for sym, px in ((CALL, 2.50), (PUT, 1.20)):
            bar(b, sym, t, px, px, px, px)
        bar(b, "SPY", t, 474.0, 474.5, 473.5, 474.0)
        b.submit(CALL, Side.BUY, 2)
        b.submit(PUT, Side.BUY, 3)
        for sym, px in ((CALL, 2.50), (PUT, 1.20)):
            bar(b, sym, t + HOUR, px, px, px, px)
        # The underlying's last price at or before the expiry is 478.40.
        bar(b, "SPY", JAN19_CLOSE - 30 * 60 * 10**6, 478.00, 478.60, 477.90, 478.40)
        assert len(b.positions()) == 2
        # Data stamped after the expiry settles both: the call at 3.40, the put worthless.
        bar(b, "SPY", JAN19_CLOSE + 3 * DAY, 480.0, 481.0, 479.0, 480.5)
        assert b.positions() == []
        trades = {t.symbol: t for t in b.trades()}
        c, p = trades[CALL], trades[PUT]
        assert (c.exit_reason, c.exit_price, c.exit_ts) == (ExitReason.EXPIRY, 3.40, JAN19_CLOSE)
        assert c.pnl_gross_e8 == 180 * E8                    # (3.40 - 2.50) x 2 x 100
        assert (p.exit_reason, p.exit_price) == (ExitReason.EXPIRY, 0.0)
        assert p.pnl_gross_e8 == -360 * E8                   # (0 - 1.20) x 3 x 100
        assert {f.reason for f in b.fills()[-2:]} == {FillReason.EXPIRY}
        a = b.account()
        assert a.cash_e8 == (100_000 + 180 - 360) * E8 and a.reconciles
        # Nothing trades after the expiry: refused as a state error, the reason recorded.
        with pytest.raises(StateError) as e:
            b.submit(CALL, Side.BUY, 1)
        assert (e.value.code, e.value.reason) == (ErrorCode.ESTATE, RejectReason.EXPIRED)


def test_settle_expired_without_data_and_own_price_without_underlying():
    with plain() as b:
        t = JAN19_CLOSE - DAY
        bar(b, CALL, t, 2.50, 2.50, 2.50, 2.50)
        b.submit(CALL, Side.BUY, 1)
        bar(b, CALL, t + HOUR, 2.50, 2.75, 2.50, 2.75)
        b.settle_expired(JAN19_CLOSE - 1)   # not yet
        assert len(b.positions()) == 1
        b.settle_expired(JAN19_CLOSE)       # SPY never priced: at the option's own last price
        (tr,) = b.trades()
        assert (tr.exit_reason, tr.exit_price, tr.pnl_gross_e8) == (ExitReason.EXPIRY, 2.75, 25 * E8)
        assert FillFlag.OWN_PRICE in b.fills()[-1].flags
        with pytest.raises(InvalidArgument) as e:
            b.settle_expired(T0)            # before the clock
        assert e.value.code == ErrorCode.ETIME


def test_tick_size_and_lot_size_are_enforced():
    with plain() as b:
        b.define_instrument("ESZ6", asset_class="future", multiplier=50, tick_size=0.25)
        bar(b, "ESZ6", T0, 5000.0, 5001.0, 4999.0, 5000.0)
        # Refused with the code of what is wrong, the reason the broker recorded attached.
        with pytest.raises(InvalidArgument) as e:
            b.submit("ESZ6", Side.BUY, 1, type=OrderType.LIMIT, limit=5000.10)
        assert (e.value.code, e.value.reason) == (ErrorCode.EPRICE, RejectReason.TICK_SIZE)
        with pytest.raises(InvalidArgument) as e:
            b.submit("ESZ6", Side.BUY, 1.5)
        assert (e.value.code, e.value.reason) == (ErrorCode.EQTY, RejectReason.LOT_SIZE)
        # A later refusal that records no rejection does not inherit the reason.
        with pytest.raises(InvalidArgument) as e:
            b.submit("ESZ6", Side.BUY, -1.0)
        assert e.value.reason is None
        b.submit("ESZ6", Side.BUY, 1, type=OrderType.LIMIT, limit=5000.25)
        assert b.account().rejections == 2


def test_a_futures_round_trip_moves_50_per_point():
    with plain() as b:
        b.define_instrument("ESZ6", asset_class="future", multiplier=50, tick_size=0.25,
                            initial_margin=12_000)
        bar(b, "ESZ6", T0, 5000.0, 5001.0, 4999.0, 5000.0)
        b.submit("ESZ6", Side.BUY, 2)
        bar(b, "ESZ6", T0 + HOUR, 5000.0, 5003.0, 4999.0, 5002.0)
        a = b.account()
        # Margined: no cash for the notional; equity is cash plus the unrealized P&L,
        # (5002 - 5000) x 2 x 50 = 200.
        assert a.cash_e8 == 100_000 * E8
        b.snapshot()
        assert b.equity_curve()[-1].equity_e8 - a.cash_e8 == 200 * E8 and a.unrealized_pnl == 200.0
        b.submit("ESZ6", Side.SELL, 2)
        bar(b, "ESZ6", T0 + 2 * HOUR, 5004.0, 5005.0, 5003.0, 5004.5)
        (t,) = b.trades()
        assert t.pnl_gross_e8 == 400 * E8                    # 4 points x 2 x 50
        a = b.account()
        assert a.cash_e8 == (100_000 + 400) * E8 and a.reconciles


def test_a_crypto_round_trip_in_fractions():
    with plain() as b:
        b.define_instrument("BTC-USD", asset_class="crypto")
        bar(b, "BTC-USD", T0, 44_000.0, 44_100.0, 43_900.0, 44_000.0)
        b.submit("BTC-USD", Side.BUY, 0.0015)
        bar(b, "BTC-USD", T0 + HOUR, 44_000.0, 44_500.0, 43_900.0, 44_400.0)
        assert b.account().cash_e8 == (100_000 - 66) * E8       # 0.0015 x 44,000
        b.submit("BTC-USD", Side.SELL, 0.0015)
        bar(b, "BTC-USD", T0 + 2 * HOUR, 45_000.0, 45_100.0, 44_900.0, 45_000.0)
        (t,) = b.trades()
        assert t.pnl_gross_e8 == 150 * 10**6                       # 0.0015 x 1,000 = 1.50
        assert b.account().cash_e8 == 100_000 * E8 + 150 * 10**6


def test_whitelist_admits_the_underlyings_options_and_counts_contracts():
    with plain(limits__allowed_symbols="SPY,QQQ,IWM", limits__max_order_qty=5) as b:
        qqq = "QQQ240119P00400000"
        for sym in (CALL, qqq, "IWM240119C00200000", "TSLA240119C00250000"):
            bar(b, sym, T0, 2.0, 2.0, 2.0, 2.0)
        b.submit(CALL, Side.BUY, 5)
        b.submit(qqq, Side.BUY, 1)
        with pytest.raises(OrderRejected) as e:
            b.submit("TSLA240119C00250000", Side.BUY, 1)
        assert e.value.reason is RejectReason.SYMBOL_NOT_ALLOWED
        with pytest.raises(OrderRejected) as e:
            b.submit("IWM240119C00200000", Side.BUY, 6)
        assert e.value.reason is RejectReason.MAX_ORDER_QTY


def test_pnl_by_asset_class_and_underlying_is_the_dashboards():
    with plain() as b:
        b.define_instrument("ESH4", asset_class="future", multiplier=50, underlying="SPX")
        t = T0
        for sym, qty, buy, sell in (("AAPL", 10, 100.0, 102.0), (CALL, 1, 2.50, 3.00),
                                    (PUT, 2, 1.00, 0.80), ("ESH4", 1, 4800.0, 4801.0)):
            bar(b, sym, t, buy, buy, buy, buy)
            b.submit(sym, Side.BUY, qty)
            bar(b, sym, t + HOUR, buy, buy, buy, buy)
            b.submit(sym, Side.SELL, qty)
            bar(b, sym, t + 2 * HOUR, sell, sell, sell, sell)
            t += 3 * HOUR
        qqq = "QQQ240119C00400000"
        bar(b, qqq, t, 1.20, 1.20, 1.20, 1.20)
        b.submit(qqq, Side.BUY, 3)
        bar(b, qqq, t + HOUR, 1.20, 1.50, 1.20, 1.50)   # open: +0.30 x 3 x 100
        by_class = b.pnl_by("asset_class")
        assert list(by_class) == ["equity", "future", "option"]
        assert (by_class["option"].trades, by_class["option"].wins) == (2, 1)
        assert by_class["option"].realized == pytest.approx(50 - 40)
        assert by_class["option"].unrealized == pytest.approx(90)
        assert by_class["future"].total == pytest.approx(50) and by_class["equity"].total == pytest.approx(20)
        by_u = b.pnl_by()
        assert list(by_u) == ["AAPL", "QQQ", "SPX", "SPY"]
        assert (by_u["SPY"].trades, by_u["SPY"].total) == (2, pytest.approx(10))
        assert (by_u["QQQ"].trades, by_u["QQQ"].unrealized) == (0, pytest.approx(90))
        # The dashboard shows the same numbers, to the last bit.
        html = b.report_html()
        for by, groups in (("asset_class", by_class), ("underlying", by_u)):
            table = html[html.index(f'data-pnl-by="{by}"'):]
            table = table[:table.index("</table>")]
            rows = re.findall(r'<tr data-name="([^"]+)" data-trades="(\d+)" data-wins="(\d+)" '
                              r'data-realized="([^"]+)" data-unrealized="([^"]+)"', table)
            assert [(n, int(tr), int(w), float(r), float(u)) for n, tr, w, r, u in rows] == [
                (g.name, g.trades, g.wins, g.realized, g.unrealized) for g in groups.values()]
        with pytest.raises(InvalidArgument):
            b.pnl_by("symbol")


def test_pnl_by_adds_up_to_the_account_with_open_partial_closes_and_fees():
    # 1.00 a contract of commission; 2 calls bought at 2.50, one sold at 3.00 (realized +50,
    # fees 3 so far, the round trip still open), the other marked at 3.00 (unrealized +50).
    with plain(costs__commission_per_contract=1.0) as b:
        bar(b, CALL, T0, 2.50, 2.50, 2.50, 2.50)
        b.submit(CALL, Side.BUY, 2)
        bar(b, CALL, T0 + HOUR, 2.50, 2.50, 2.50, 2.50)
        b.submit(CALL, Side.SELL, 1)
        bar(b, CALL, T0 + 2 * HOUR, 3.00, 3.00, 3.00, 3.00)
        (pos,) = b.positions()
        assert (pos.realized_pnl, pos.fees, pos.fees_e8) == (50.0, 3.0, 3 * E8)
        a = b.account()
        assert a.equity - a.starting_cash == pytest.approx(97.0)   # 50 + 50 - 3
        for by in ("underlying", "asset_class"):
            (g,) = b.pnl_by(by).values()
            assert (g.trades, g.realized, g.unrealized) == (0, 47.0, 50.0)
            assert g.total == pytest.approx(a.equity - a.starting_cash)


def test_instruments_from_the_config():
    cfg = paperlib.Config(instrument__ESZ6__asset_class="future", instrument__ESZ6__multiplier=50,
                          instrument__ESZ6__tick_size=0.25)
    with paperlib.Broker(cfg) as b:
        es = b.instrument("ESZ6")
        assert (es.asset_class, es.multiplier, es.tick_size, es.origin) == (
            AssetClass.FUTURE, 50.0, 0.25, InstrumentOrigin.DEFINED)
    with pytest.raises(paperlib.ConfigError):
        paperlib.Broker(instrument__ESZ6__asset_class="bond")


def test_strategy_notional_sizes_by_the_contract():
    np = pytest.importorskip("numpy")
    syms = [CALL, "ESH4", "AAPL"]
    rows = [(T0 + i * HOUR, s, px, px, px, px, 1e6) for i in range(4)
            for s, px in enumerate((2.50, 5000.0, 100.0))]
    a = np.array(rows, dtype=float)
    cols = {"symbols": syms, "ts": a[:, 0].astype(np.int64), "symbol": a[:, 1].astype(np.uint32),
            "open": a[:, 2].copy(), "high": a[:, 3].copy(), "low": a[:, 4].copy(),
            "close": a[:, 5].copy(), "volume": a[:, 6].copy()}
    got = {}

    class S(paperlib.Strategy):
        def on_start(self):
            self.broker.define_instrument("ESH4", asset_class="future", multiplier=50)

        def on_bar(self, bar):
            if bar.ts == T0:
                for sym, notional in ((CALL, 1_000), ("ESH4", 520_000), ("AAPL", 1_000)):
                    got[sym] = self.broker.order(self.buy(sym, notional=notional)).qty

    paperlib.run(S, cols, {"costs.commission_pct": 0.0, "costs.commission_min": 0.0,
                           "costs.slippage_pct": 0.0, "limits.max_position_fraction": 100.0,
                           "limits.max_order_notional": 1e7})
    # 1,000 / (2.50 x 100) = 4 contracts; 520,000 / (5,000 x 50) = 2.08 -> 2; 1,000 / 100 = 10
    assert got == {CALL: 4.0, "ESH4": 2.0, "AAPL": 10.0}


def test_pnl_by_on_an_empty_and_a_closed_broker():
    b = plain()
    assert b.pnl_by() == {} and b.pnl_by("asset_class") == {}
    b.close()
    with pytest.raises(StateError):
        b.pnl_by()
    with pytest.raises(StateError):
        b.instrument("AAPL")
    with pytest.raises(StateError):
        b.define_instrument("AAPL", asset_class="equity")
    with pytest.raises(StateError):
        b.settle_expired()


def test_session_counts_expiry_exits():
    # A session's exits add up to its trades, expiries included (stats and summary agree).
    with plain(limits__min_confidence=0, session__sizing="qty", session__qty=1,
               session__tp_pct=0, session__sl_pct=0, session__max_hold_minutes=0) as b:
        s = paperlib.Session(b)
        s.on_bar("SPY", T0, 470, 470, 470, 470, 1e6)
        s.on_bar(CALL, T0, 2.5, 2.5, 2.5, 2.5, 1e6)
        s.enter(paperlib.Signal(CALL, "long", confidence=0.9))
        s.on_bar(CALL, T0 + HOUR, 2.5, 2.5, 2.5, 2.5, 1e6)
        s.on_bar("SPY", JAN19_CLOSE + HOUR, 480, 480, 480, 480, 1e6)
        st = s.stats()
        assert st.trades == 1 and st.exits[ExitReason.EXPIRY] == 1
        assert sum(st.exits.values()) == st.trades
        assert s.summary()["trades"]["by_exit_reason"]["expiry"] == 1
