#!/usr/bin/python3
"""paper run --feed against the fake venues: it trades through every injected fault, never
fills on a stale price, records every price it acted on in the ledger exactly as the venue
sent it, keeps the feeds' health for paper status and the dashboard, and its session replays
as a backtest with the same trades.

    check_run.py PAPER GROUP     (GROUP: faults, stale, replay, secret)
"""

import json
import os
import shutil
import signal
import sqlite3
import subprocess
import sys
import tempfile
import time

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from harness import FAST, Fake, run  # noqa: E402
from check_feed import check, iso_us  # noqa: E402

PAPER = None
KEY, SECRET = "PKRUNTESTKEY77", "run-Secret-Never-Printed-99"


class Run:
    """A paper run --feed in the background, on a fresh ledger."""

    def __init__(self, feeds, *settings, env=None, interval="1"):
        self.dir = tempfile.mkdtemp(prefix="paper-run-")
        self.ledger = os.path.join(self.dir, "run.db")
        args = [PAPER, "init", "--ledger", self.ledger, "--cash", "100000",
                "--set", "limits.min_confidence=0.5", "--set", "session.max_hold_minutes=0",
                "--set", "session.fractional=true", "--set", "session.lot_size=0.0001"]
        for s in settings:
            args += ["--set", s]
        run(args, check=0)
        self.args = [PAPER, "run", "--ledger", self.ledger, "--interval", interval] + FAST
        for f in feeds:
            self.args += f
        self.env = env
        self.proc = None

    def start(self):
        self.proc = subprocess.Popen(self.args, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
                                     text=True, env=self.env)
        return self

    def decide(self, symbol, side, confidence=0.9, tp=0, sl=0):
        db = sqlite3.connect(self.ledger, timeout=10)
        db.execute("INSERT INTO decisions (account, symbol, side, confidence, take_profit, "
                   "stop_loss) VALUES ('default', ?, ?, ?, ?, ?)",
                   (symbol, side, confidence, tp, sl))
        db.commit()
        db.close()

    def stop(self, expect=0):
        self.proc.send_signal(signal.SIGTERM)
        out, err = self.proc.communicate(timeout=60)
        self.out, self.err = out, err
        check(self.proc.returncode == expect, "paper run exit %d (wanted %d)" %
              (self.proc.returncode, expect), out[-3000:], err[-3000:])
        return out, err

    def sql(self, query, *args):
        db = sqlite3.connect(self.ledger)
        try:
            return db.execute(query, args).fetchall()
        finally:
            db.close()

    def status(self):
        code, out, err = run([PAPER, "status", "--ledger", self.ledger, "--json"], check=0)
        return json.loads(out)

    def lines(self, what):
        return [l for l in self.out.splitlines() if l.startswith("PAPER " + what + " ")]

    def cleanup(self):
        shutil.rmtree(self.dir, ignore_errors=True)


def applied_prices(r):
    """(symbol, kind, price) of the recorded prices given to the account, in order."""
    return r.sql("SELECT symbol, kind, price_e8, ts, flags FROM prices ORDER BY id")


def e8(text):
    return round(float(text) * 1e8)


# ---- trading through every fault ----

def coinbase_faults():
    with Fake("coinbase", "all", {"count": "80", "rate": "100"}) as v:
        r = Run([["--feed", "coinbase:BTC-USD,ETH-USD", *v.urls()]],
                "session.tp_pct=0.05", "session.sl_pct=0.05").start()
        for sym, side in (("BTC-USD", "buy"), ("ETH-USD", "sell"), ("BTC-USD", "sell"),
                          ("ETH-USD", "buy")):
            time.sleep(2.5)
            r.decide(sym, side)
        time.sleep(3)
        r.stop()
        check(len(v.sent("fault")) >= 8, "faults went by", v.sent("fault"))
        check(len(r.lines("ENTRY")) >= 3 and len(r.lines("EXIT")) >= 2, "traded through them",
              r.out[-3000:])
        # The ledger holds exactly what the venue sent and was applied: each good ticker, each
        # new match, in order; no duplicate, no out-of-order one.
        rows = applied_prices(r)
        check(all(f & 4 == 0 for *_, f in rows), "no stale price with a real-time venue")
        got = [(s, k, p) for s, k, p, t, f in rows]
        sent = []
        for rec in v.sent():
            if rec["kind"] == "ticker" and not rec.get("dup"):
                sent.append((rec["product"], 1, e8(rec["price"])))
            elif rec["kind"] == "match" and not rec.get("dup"):
                sent.append((rec["product"], 2, e8(rec["price"])))
        check(got == sent, "the ledger matches what was sent", len(got), len(sent),
              [x for x in zip(got, sent) if x[0] != x[1]][:5])
        # Every fill happened at a price the ledger holds, stamped when it came.
        fills = r.sql("SELECT symbol, ts FROM fills")
        stamps = {(s, t) for s, k, p, t, f in rows}
        check(fills and all((s, t) in stamps for s, t in fills), "fills on recorded prices",
              fills[:5])
        st = r.status()
        h = st["feeds"][0]["health"]
        check(h["state"] == "stopped" and h["reconnects"] >= 7 and h["duplicates"] >= 1 and
              h["gaps"] >= 1, "health kept for paper status", h)
        html = os.path.join(r.dir, "d.html")
        run([PAPER, "report", "--ledger", r.ledger, "--html", html], check=0)
        page = open(html, encoding="utf-8").read()
        check('<section id="feeds">' in page and "coinbase:BTC-USD,ETH-USD" in page,
              "the dashboard shows the feed")
        check('data-check="min_psr"' in page, "and the readiness gate beside it")
        r.cleanup()


def binance_alpaca_poll_faults():
    """The other venues, together in one run, each through its faults."""
    os.environ.update(FAKE_KEY=KEY, FAKE_SECRET=SECRET)
    env = dict(os.environ, APCA_API_KEY_ID=KEY, APCA_API_SECRET_KEY=SECRET)
    with Fake("binance", "all", {"count": "40", "rate": "20"}) as b, \
            Fake("alpaca", "all", {"count": "60", "rate": "20"}) as a, \
            Fake("http-poll", "errors") as p:
        src = "http-poll:%s/price#price=$.data.price&time=$.data.ts&symbol=XYZ&interval=0.2" % \
            p.rest_url()
        r = Run([["--feed", "binance:btcusdt@1s,ethusdt@book", *b.urls()],
                 ["--feed", "alpaca:AAPL?data=quotes,trades", *a.urls()],
                 ["--feed", src]], "session.tp_pct=0.02", "session.sl_pct=0.02",
                env=env).start()
        for sym, side in (("BTCUSDT", "buy"), ("AAPL", "buy"), ("XYZ", "sell"),
                          ("ETHUSDT", "sell"), ("AAPL", "sell")):
            time.sleep(2)
            r.decide(sym, side)
        time.sleep(4)
        r.stop()
        entries = r.lines("ENTRY")
        check(len(entries) >= 4, "entries on every venue", r.out[-3000:], r.err[-2000:])
        rows = applied_prices(r)
        for sym in ("BTCUSDT", "ETHUSDT", "AAPL", "XYZ"):
            check(any(s == sym for s, *_ in rows), sym + " prices recorded")
        # Binance: the bars given, one per second, in order, the gap refilled.
        bars = [t for s, k, p, t, f in rows if s == "BTCUSDT" and k == 3]
        check(bars == sorted(set(bars)), "bars once, in order", bars)
        sent = {rec["time"] * 1000 for rec in b.sent("kline") if rec["symbol"] == "BTCUSDT"
                and not rec.get("dup")} | {rec["time"] * 1000 for rec in b.sent("missed")}
        check(set(bars) <= sent and len(bars) >= len(sent) - 2, "bars as sent", bars, sent)
        health = {f["health"]["venue"]: f["health"] for f in r.status()["feeds"]}
        check(set(health) == {"binance", "alpaca", "http-poll"} and
              health["binance"]["reconnects"] >= 5 and health["alpaca"]["reconnects"] >= 3 and
              health["http-poll"]["bad_messages"] >= 2, "every feed's health", health)
        r.cleanup()


# ---- staleness ----

def stale_never_filled():
    """Old prices (a venue three hours behind): recorded as stale, decisions wait, nothing
    fills."""
    with Fake("coinbase", "normal", {"count": "300", "rate": "100", "clock": "fast"}) as v:
        r = Run([["--feed", "coinbase:BTC-USD", *v.urls()]]).start()
        time.sleep(1.5)
        r.decide("BTC-USD", "buy")
        time.sleep(2.5)
        r.stop()
        rows = applied_prices(r)
        check(rows and all(f & 4 for *_, f in rows), "every price recorded stale", rows[:3])
        check(r.sql("SELECT count(*) FROM fills")[0][0] == 0 and not r.lines("ORDER"),
              "no order, no fill", r.out[-2000:])
        check(any("last price" in l or "no live price" in l for l in r.lines("WAIT")) and
              r.lines("STALE"), "said why", r.out[-2000:])
        check(r.sql("SELECT status FROM decisions") == [("pending",)], "the decision waits")
        r.cleanup()


def stale_exit_waits():
    """A position's stop is crossed while the venue's prices are stale: no exit on them; the
    first fresh price fills it."""
    with Fake("http-poll", "stale", {"stale_after": "12", "stale_for": "20", "drop_at": "10",
                                     "drop": "5"}) as p:
        src = "http-poll:%s/price#price=$.data.price&time=$.data.ts&bid=$.data.bid&" \
              "ask=$.data.ask&symbol=XYZ&interval=0.2" % p.rest_url()
        r = Run([["--feed", src]], "feed.max_staleness_s=1", "session.sl_pct=2",
                "session.tp_pct=50", interval="1").start()
        time.sleep(0.8)
        r.decide("XYZ", "buy")
        time.sleep(8)
        r.stop()
        rows = applied_prices(r)
        stale = [(t, p) for s, k, p, t, f in rows if f & 4]
        check(stale, "stale prices recorded", rows)
        exits = r.sql("SELECT f.ts, f.price_e8 FROM fills f JOIN orders o ON o.id = f.order_id "
                      "AND o.account = f.account WHERE o.exit_reason != 0")
        check(len(exits) == 1, "one exit", exits, r.out[-2000:])
        fresh = {t for s, k, p, t, f in rows if not f & 4}
        low = min(p for t, p in stale)
        check(exits[0][0] in fresh and exits[0][0] > max(t for t, p in stale),
              "the stop filled on the first fresh price, never on a stale one", exits, stale[-3:])
        check(any(p <= low for t, p in stale), "the stale prices did cross the stop", stale)
        r.cleanup()


# ---- record and replay ----

def replay_matches_backtest():
    """A session on bars, exported and replayed as a backtest: the same trades, exactly."""
    with Fake("binance", "normal", {"count": "100000", "rate": "20", "book": "0"}) as v:
        settings = ["session.tp_pct=0.05", "session.sl_pct=0.05", "costs.slippage_pct=0.01"]
        r = Run([["--feed", "binance:btcusdt@1s", *v.urls()]], *settings).start()
        for side in ("buy", "sell", "buy"):
            time.sleep(2.2)
            r.decide("BTCUSDT", side)
        time.sleep(3.5)
        r.stop()
        out = os.path.join(r.dir, "export")
        run([PAPER, "export", "--ledger", r.ledger, "--dir", out, "--prices"], check=0)
        trades_out = os.path.join(r.dir, "replay-trades.csv")
        args = [PAPER, "replay", "--bars", os.path.join(out, "price_bars.csv"), "--signals",
                os.path.join(out, "signals.csv"), "--trades-out", trades_out, "--summary-out",
                os.path.join(r.dir, "s.json"), "--quiet", "--no-progress",
                "--set", "session.fractional=true", "--set", "session.lot_size=0.0001",
                "--set", "session.max_hold_minutes=0", "--set", "limits.min_confidence=0.5"]
        for s in settings:
            args += ["--set", s]
        run(args, check=0)
        import csv
        live = list(csv.DictReader(open(os.path.join(out, "trades.csv"), encoding="utf-8")))
        replayed = [t for t in csv.DictReader(open(trades_out, encoding="utf-8"))
                    if t["exit_reason"] != "end_of_data"]
        check(len(live) >= 2, "trades to compare", live, r.out[-2000:])
        check(len(live) == len(replayed), "as many trades", len(live), len(replayed))
        for a, b in zip(live, replayed):
            check((a["entry_price"], a["exit_price"], a["qty"], a["exit_reason"], a["pnl_net"]) ==
                  (b["entry_price"], b["exit_price"], b["qty"], b["exit_reason"], b["pnl_net"]),
                  "the same trade, bit for bit", a, b)
        r.cleanup()


# ---- secrets ----

def secret_never_stored():
    os.environ.update(FAKE_KEY=KEY, FAKE_SECRET="not-the-one")
    env = dict(os.environ, APCA_API_KEY_ID=KEY, APCA_API_SECRET_KEY=SECRET)
    with Fake("alpaca", "badkey", {"echo": "1"}) as a:
        r = Run([["--feed", "alpaca:AAPL", *a.urls()]], env=env).start()
        code = r.proc.wait(timeout=30)  # the only feed fails: the run stops by itself
        r.out, r.err = r.proc.communicate()
        check(code == 1 and "every feed has failed" in r.err, "stopped", code, r.err)
        run([PAPER, "report", "--ledger", r.ledger, "--html", os.path.join(r.dir, "d.html")],
            check=0)
        run([PAPER, "export", "--ledger", r.ledger, "--dir", os.path.join(r.dir, "x"),
             "--prices"], check=0)
        texts = [r.out, r.err, json.dumps(r.status())]
        for root, _, files in os.walk(r.dir):
            for f in files:
                with open(os.path.join(root, f), "rb") as fh:
                    texts.append(fh.read().decode("latin-1"))
        for t in texts:
            check(SECRET not in t and KEY not in t, "a key or the secret was stored or shown",
                  t[:500])
        check("***" in json.dumps(r.status()), "the venue's echo masked")
        r.cleanup()


def expiry_without_data():
    """An option position open at its expiry while no data comes (the venue quiet, as after
    the close): paper run settles it by the clock at intrinsic value from the underlying's
    last price, exit reason expiry - not at the option's next price, which never comes."""
    import datetime as dt

    day = (dt.datetime.now(dt.timezone.utc) - dt.timedelta(days=3)).date()
    option = "SPY%sC00500000" % day.strftime("%y%m%d")
    at = "%sT14:%%02d:00Z" % day.isoformat()
    with Fake("coinbase", "normal", {"count": "0"}) as v:
        r = Run([["--feed", "coinbase:BTC-USD", *v.urls()]])

        def mark(lines):
            p = subprocess.run([PAPER, "mark", "--ledger", r.ledger, "--no-exits", "-"],
                               input=lines, capture_output=True, text=True, timeout=60)
            check(p.returncode == 0, "paper mark", p.stdout[-2000:], p.stderr[-2000:])

        mark("SPY 509.00 %s\n%s 9.50 %s\n" % (at % 0, option, at % 0))
        run([PAPER, "order", "--ledger", r.ledger, option, "buy", "2"], check=0)
        mark("%s 9.60 %s\nSPY 510.25 %s\n" % (option, at % 1, at % 2))
        check(r.sql("SELECT count(*) FROM fills")[0][0] == 1, "the entry filled before expiry")
        r.start()
        time.sleep(2.5)
        r.stop()
        trades = r.sql("SELECT symbol, exit_reason, exit_price, quantity FROM trades_v")
        check(trades == [(option, "expiry", 10.25, 2.0)],
              "settled at intrinsic value 510.25 - 500, exit reason expiry", trades,
              r.out[-2000:], r.err[-2000:])
        fills = r.sql("SELECT price_e8, qty_e8 FROM fills ORDER BY seq")
        check(fills[-1] == (e8("10.25"), e8("2")), "the settlement fill", fills)
        check(r.sql("SELECT count(*) FROM positions_v")[0][0] == 0, "no position left")
        r.cleanup()


GROUPS = {
    "faults": [coinbase_faults, binance_alpaca_poll_faults],
    "stale": [stale_never_filled, stale_exit_waits, expiry_without_data],
    "replay": [replay_matches_backtest, secret_never_stored],
}


def main(argv):
    global PAPER
    PAPER = argv[1]
    import check_feed
    check_feed.PAPER = PAPER
    for fn in GROUPS[argv[2]]:
        t0 = time.monotonic()
        fn()
        print("ok %s (%.1f s)" % (fn.__name__, time.monotonic() - t0), flush=True)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
