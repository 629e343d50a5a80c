"""Ledger: durable accounts, brokers rebuilt from the log, exports, the decisions inbox,
and the HTML dashboard of a broker."""

import gc
import json
import os
import weakref

import pytest

import paperlib
from paperlib import DecisionStatus, Durability, ExportFlag, Ledger, LedgerError, Side

from conftest import HOUR, T0


def trade_some(b):
    b.on_bar("AAPL", T0, 100.0, 101.0, 99.0, 100.0, 1e6)
    b.submit("AAPL", Side.BUY, 10, strategy="t")
    b.on_bar("AAPL", T0 + HOUR, 100.0, 101.0, 99.0, 100.0, 1e6)


def test_account_survives_reopening(tmp_path):
    path = tmp_path / "paper.db"
    with Ledger(path) as led:
        assert led.accounts() == []
        assert led.create_account(account__name="main", account__starting_cash=50_000) == "main"
        assert led.accounts() == ["main"]
        assert led.account_config("main")["account.starting_cash"] == 50000.0
        with led.open_broker("main") as b:
            trade_some(b)
            before = b.account()
            fills = b.fills()
    with Ledger(path, read_only=True) as led:
        b = led.load_broker("main")
        after = b.account()
        assert (after.cash_e8, after.fees_e8, after.fills) == (before.cash_e8, before.fees_e8, 1)
        assert b.fills() == fills
        assert b.position("AAPL").qty == 10.0


def test_one_broker_per_account(tmp_path):
    with Ledger(tmp_path / "p.db") as led:
        led.create_account()
        b = led.open_broker("default")
        with pytest.raises(LedgerError) as info:
            led.open_broker("default")
        assert info.value.code is paperlib.ErrorCode.EBUSY
        reader = led.load_broker("default")  # readers never take the account
        assert reader.account().cash == 100000.0
        b.close()
        led.open_broker("default").close()


def test_errors(tmp_path):
    with Ledger(tmp_path / "p.db") as led:
        with pytest.raises(paperlib.NotFound):
            led.open_broker("nobody")
        with pytest.raises(paperlib.NotFound):
            led.account_config("nobody")
        led.create_account(account__name="a")
        with pytest.raises(paperlib.StateError):
            led.create_account(account__name="a")
        with pytest.raises(paperlib.ConfigError) as info:
            led.create_account(limits__max_open_positions=50)
        assert info.value.violations and info.value.violations[0].key == "limits.max_open_positions"
        with pytest.raises(TypeError):
            led.create_account(config="x")
        with pytest.raises(TypeError):
            led.export("a", tmp_path, what=True)
        with pytest.raises(paperlib.InvalidArgument):
            led.export("a", tmp_path, what=0)
    garbage = tmp_path / "garbage.db"
    garbage.write_bytes(b"not a database" * 100)
    with pytest.raises(LedgerError) as info:
        Ledger(garbage)
    assert info.value.code is paperlib.ErrorCode.ECORRUPT
    assert garbage.read_bytes() == b"not a database" * 100  # never modified
    with pytest.raises(paperlib.NotFound):
        Ledger(tmp_path / "missing.db", create=False)
    with pytest.raises(LedgerError):
        Ledger(tmp_path / "no" / "such" / "dir" / "p.db")
    with pytest.raises(TypeError):
        Ledger(tmp_path / "x.db", create=1)
    with pytest.raises(TypeError):
        Ledger(42)


def test_batched_durability_and_flush(tmp_path):
    with Ledger(tmp_path / "b.db", durability=Durability.BATCHED, batch_events=100, batch_ms=1000) as led:
        led.create_account()
        with led.open_broker("default") as b:
            trade_some(b)
            led.flush()
    with Ledger(tmp_path / "b.db") as led:
        assert led.load_broker("default").account().fills == 1


def test_export_and_import(tmp_path):
    with Ledger(tmp_path / "p.db") as led:
        led.create_account(account__name="src")
        with led.open_broker("src") as b:
            trade_some(b)
            cash = b.account().cash
        out = tmp_path / "export"
        led.export("src", out)
        names = sorted(os.listdir(out))
        assert names == ["fills.csv", "orders.csv", "pnl_ledger.csv", "positions.csv", "state.json", "trades.csv"]
        json.loads((out / "state.json").read_text())
        only = tmp_path / "only"
        led.export("src", only, ExportFlag.FILLS | ExportFlag.TRADES)
        assert sorted(os.listdir(only)) == ["fills.csv", "trades.csv"]
        led.import_state(out / "state.json", "copy")
        assert sorted(led.accounts()) == ["copy", "src"]
        copy = led.load_broker("copy")
        assert copy.account().cash == cash and copy.position("AAPL").qty == 10.0
        bad = tmp_path / "bad.json"
        bad.write_text("{")
        with pytest.raises(paperlib.InvalidArgument) as info:
            led.import_state(bad, "x")
        assert info.value.code is paperlib.ErrorCode.EFORMAT
        with pytest.raises(paperlib.StateError):
            led.import_state(out / "state.json", "copy")
        with pytest.raises(paperlib.NotFound):
            led.export("nobody", tmp_path / "n")


def test_decisions_inbox(tmp_path):
    with Ledger(tmp_path / "p.db") as led:
        led.create_account()
        a = led.add_decision("default", "AAPL", "long", 0.8, take_profit=200.0, stop_loss=150.0,
                             reasoning="breakout", created=T0)
        b = led.add_decision("default", "MSFT", Side.SELL, 0.7, reasoning="é" * 200)
        pending = led.pending_decisions("default")
        assert [d.id for d in pending] == [a, b]
        d = pending[0]
        assert (d.symbol, d.side, d.confidence, d.take_profit, d.stop_loss, d.reasoning) == (
            "AAPL", Side.BUY, 0.8, 200.0, 150.0, "breakout")
        assert d.status is DecisionStatus.PENDING and d.created_ts == T0 and d.created_time.year == 2024
        assert pending[1].stop_loss is None and pending[1].reasoning == "é" * 127  # truncated whole
        assert len(led.pending_decisions("default", limit=1)) == 1
        led.mark_decision(a, DecisionStatus.EXECUTED, order_id=7)
        assert [d.id for d in led.pending_decisions("default")] == [b]
        with pytest.raises(paperlib.StateError):
            led.mark_decision(a, "skipped")
        with pytest.raises(paperlib.NotFound):
            led.mark_decision(999, "skipped")
        with pytest.raises(paperlib.InvalidArgument):
            led.pending_decisions("default", limit=0)
        with pytest.raises(paperlib.InvalidArgument):
            led.add_decision("default", "AAPL", "buy", float("nan"))
        with pytest.raises(TypeError):
            led.mark_decision("1", "skipped")


def test_decision_risk_and_current_price(tmp_path):
    with Ledger(tmp_path / "p.db") as led:
        led.create_account()
        a = led.add_decision("default", "BTC-USD", "buy", 0.8, risk=0.5, current_price=50000.0)
        b = led.add_decision("default", "ETH-USD", "buy", 0.9)
        d, e = led.pending_decisions("default")
        assert (d.id, d.risk, d.current_price) == (a, 0.5, 50000.0)
        assert (e.id, e.risk, e.current_price) == (b, 0.0, None)
        with pytest.raises(paperlib.InvalidArgument):
            led.add_decision("default", "AAPL", "buy", 0.5, risk=1.5)
        with pytest.raises(paperlib.InvalidArgument) as info:
            led.add_decision("default", "AAPL", "buy", 0.5, current_price=-1.0)
        assert info.value.code is paperlib.ErrorCode.EPRICE
        assert len(led.pending_decisions("default")) == 2


def test_every_decision_with_its_outcome(tmp_path):
    import sqlite3

    path = tmp_path / "p.db"
    with Ledger(path) as led:
        led.create_account()
        a = led.add_decision("default", "AAPL", "buy", 0.8, created=T0)
        b = led.add_decision("default", "MSFT", "sell", 0.3, created=T0 + HOUR)
        c = led.add_decision("default", "BTC-USD", "buy", 0.9, created=T0 + 2 * HOUR,
                             current_price=50000.0, risk=0.5)
        led.mark_decision(a, "executed", order_id=3)
        led.mark_decision(b, DecisionStatus.SKIPPED, outcome="low_confidence (0.30 < 0.60)")
    # A row another program wrote that no reader can take.
    with sqlite3.connect(path) as db:
        db.execute("PRAGMA ignore_check_constraints = ON")
        db.execute("INSERT INTO decisions (account, symbol, side, confidence) "
                   "VALUES ('default', 'ETH-USD', 'hold', 0.9)")
    with Ledger(path) as led:
        rows = led.decisions("default")
        assert [r.id for r in rows][:3] == [a, b, c] and len(rows) == 4
        ra, rb, rc, bad = rows
        assert (ra.status, ra.order_id, ra.outcome, ra.readable) == (DecisionStatus.EXECUTED, 3, "", True)
        assert ra.processed_ts is not None and ra.processed_time.tzinfo is not None
        assert (rb.status, rb.outcome) == (DecisionStatus.SKIPPED, "low_confidence (0.30 < 0.60)")
        assert (rc.status, rc.processed_ts, rc.processed_time, rc.current_price, rc.risk) == (
            DecisionStatus.PENDING, None, None, 50000.0, 0.5)
        assert (bad.readable, bad.status) == (False, DecisionStatus.REJECTED) and bad.outcome
        # Filters: the period [since, until) by creation time, one status.
        assert [r.id for r in led.decisions("default", since=T0 + HOUR, until=T0 + 2 * HOUR)] == [b]
        assert [r.id for r in led.decisions("default", status="executed")] == [a]
        counts = led.decision_counts("default")
        assert (counts.pending, counts.executed, counts.skipped, counts.rejected) == (1, 1, 1, 1)
        with pytest.raises(paperlib.InvalidArgument):
            led.decisions("default", since=T0 + HOUR, until=T0)
        with pytest.raises(paperlib.NotFound):
            led.decisions("nobody")
        with pytest.raises(paperlib.NotFound):
            led.decision_counts("nobody")
        with pytest.raises(paperlib.InvalidArgument):
            led.mark_decision(c, "skipped", outcome="a\0b")
        with pytest.raises(TypeError):
            led.mark_decision(c, "skipped", outcome=5)
        assert led.decisions("default")[2].status is DecisionStatus.PENDING  # nothing changed
        pd = pytest.importorskip("pandas")
        df = led.decisions_df("default")
        assert list(df.index) == [a, b, c, bad.id]
        assert df.loc[c, "processed_time"] is pd.NaT
        assert str(df["created_time"].dtype) == "datetime64[ns, UTC]"
        assert df.loc[b, "status"] == "skipped" and df.loc[b, "outcome"].startswith("low_conf")


def test_brokers_keep_their_ledger_alive(tmp_path):
    led = Ledger(tmp_path / "p.db")
    led.create_account()
    b = led.open_broker("default")
    ref = weakref.ref(led)
    del led
    gc.collect()
    assert ref() is not None  # the broker borrows it
    trade_some(b)
    del b
    gc.collect()
    assert ref() is None  # freed after the broker, in that order


def test_closing_the_ledger_closes_its_brokers(tmp_path):
    led = Ledger(tmp_path / "p.db")
    led.create_account()
    b = led.open_broker("default")
    r = led.load_broker("default")
    led.close()
    led.close()
    assert led.closed and b.closed and r.closed
    with pytest.raises(paperlib.StateError):
        led.accounts()
    with pytest.raises(paperlib.StateError):
        b.account()
    assert repr(led) == "<paperlib.Ledger closed>"


def test_ledger_broker_events(tmp_path):
    seen = []
    with Ledger.open(tmp_path / "p.db") as led:
        led.create_account()
        with led.open_broker("default", on_event=seen.append) as b:
            trade_some(b)
    assert [e.type for e in seen][:2] == [paperlib.EventType.SNAPSHOT, paperlib.EventType.ORDER_ACCEPTED]


def test_report_html(tmp_path):
    with paperlib.Broker() as b:
        trade_some(b)
        html = b.report_html(title="My <paper> account", recent_trades=5, min_sharpe=1.0)
        assert html.lstrip().lower().startswith("<!doctype html")
        assert "My &lt;paper&gt; account" in html
        # One inline script (sorting and paging the trade table), nothing loaded from anywhere.
        assert html.lower().count("<script") == 1 and "<script>" in html and " src=" not in html
        target = tmp_path / "dash.html"
        b.write_report(target, refresh_seconds=60)
        assert target.read_text().lstrip().lower().startswith("<!doctype html")
        with pytest.raises(TypeError):
            b.report_html(colour="red")
        with pytest.raises(TypeError):
            b.report_html(recent_fills=1.5)
        with pytest.raises(paperlib.InvalidArgument):
            b.report_html(recent_fills=-1)
        with pytest.raises(LedgerError):
            b.write_report(tmp_path / "no" / "dir" / "x.html")
