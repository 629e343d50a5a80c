#!/usr/bin/python3
"""A fake Coinbase Exchange market-data venue, written from the public documentation of the
WebSocket feed (ws-feed.exchange.coinbase.com: subscribe within 5 s, the `subscriptions` reply,
channels ticker, matches with a first `last_match`, heartbeat once a second per product;
prices as decimal strings, times RFC 3339 with microseconds) and of REST
`GET /products/{id}/candles` ([time, low, high, open, close, volume], newest first, at most
300). 127.0.0.1 only.

Scenarios (--scenario): normal, drop, close, garbage, badutf8, oversized, slow, gap, dup,
ooo, silent, blackhole, busy (429 at the first handshake), refused (every product refused),
partial (one product refused), all (one fault per connection, in turn).
Options (--opt): count=N messages per connection (default 40), rate=PER_SECOND (default 200),
seconds=N (stream this long instead of count), start=PRICE, clock=fast (venue time from
three hours ago, tick=S seconds per message: bars close at once).
"""

import asyncio
import json
import random
import time

import venue
from venue import Faults, iso

FAULTS = ["drop", "close", "garbage", "badutf8", "oversized", "slow", "gap", "dup", "ooo",
          "blackhole"]


class Coinbase(venue.Venue):
    NAME = "coinbase"

    def __init__(self, *a):
        super().__init__(*a)
        self.rng = random.Random(7)
        self.products = {}  # id -> {"price", "trade_id", "seq"}
        self.candles = {}   # id -> {bucket_s: [o, h, l, c, v]}

    def product(self, pid):
        p = self.products.get(pid)
        if p is None:
            p = {"price": float(self.opts.get("start", "30000")), "trade_id": 1000,
                 "seq": 50_000_000_000}
            self.products[pid] = p
        return p

    def handshake(self, path, headers, n):
        if self.scenario == "busy" and n == 0:
            return (429, [("Retry-After", "1")], b"slow down\n")
        return None

    def fault_of(self, n):
        if self.scenario == "all":
            return FAULTS[n] if n < len(FAULTS) else None
        if self.scenario in FAULTS:
            return self.scenario if n == 0 else None
        return None

    async def subscribe(self, ws):
        msg = await self.recv_json(ws)
        assert msg.get("type") == "subscribe", msg
        wanted = {}
        for ch in msg["channels"]:
            wanted[ch["name"]] = list(ch["product_ids"])
        assert "ticker" in wanted or "matches" in wanted, msg
        self.log.write(kind="subscribe", message=msg)
        return wanted

    def refuse(self, ids):
        if self.scenario == "refused":
            return ids
        if self.scenario == "partial":
            return [i for i in ids if i.startswith("BAD")]
        return []

    async def session(self, ws, n):
        if self.scenario == "silent":
            await asyncio.sleep(30)  # connected, never answers the subscribe
            return
        wanted = await self.subscribe(ws)
        all_ids = sorted({i for ids in wanted.values() for i in ids})
        bad = self.refuse(all_ids)
        if bad:
            await self.send(ws, {"type": "error", "message": "Failed to subscribe",
                                 "reason": "%s is not a valid product" % bad[0]})
        good = [i for i in all_ids if i not in bad]
        if not good:
            await asyncio.sleep(2)
            return
        chans = [{"name": name, "product_ids": [i for i in ids if i in good]}
                 for name, ids in wanted.items()]
        await self.send(ws, {"type": "subscriptions", "channels": chans})
        # The most recent trade first, on matches (may repeat one seen before a reconnect).
        for pid in wanted.get("matches", []):
            if pid in good:
                p = self.product(pid)
                if p["trade_id"] > 1000:
                    await self.send(ws, self.match(pid, p, last=True), "match", product=pid,
                                    trade_id=p["trade_id"], price=p["last"], dup=True)
        await self.stream(ws, n, good, wanted)

    def match(self, pid, p, last=False):
        return {"type": "last_match" if last else "match", "trade_id": p["trade_id"],
                "sequence": p["seq"], "maker_order_id": "ac928c66-ca53-498f-9c13-a110027a60e8",
                "taker_order_id": "132fb6ae-456b-4654-b4e0-d681ac05cea1", "time": p["time"],
                "product_id": pid, "size": p["size"], "price": p["last"],
                "side": "sell"}

    def step(self, pid):
        """A new trade for pid: the ticker and the match that report it."""
        p = self.product(pid)
        p["price"] = max(1.0, p["price"] * (1 + self.rng.uniform(-0.001, 0.001)))
        p["last"] = "%.2f" % p["price"]
        p["size"] = "%.8f" % self.rng.uniform(0.001, 0.5)
        p["trade_id"] += 1
        p["seq"] += self.rng.randint(3, 40)  # the whole feed's sequence: jumps by design
        ts = self.clock()
        p["time"] = iso(ts)
        bucket = ts // 60_000_000 * 60
        c = self.candles.setdefault(pid, {}).get(bucket)
        price = float(p["last"])
        if c is None:
            self.candles[pid][bucket] = [price, price, price, price, float(p["size"])]
        else:
            c[1], c[2], c[3] = max(c[1], price), min(c[2], price), price
            c[4] += float(p["size"])
        ticker = {"type": "ticker", "sequence": p["seq"], "product_id": pid, "price": p["last"],
                  "open_24h": "29000.00", "volume_24h": "1234.5", "low_24h": "28000.00",
                  "high_24h": "31000.00", "volume_30d": "99999.9",
                  "best_bid": "%.2f" % (price - 0.01), "best_bid_size": "0.5",
                  "best_ask": "%.2f" % (price + 0.01), "best_ask_size": "0.7", "side": "buy",
                  "time": p["time"], "trade_id": p["trade_id"], "last_size": p["size"]}
        return p, ticker

    async def emit(self, ws, pid, wanted, dup=False):
        p, ticker = self.step(pid) if not dup else (self.product(pid), None)
        if "ticker" in wanted and pid in wanted["ticker"] and ticker:
            await self.send(ws, ticker, "ticker", product=pid, price=ticker["price"],
                            bid=ticker["best_bid"], ask=ticker["best_ask"], time=ticker["time"],
                            seq=ticker["sequence"], dup=False)
        if "matches" in wanted and pid in wanted["matches"]:
            await self.send(ws, self.match(pid, p), "match", product=pid, trade_id=p["trade_id"],
                            price=p["last"], time=p["time"], dup=dup)

    async def heartbeat(self, ws, pids):
        for pid in pids:
            p = self.product(pid)
            await self.send(ws, {"type": "heartbeat", "sequence": p["seq"],
                                 "last_trade_id": p["trade_id"], "product_id": pid,
                                 "time": iso(self.clock(advance=False))})

    async def stream(self, ws, n, pids, wanted):
        fault = self.fault_of(n)
        count = int(self.opts.get("count", "40"))
        seconds = float(self.opts.get("seconds", "0"))
        rate = float(self.opts.get("rate", "200"))
        started = time.monotonic()
        last_hb = 0.0
        i = 0
        while (seconds and time.monotonic() - started < seconds) or (not seconds and i < count):
            pid = pids[i % len(pids)]
            if time.monotonic() - last_hb >= 1.0:
                await self.heartbeat(ws, pids)
                last_hb = time.monotonic()
            if fault and i == count // 2:
                done = await self.inject(ws, fault, pid, wanted)
                if done:
                    return
            else:
                await self.emit(ws, pid, wanted)
            i += 1
            await self.pace(started, i, rate)
        if self.scenario == "all" and n < len(FAULTS):
            await ws.close(1000, "next fault")  # the next connection brings the next one
            return
        # Heartbeats keep the connection alive until the client goes.
        while True:
            await self.heartbeat(ws, pids)
            await asyncio.sleep(1.0)

    async def inject(self, ws, fault, pid, wanted):
        """One fault; True when the connection is over."""
        self.log.write(kind="fault", fault=fault)
        await asyncio.sleep(0.1)  # what was sent before the fault reaches the client first
        if fault == "drop":
            Faults.abort(ws)
            return True
        if fault == "close":
            await Faults.close(ws)
            return True
        if fault == "garbage":
            Faults.garbage(ws)
            return True
        if fault == "badutf8":
            await Faults.bad_utf8(ws)
            return True
        if fault == "oversized":
            await Faults.oversized(ws)
            return True
        if fault == "blackhole":
            await Faults.blackhole(ws, 20)
            return True
        if fault == "slow":
            p, ticker = self.step(pid)
            await Faults.slow_frame(ws, json.dumps(ticker), 0.02)
            self.log.write(kind="ticker", product=pid, price=ticker["price"], seq=ticker["sequence"],
                           bid=ticker["best_bid"], ask=ticker["best_ask"], time=ticker["time"],
                           dup=False)
            return False
        if fault == "gap":
            # Trades the client never sees: their ids, and the candles that hold them.
            for _ in range(5):
                self.step(pid)
            self.log.write(kind="gap", product=pid)
            await self.emit(ws, pid, wanted)
            return False
        if fault == "dup":
            await self.emit(ws, pid, wanted)
            await self.emit(ws, pid, wanted, dup=True)
            return False
        if fault == "ooo":
            p = self.product(pid)
            old = {"type": "ticker", "sequence": p["seq"] - 100, "product_id": pid,
                   "price": "1.00", "best_bid": "0.99", "best_ask": "1.01",
                   "time": iso(self.clock(advance=False) - 60_000_000), "trade_id": p["trade_id"] - 50,
                   "last_size": "1"}
            await self.send(ws, old, "ticker", product=pid, price="1.00", seq=old["sequence"],
                            ooo=True, dup=True)
            return False
        return False

    def rest(self, path, query, headers=None):
        parts = path.strip("/").split("/")
        if len(parts) != 3 or parts[0] != "products" or parts[2] != "candles":
            return 404, b'{"message":"NotFound"}', {}
        if query.get("granularity") not in ("60", "300", "900", "3600", "21600", "86400"):
            return 400, b'{"message":"Unsupported granularity"}', {}
        rows = []
        for bucket, (o, h, l, c, v) in self.candles.get(parts[1], {}).items():
            rows.append([bucket, l, h, o, c, round(v, 8)])
        rows.sort(reverse=True)  # newest first, as the venue answers
        for r in rows:
            self.log.write(kind="candle", product=parts[1], time=r[0], low=r[1], high=r[2],
                           open=r[3], close=r[4])
        return 200, json.dumps(rows[:300]).encode(), {}


if __name__ == "__main__":
    venue.run(Coinbase, ["normal", "busy", "silent", "refused", "partial", "all"] + FAULTS)
