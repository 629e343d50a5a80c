"""paperlib.Feed: live market data, against the fake venues of tests/feed/ (127.0.0.1)."""

import os
import selectors
import sys
import time

import pytest

import paperlib
from paperlib import Feed, FeedMessageType, FeedState

from conftest import SRCDIR

sys.path.insert(0, str(SRCDIR / "tests" / "feed"))
from harness import Fake  # noqa: E402

FAST = dict(connect_timeout_ms=1500, idle_timeout_ms=2500, backoff_base_ms=20,
            backoff_cap_ms=200)


def feeds_built():
    try:
        Feed("coinbase:BTC-USD", url="ws://127.0.0.1:9", max_attempts=1).close()
    except paperlib.UnsupportedError:
        return False
    return True


needs_feeds = pytest.mark.skipif(not feeds_built(), reason="libpaper built without feeds")


def websockets_installed():
    return os.path.exists("/usr/bin/python3") and os.system(
        "/usr/bin/python3 -c 'import websockets' 2>/dev/null") == 0


needs_fakes = pytest.mark.skipif(not websockets_installed(),
                                 reason="/usr/bin/python3 lacks websockets")


def test_sources_checked_without_connecting():
    paperlib.check_source("coinbase:BTC-USD,ETH-USD")
    paperlib.check_source("binance:btcusdt@1m", url="ws://127.0.0.1:1")
    with pytest.raises(paperlib.ConfigError, match="not a product id"):
        paperlib.check_source("coinbase:BTCUSD")
    with pytest.raises(paperlib.SafetyError, match="trading API"):
        paperlib.check_source("alpaca:AAPL", url="wss://paper-api.alpaca.markets")
    with pytest.raises(TypeError):
        paperlib.check_source(42)
    with pytest.raises(paperlib.ConfigError):
        Feed("coinbase:BTC-USD", queue_capacity=1)


@needs_feeds
@needs_fakes
def test_iterate_a_coinbase_feed():
    with Fake("coinbase", "normal", {"count": "20"}) as v:
        got = []
        with Feed("coinbase:BTC-USD", url=v.ws_url(), rest_url=v.rest_url(), **FAST) as feed:
            assert feed.poll(timeout=0) is None or True  # may already have one
            for msg in feed:
                got.append(msg)
                if sum(m.type == FeedMessageType.QUOTE for m in got) == 10:
                    break
            h = feed.health()
        assert got[0].type == FeedMessageType.STATUS and got[0].state == FeedState.UP
        quotes = [m for m in got if m.type == FeedMessageType.QUOTE]
        sent = v.sent("ticker")[:10]
        assert [q.last for q in quotes] == [float(s["price"]) for s in sent]
        assert all(q.bid < q.ask and q.symbol == "BTC-USD" for q in quotes)
        assert quotes[0].price == quotes[0].last and quotes[0].time.tzinfo is not None
        assert h.state == FeedState.UP and h.connected and h.venue == "coinbase"
        assert h.messages >= 10 and h.reconnects == 0
        assert feed.closed
        with pytest.raises(paperlib.StateError):
            feed.health()


@needs_feeds
@needs_fakes
def test_a_slow_consumer_loses_messages_counted_never_silently():
    with Fake("coinbase", "normal", {"count": "400", "rate": "2000"}) as v:
        with Feed("coinbase:BTC-USD?channels=ticker", url=v.ws_url(), queue_capacity=16,
                  **FAST) as feed:
            time.sleep(2.0)  # the venue sends 400 quotes; the queue holds 16
            msgs = []
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                msgs += feed.poll_many(256, timeout=0.3)
                h = feed.health()
                if h.messages + h.dropped >= 400 and h.queued == 0:
                    break
            msgs += feed.poll_many(256, timeout=0.5)  # the drops are said once there is room
        quotes = [m for m in msgs if m.type == FeedMessageType.QUOTE]
        assert h.dropped > 0 and h.queue_high == 16
        assert h.messages + h.dropped == 400 == len(v.sent("ticker"))
        assert len(quotes) == h.messages
        said = [m.text for m in msgs if m.type == FeedMessageType.STATUS and "dropped" in m.text]
        assert said and sum(int(t.split()[0]) for t in said) == h.dropped


@needs_feeds
@needs_fakes
def test_selectors_and_timeouts():
    with Fake("coinbase", "silent") as v:
        with Feed("coinbase:BTC-USD", url=v.ws_url(), **FAST) as feed:
            t0 = time.monotonic()
            assert feed.poll(timeout=0.2) is None
            assert 0.15 < time.monotonic() - t0 < 2
            sel = selectors.DefaultSelector()
            sel.register(feed, selectors.EVENT_READ)
            assert sel.select(timeout=4)  # the subscription deadline is said (STATUS)
            msg = feed.poll(timeout=0)
            assert msg.type == FeedMessageType.STATUS and "no subscription reply" in msg.text
            sel.close()


@needs_feeds
@needs_fakes
def test_alpaca_secret_never_shown(monkeypatch):
    key, secret = "PKPYTESTKEY", "py-Secret-that-must-not-leak"
    monkeypatch.setenv("APCA_API_KEY_ID", key)
    monkeypatch.setenv("APCA_API_SECRET_KEY", secret)
    monkeypatch.setenv("FAKE_KEY", key)
    monkeypatch.setenv("FAKE_SECRET", "another")
    with Fake("alpaca", "badkey", {"echo": "1"}) as v:
        with Feed("alpaca:AAPL", url=v.ws_url(), **FAST) as feed:
            msgs = list(feed)  # ends: the feed fails on 402
            h = feed.health()
    assert h.state == FeedState.FAILED and "402" in h.last_error
    text = repr(msgs) + repr(h)
    assert secret not in text and key not in text and "***" in text
    monkeypatch.delenv("APCA_API_SECRET_KEY")
    with pytest.raises(paperlib.ConfigError, match="APCA_API_SECRET_KEY"):
        Feed("alpaca:AAPL")
