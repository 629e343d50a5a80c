"""The PAPER log lines through Python's logging: the library's own text, never re-formatted."""

import logging
from datetime import datetime, timezone

import pytest

import paperlib
from paperlib import Session, Signal


def ts(text):
    return paperlib.to_ts(datetime.strptime(text, "%Y-%m-%dT%H:%M").replace(tzinfo=timezone.utc))


class Collect(logging.Handler):
    def __init__(self):
        super().__init__(logging.INFO)
        self.records = []

    def emit(self, record):
        self.records.append(record)


@pytest.fixture
def collect():
    logger = logging.getLogger("paperlib")
    handler, old = Collect(), logger.level
    logger.addHandler(handler)
    logger.setLevel(logging.INFO)
    try:
        yield handler
    finally:
        logger.removeHandler(handler)
        logger.setLevel(old)


def seed003(log_file):
    """Seed 003's three example trades: $1000 per signal, no costs, 2% / 1.5% / 240 minutes,
    signal targets, every signal taken."""
    b = paperlib.Broker(
        account__name="v7", logging__log_file=str(log_file), limits__aggressive=True,
        limits__daily_loss_limit=1, costs__commission_pct=0, costs__commission_min=0,
        costs__slippage_pct=0, session__on_reverse="ignore", session__fractional=True,
        session__lot_size=0.00000001)
    s = Session(b)
    prices = {"BTC-USD": 98450.0, "ETH-USD": 3450.50, "SOL-USD": 125.75}
    s.check_exits(prices, ts("2025-11-20T20:00"))
    s.enter(Signal("BTC-USD", "long", confidence=0.65, take_profit=99420, signal_id="123"))
    s.enter(Signal("ETH-USD", "long", confidence=0.582, stop_loss=3420, signal_id="124"))
    s.enter(Signal("SOL-USD", "short", confidence=0.723, signal_id="125"))
    s.check_exits(prices, ts("2025-11-20T20:02"))  # the entries fill on the next prices
    s.check_exits({"BTC-USD": 99420.0, "ETH-USD": 3420.0, "SOL-USD": 125.75}, ts("2025-11-20T22:00"))
    s.check_exits({"SOL-USD": 126.0}, ts("2025-11-21T00:02"))
    return b, s


def test_session_lines_are_the_c_log_lines(tmp_path, collect):
    log_file = tmp_path / "paper_trading.log"
    b, s = seed003(log_file)
    s.close()
    b.close()
    # What Python logged is, line for line, what the library wrote to logging.log_file.
    file_lines = log_file.read_text().splitlines()
    logged = [f"{r.paper_time} {r.getMessage()}" for r in collect.records]
    assert logged == file_lines
    assert all(r.name == "paperlib" and r.levelno == logging.INFO for r in collect.records)
    assert all(r.paper_account == "v7" and r.getMessage().startswith("PAPER ") for r in collect.records)
    entries = [r.getMessage() for r in collect.records if r.paper_event == "entry"]
    exits = [r.getMessage() for r in collect.records if r.paper_event == "exit"]
    assert entries == [
        "PAPER ENTRY LONG 0.01015744 BTC-USD @ 98450.00 conf 0.65 tp 99420.00 sl 96973.25 fee 0.00 order 1 signal 123 account v7",
        "PAPER ENTRY LONG 0.28981307 ETH-USD @ 3450.50 conf 0.58 tp 3519.51000002 sl 3420.00 fee 0.00 order 2 signal 124 account v7",
        "PAPER ENTRY SHORT 7.95228628 SOL-USD @ 125.75 conf 0.72 tp 123.235 sl 127.63625 fee 0.00 order 3 signal 125 account v7",
    ]
    assert exits == [
        "PAPER EXIT LONG 0.01015744 BTC-USD @ 99420.00 reason take_profit pnl +9.8527168 (+0.99%) trade 1 signal 123 account v7",
        "PAPER EXIT LONG 0.28981307 ETH-USD @ 3420.00 reason stop_loss pnl -8.83929864 (-0.88%) trade 2 signal 124 account v7",
        "PAPER EXIT SHORT 7.95228628 SOL-USD @ 126.00 reason time_limit pnl -1.98807157 (-0.20%) trade 3 signal 125 account v7",
    ]
    assert {r.paper_event for r in collect.records} >= {"order", "fill", "trade_closed", "entry", "exit"}
    assert collect.records[0].paper_ts == ts("2025-11-20T20:00")


def test_lines_need_a_listener(tmp_path):
    # The paperlib logger takes no INFO record (Python's default): no callback, no lines.
    assert not logging.getLogger("paperlib").isEnabledFor(logging.INFO)
    other = logging.getLogger("paperlib.test.other")
    handler = Collect()
    other.addHandler(handler)
    other.setLevel(logging.INFO)
    other.propagate = False
    try:
        b = paperlib.Broker(costs__commission_min=0, costs__slippage_pct=0)
        b.on_quote("AAPL", ts("2025-01-02T15:00"), 0, 0, 100.0)
        b.submit("AAPL", "buy", 1)
        b.set_logger(other)  # from now on, into this logger
        b.on_quote("AAPL", ts("2025-01-02T15:01"), 0, 0, 100.0)
        b.set_logger(None)
        b.submit("AAPL", "sell", 1)
        assert [r.getMessage() for r in handler.records] == [
            "PAPER FILL BUY 1 AAPL @ 100.00 fee 0.10 order 1 account default"]
        with pytest.raises(TypeError):
            b.set_logger(42)
        b.close()
    finally:
        other.removeHandler(handler)
