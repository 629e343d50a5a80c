"""paperlib.Strategy and paperlib.run: the same results as a hand-written loop over the
Broker, the timing of orders and fills, the hooks, the inputs, and the run's result."""

import math

import pytest

import paperlib
from paperlib import Bar, Bars, ExitReason, FillReason, OrderType, Side, Strategy

from conftest import HOUR, SRCDIR, T0

np = pytest.importorskip("numpy")

DATA = SRCDIR / "examples" / "data"
FREE = {"costs.commission_pct": 0.0, "costs.commission_min": 0.0, "costs.slippage_pct": 0.0}
WIDE = {"account.starting_cash": 1e8, "limits.max_position_fraction": 100.0,
        "limits.max_open_positions_ceiling": 1000, "limits.max_open_positions": 1000}


def columns(k=3, n=60, seed=5, gaps=True):
    """k symbols of hourly bars, time-major; with gaps, symbol s lacks every (s+2)-th bar."""
    rng = np.random.default_rng(seed)
    rows = []
    for i in range(n):
        for s in range(k):
            if gaps and s and i % (s + 2) == 1:
                continue
            c = round(100 + 10 * s + 5 * math.sin(i / (3 + s)) + rng.normal(0, 0.3), 2)
            rows.append((T0 + i * HOUR, s, c - 0.2, c + 0.6, c - 0.7, c, 1000.0 + i))
    a = np.array(rows, dtype=float)
    return {"symbols": [f"S{s:03d}" for s in range(k)], "ts": a[:, 0].astype(np.int64),
            "symbol": a[:, 1].astype(np.uint32), "open": a[:, 2].copy(), "high": a[:, 3].copy(),
            "low": a[:, 4].copy(), "close": a[:, 5].copy(), "volume": a[:, 6].copy()}


class Cross:
    """A 3/8 moving-average crossover: +1 / -1 on a cross, 0 otherwise."""

    def __init__(self):
        self.closes = []
        self.trend = 0

    def update(self, c):
        self.closes.append(c)
        if len(self.closes) < 8:
            return 0
        t = 1 if sum(self.closes[-3:]) / 3 > sum(self.closes[-8:]) / 8 else -1
        before, self.trend = self.trend, t
        return t if before and t != before else 0


class CrossStrategy(Strategy):
    qty = 5.0

    def on_start(self):
        self.x = {s: Cross() for s in self.symbols}

    def on_bar(self, bar):
        for sym, b in bar.items():
            sig = self.x[sym].update(b.close)
            if sig > 0 and self.position(sym) is None:
                self.buy(sym, self.qty)
            elif sig < 0:
                self.close(sym)


def hand_loop(cols, config, qty=5.0):
    """The same strategy written by hand over a Broker."""
    b = paperlib.Broker(config)
    names = cols["symbols"]
    x = {s: Cross() for s in names}
    ts = cols["ts"].tolist()
    rows = list(zip(ts, [names[k] for k in cols["symbol"].tolist()],
                    *(cols[k].tolist() for k in ("open", "high", "low", "close", "volume"))))
    i = 0
    while i < len(rows):
        j = i
        while j < len(rows) and rows[j][0] == rows[i][0]:
            t, s, o, h, lo, c, v = rows[j]
            b.on_bar(s, t, o, h, lo, c, v)
            j += 1
        for t, s, o, h, lo, c, v in rows[i:j]:
            sig = x[s].update(c)
            if sig > 0 and b.position(s) is None:
                b.submit(s, Side.BUY, qty)
            elif sig < 0:
                p = b.position(s)
                if p is not None:
                    b.submit(s, Side.SELL if p.qty > 0 else Side.BUY, abs(p.qty))
        i = j
    for p in b.positions():
        b.close_position(p.symbol, ExitReason.END_OF_DATA)
    b.snapshot()
    return b


@pytest.mark.parametrize("k,min_trades", [(1, 3), (3, 10), (600, 1000)])
def test_strategy_equals_the_hand_written_loop(k, min_trades):
    cols = columns(k, n=40 if k > 100 else 120)
    res = paperlib.run(CrossStrategy, cols, WIDE)
    with hand_loop(cols, WIDE) as b:
        assert len(b.trades()) >= min_trades
        assert res.trades == b.trades()
        assert res.broker.fills() == b.fills()
        assert res.broker.account() == b.account()
        assert res.equity == b.equity_curve()
        got, want = res.metrics.to_dict(), b.metrics().to_dict()
        assert all(got[m] == want[m] or (math.isnan(got[m]) and math.isnan(want[m]))
                   for m in want)
    assert res.bars == len(cols["ts"]) and res.symbols == tuple(cols["symbols"])
    assert res.timestamps == len(set(cols["ts"].tolist()))


def test_an_order_in_on_bar_fills_at_the_next_bars_open():
    cols = columns(2, n=6, gaps=False)
    seen = []

    class S(Strategy):
        def on_bar(self, bar):
            seen.append((bar.ts, sorted(bar), self.broker.account().ts))
            if len(seen) == 2:
                self.buy("S001", 3)
                self.buy("S000", notional=1000)

    res = paperlib.run(S, cols, FREE, close_at_end=False)
    # every bar of the timestamp was given to the broker before on_bar
    assert seen[0] == (T0, ["S000", "S001"], T0)
    fills = res.broker.fills()
    assert [f.ts for f in fills] == [T0 + 2 * HOUR] * 2
    opens = {s: cols["open"][(cols["ts"] == T0 + 2 * HOUR) & (cols["symbol"] == k)][0]
             for k, s in enumerate(cols["symbols"])}
    assert {f.symbol: f.price for f in fills} == opens
    assert all(f.reason == FillReason.MARKET_OPEN for f in fills)
    close_s000 = cols["close"][(cols["ts"] == T0 + HOUR) & (cols["symbol"] == 0)][0]
    assert res.broker.position("S000").qty == math.floor(1000 / close_s000)


def test_a_symbol_without_a_bar_at_t_fills_at_its_own_next_bar():
    cols = columns(3, n=12)  # S002 lacks the bars i % 4 == 1

    class S(Strategy):
        def on_bar(self, bar):
            if bar.ts == T0:
                assert "S002" in bar
            if bar.ts == T0 + HOUR:
                assert "S002" not in bar and "S001" not in bar and len(bar) == 1
                self.buy("S002", 1)

    res = paperlib.run(S, cols, FREE, close_at_end=False)
    (f,) = res.broker.fills()
    assert f.ts == T0 + 2 * HOUR and f.symbol == "S002"


def test_hooks_order_fills_and_end_of_data():
    cols = columns(1, n=10)
    log = []

    class S(Strategy):
        def on_start(self):
            log.append(("start", len(self.history())))

        def on_bar(self, bar):
            log.append(("bar", bar.ts))
            if bar.ts == T0 + 2 * HOUR:
                self.buy(qty=2)

        def on_fill(self, fill):
            log.append(("fill", fill.ts, fill.side, fill.reason))

        def on_stop(self):
            log.append(("stop", self.position()))

    res = paperlib.run(S, cols, FREE)
    assert log[0] == ("start", 0)
    i = log.index(("fill", T0 + 3 * HOUR, Side.BUY, FillReason.MARKET_OPEN))
    assert log[i - 1] == ("bar", T0 + 2 * HOUR) and log[i + 1] == ("bar", T0 + 3 * HOUR)
    assert log[-2][0] == "fill" and log[-2][3] == FillReason.AT_MARK  # the end-of-data close
    assert log[-1] == ("stop", None)
    (t,) = res.trades
    assert t.exit_reason == ExitReason.END_OF_DATA and t.exit_ts == T0 + 9 * HOUR
    assert res.equity[-1].equity == res.broker.account().equity


def test_close_at_end_false_keeps_the_position_and_open_orders():
    class S(Strategy):
        def on_bar(self, bar):
            if bar.ts == T0:
                self.buy(qty=1)
                self.sell(qty=1, limit=10_000.0)

    res = paperlib.run(S, columns(1, n=5), FREE, close_at_end=False)
    assert res.broker.position("S000").qty == 1 and len(res.broker.orders()) == 1
    assert res.trades == []


def test_order_types_notional_lots_and_argument_errors():
    cols = columns(1, n=8)
    done = {}

    class S(Strategy):
        lots = {"S000": 0.25}

        def on_bar(self, bar):
            if bar.ts != T0 + HOUR:
                return
            c = bar.close
            done["limit"] = self.broker.order(self.buy(qty=1, limit=c - 50)).type
            done["stop"] = self.broker.order(self.buy(qty=1, stop=c + 50)).type
            done["stop_limit"] = self.broker.order(self.sell(qty=1, stop=c - 50, limit=c - 51)).type
            oid = self.buy(notional=1000, client_id="n-1", tif="day")
            o = self.broker.order(oid)
            done["notional"] = (o.qty, o.client_id, o.tif.label)
            done["tiny"] = self.buy(notional=1.0)
            for bad in (dict(), dict(qty=1, notional=5)):
                with pytest.raises(TypeError, match="qty or notional"):
                    self.buy(**bad)
            with pytest.raises(paperlib.InvalidArgument):
                self.buy(notional=-5)
            with pytest.raises(paperlib.InvalidArgument):
                self.buy("NOPE", notional=5)
            self.cancel(self.buy(qty=1, limit=1.0))
            done["orders"] = len(self.orders()) == len(self.orders("S000")) == 4

    paperlib.run(S, cols, FREE)
    close = cols["close"][1]
    assert (done["limit"], done["stop"], done["stop_limit"]) == (
        OrderType.LIMIT, OrderType.STOP, OrderType.STOP_LIMIT)
    assert done["notional"] == (math.floor(1000 / close / 0.25) * 0.25, "n-1", "day")
    assert done["tiny"] is None and done["orders"]


def test_notional_prices_and_rejections():
    cols = columns(3, n=6)  # S002 has no bar at T0 + HOUR
    got = {}

    class S(Strategy):
        def on_start(self):
            with pytest.raises(paperlib.InvalidArgument, match="no bar yet"):
                self.buy("S000", notional=100)
            got["start"] = self.buy("S000", 1)  # no market data yet: rejected, not raised

        def on_reject(self, symbol, error):
            got.setdefault("rejects", []).append((symbol, error.reason))

        def on_bar(self, bar):
            if bar.ts == T0 + HOUR:
                got["last"] = self.broker.order(self.buy("S002", notional=1000)).qty
                got["limit"] = self.broker.order(self.buy("S002", notional=1000, limit=8.0)).qty
                got["big"] = self.buy("S001", 1e9)  # more than the cash

    res = paperlib.run(S, cols, FREE, close_at_end=False)
    c0 = cols["close"][(cols["ts"] == T0) & (cols["symbol"] == 2)][0]
    assert got["last"] == math.floor(1000 / c0) and got["limit"] == 125
    assert got["start"] is None and got["big"] is None
    assert [r[0] for r in got["rejects"]] == ["S000", "S001"]
    assert got["rejects"][0][1] == paperlib.RejectReason.NO_MARKET_DATA
    assert res.broker.account().rejections == 2


def test_history_has_no_look_ahead():
    cols = columns(2, n=20)

    class S(Strategy):
        def on_bar(self, bar):
            for sym in self.symbols:
                closes = self.history(sym)
                k = self.symbols.index(sym)
                mine = cols["close"][(cols["symbol"] == k) & (cols["ts"] <= bar.ts)]
                assert list(closes) == list(mine)
                assert list(self.history(sym, "ts", 2)) == list(
                    cols["ts"][(cols["symbol"] == k) & (cols["ts"] <= bar.ts)][-2:])
                with pytest.raises(ValueError):
                    closes[:1] = 0.0  # read-only: the run's own data
            self.n = getattr(self, "n", 0) + 1

    res = paperlib.run(S, cols, FREE)
    assert res.strategy.n == 20
    with pytest.raises(paperlib.StateError):
        res.strategy.history("S000")  # not running any more


def test_parameters_bars_and_misuse():
    class P(Strategy):
        fast = 3

        def on_bar(self, bar):
            self.got = (self.fast, type(bar), bar.close, bar.time.hour)

    r = paperlib.run(P, columns(1, n=2), fast=9)
    assert r.strategy.got[0] == 9 and r.strategy.got[1].__name__ == "_OneBar"
    assert isinstance(r.strategy.got[1](), Bars)
    with pytest.raises(TypeError, match="no parameter 'slow'"):
        paperlib.run(P, columns(1, n=2), slow=1)
    with pytest.raises(TypeError, match="no parameter 'on_bar'"):
        P(on_bar=1)
    with pytest.raises(TypeError, match="instance"):
        paperlib.run(P(), columns(1, n=2), fast=1)
    with pytest.raises(TypeError):
        paperlib.run(object, columns(1, n=2))

    class M(Strategy):
        def on_bar(self, bar):
            b = bar["S001"]
            assert isinstance(b, Bar) and b.close == b[3] and b._fields[0] == "open"
            with pytest.raises(AttributeError, match=r"bar\[symbol\]\.close"):
                bar.close
            with pytest.raises(TypeError, match="name the symbol"):
                self.buy(qty=1)

    paperlib.run(M, columns(2, n=2, gaps=False))
    with pytest.raises(paperlib.StateError):
        P().buy("X", 1)


def test_exceptions_propagate_and_a_closed_broker_is_not_used():
    class Boom(Strategy):
        def on_bar(self, bar):
            raise KeyError("boom")

    with pytest.raises(KeyError):
        paperlib.run(Boom, columns(2, n=3))

    for k in (1, 3):
        class Closer(Strategy):
            def on_bar(self, bar):
                self.broker.close()

        with pytest.raises(paperlib.StateError, match="closed"):
            paperlib.run(Closer, columns(k, n=5))


def test_a_broker_event_callback_error_surfaces_at_its_bar():
    class S(Strategy):
        def on_start(self):
            self.broker.on_event = self.event

        def event(self, e):
            if e.type == paperlib.EventType.FILL:
                raise RuntimeError(f"fill at {e.ts}")

        def on_bar(self, bar):
            if bar.ts == T0:
                self.buy("S001", 1)

    with pytest.raises(RuntimeError, match=f"fill at {T0 + HOUR}"):
        paperlib.run(S, columns(3, n=4, gaps=False))


def test_inputs_csv_frames_columns_agree_and_bad_rows(tmp_path):
    pd = pytest.importorskip("pandas")
    frames = {p.stem: pd.read_csv(p, index_col="timestamp", parse_dates=True)
              for p in sorted((DATA / "bars").glob("*.csv"))}
    a = paperlib.run(CrossStrategy, DATA / "bars", WIDE, qty=1.0)
    b = paperlib.run(CrossStrategy, frames, WIDE, qty=1.0)
    c = paperlib.run(CrossStrategy, sorted((DATA / "bars").glob("*.csv")), WIDE, qty=1.0)
    assert len(a.trades) > 50 and a.trades == b.trades == c.trades
    assert a.broker.account().rejections == 0
    assert a.bars == 4623 and a.symbols == ("AAPL", "BTC-USD", "MSFT", "SPY")

    bad = tmp_path / "X.csv"
    bad.write_text("timestamp,open,high,low,close,volume\n"
                   "2024-01-02T14:30:00Z,10,11,9,10.5,100\n"
                   "2024-01-02T15:30:00Z,10,11,9,abc,100\n"
                   "1704216600,10,11,9,12,100\n"
                   "2024-01-02T17:30:00Z,10,11,9,10.5,-1\n")
    with pytest.raises(paperlib.InvalidArgument, match=r"X.csv:3: field 'close': malformed"):
        paperlib.run(Strategy, bad)
    r = paperlib.run(Strategy, bad, skip_bad_rows=True)
    assert (r.bars, r.rows_skipped) == (1, 3)  # malformed, close above high, volume < 0
    lines = bad.read_text().splitlines(True)
    bad.write_text("".join(lines[:2] + lines[3:]))  # without the malformed line
    with pytest.raises(paperlib.InvalidArgument,
                       match=r"X.csv, line 3: field 'close': close 12.0 is outside \[low, high\]"):
        paperlib.run(Strategy, tmp_path)
    (tmp_path / "Y.csv").write_text("timestamp,open,high,low,close\n")
    with pytest.raises(paperlib.InvalidArgument, match="missing column"):
        paperlib.run(Strategy, tmp_path / "Y.csv")
    with pytest.raises(paperlib.LedgerError):
        paperlib.run(Strategy, tmp_path / "missing.csv")
    with pytest.raises(TypeError):
        paperlib.run(Strategy, 42)


def test_empty_and_one_bar():
    empty = {k: v[:0] for k, v in columns(2, n=3).items() if k != "symbols"}
    empty["symbols"] = ["A", "B"]
    calls = []

    class S(Strategy):
        def on_start(self):
            calls.append("start")

        def on_bar(self, bar):
            calls.append("bar")

        def on_stop(self):
            calls.append("stop")

    r = paperlib.run(S, empty)
    assert calls == ["start", "stop"] and r.bars == 0 and r.trades == [] and r.timestamps == 0
    assert r.metrics["total_trades"] == 0
    calls.clear()
    r = paperlib.run(S, columns(1, n=1))
    assert calls == ["start", "bar", "stop"] and r.bars == 1


def test_result_outputs():
    pd = pytest.importorskip("pandas")
    res = paperlib.run(CrossStrategy, columns(3, n=120), WIDE)
    assert isinstance(res.metrics, paperlib.Metrics) and "trades" in repr(res)
    t = res.trades_df()
    assert len(t) == len(res.trades) and str(t["exit_time"].dtype) == "datetime64[ns, UTC]"
    assert len(res.fills_df()) == len(res.broker.fills())
    assert len(res.orders_df()) == 0 and len(res.positions_df()) == 0
    e = res.equity_series()
    assert e.iloc[-1] == res.broker.account().equity and isinstance(e.index, pd.DatetimeIndex)
    assert res.metrics.to_series()["total_trades"] == len(res.trades)
    html = res.report_html(title="cross")
    assert "<html" in html.lower() and "cross" in html
    assert "<svg" in res.tearsheet(title="cross")
