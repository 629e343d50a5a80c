#!/usr/bin/python3
"""A fake JSON price endpoint for http-poll feeds: GET /price answers
{"data": {"price": "123.45", "ts": <epoch ms>, "bid": .., "ask": ..}} with a new price each
call. 127.0.0.1 only.

Scenarios: normal, errors (every third call a 500, a body that is not JSON, or a field
missing), slow (every other call answers after 3 s), dup (the same quote twice), ooo (an older
quote), down (every call fails), stale (after stale_after=N fresh quotes the venue's time stalls
for stale_for=M quotes, crawling a millisecond a quote, and drop_at=K quotes in the price falls
drop=PCT percent; then fresh quotes at that lower price), all.
Options: step=SECONDS of venue time between quotes (default: real time), iso=1 (the time as
an RFC 3339 string instead of epoch milliseconds).
"""

import json
import time

import venue
from venue import iso


class Poll(venue.Venue):
    NAME = "http-poll"

    def __init__(self, *a):
        super().__init__(*a)
        self.calls = 0
        self.price = 250.0
        self.last = None
        self.last_ts = 0

    async def session(self, ws, n):
        await ws.close(1008, "this venue is polled over HTTP")

    def quote(self):
        self.price = round(self.price * 1.0007, 2)
        ts = time.time_ns() // 1000
        if self.scenario == "stale":
            # The venue's clock stalls: times crawl on from the last fresh quote (1 ms a
            # quote) while the real clock runs; the price falls drop_at quotes in.
            n, after = self.calls, int(self.opts.get("stale_after", "10"))
            frozen = after < n <= after + int(self.opts.get("stale_for", "10"))
            if n == after + int(self.opts.get("drop_at", "5")):
                self.price = round(self.price * (1 - float(self.opts.get("drop", "5")) / 100), 2)
            if frozen:
                self.frozen_ts = getattr(self, "frozen_ts", self.last_ts) + 1000
                ts = self.frozen_ts
            self.last_ts = ts
        self.last = {"price": "%.2f" % self.price, "ts": ts // 1000,
                     "bid": round(self.price - 0.05, 2), "ask": round(self.price + 0.05, 2)}
        if self.opts.get("iso") == "1":
            self.last["ts"] = iso(ts)
        return self.last

    def rest(self, path, query, headers=None):
        if path != "/price":
            return 404, b'{"error":"not found"}', {}
        self.calls += 1
        n, sc = self.calls, self.scenario
        if sc == "down":
            return 503, b'{"error":"down"}', {}
        if sc in ("errors", "all") and n % 3 == 0:
            kind = (n // 3) % 3
            self.log.write(kind="fault", fault=["500", "garbage", "missing"][kind])
            if kind == 0:
                return 500, b'{"error":"internal"}', {}
            if kind == 1:
                return 200, b"<html>not json</html>", {}
            return 200, json.dumps({"data": {"ts": 1}}).encode(), {}
        if sc in ("slow", "all") and n % 2 == 0:
            self.log.write(kind="fault", fault="slow")
            time.sleep(3)
        if sc in ("dup", "all") and n % 4 == 0 and self.last:
            q = dict(self.last)
            self.log.write(kind="quote", price=q["price"], ts=q["ts"], dup=True)
            return 200, json.dumps({"data": q}).encode(), {}
        if sc in ("ooo", "all") and n % 5 == 0 and self.last:
            q = dict(self.last, price="1.00")
            q["ts"] = q["ts"] - 60000 if isinstance(q["ts"], int) else q["ts"]
            self.log.write(kind="quote", price=q["price"], ts=q["ts"], dup=True, ooo=True)
            return 200, json.dumps({"data": q}).encode(), {}
        q = self.quote()
        self.log.write(kind="quote", price=q["price"], ts=q["ts"], bid=q["bid"], ask=q["ask"],
                       dup=False)
        return 200, json.dumps({"data": q}).encode(), {}


if __name__ == "__main__":
    venue.run(Poll, ["normal", "errors", "slow", "dup", "ooo", "down", "stale", "all"])
