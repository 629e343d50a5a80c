"""Deterministic option prices for the options paper trader: Black-Scholes (European, no
dividends) over the underlying's bars, and OCC option symbols.

Only the standard library: the normal distribution comes from math.erf. Everything here is a
pure function of its arguments, so the same bars give the same option prices on every run.
"""

from __future__ import annotations

import math
from dataclasses import dataclass
from datetime import date, datetime, time, timezone
from typing import Tuple
from zoneinfo import ZoneInfo

NEW_YORK = ZoneInfo("America/New_York")
YEAR_SECONDS = 365.0 * 24 * 3600  # time to expiry in calendar years
TICKS_PER_DOLLAR = 100            # SPY, QQQ and IWM options quote in pennies


def norm_cdf(x: float) -> float:
    """The standard normal distribution function."""
    return 0.5 * (1.0 + math.erf(x / math.sqrt(2.0)))


def black_scholes(right: str, spot: float, strike: float, years: float, rate: float,
                  vol: float) -> float:
    """The Black-Scholes value of a European call ("C") or put ("P"), no dividends.

    At or after expiry (years <= 0) or without volatility, the value is the intrinsic value
    (of the forward, discounted, when only the volatility is 0).
    """
    if right not in ("C", "P"):
        raise ValueError(f"right must be 'C' or 'P', not {right!r}")
    if not (spot > 0 and strike > 0 and vol >= 0 and math.isfinite(years)):
        raise ValueError("spot and strike must be > 0, vol >= 0 and years finite")
    if years <= 0:
        return max(0.0, spot - strike) if right == "C" else max(0.0, strike - spot)
    discount = math.exp(-rate * years)
    if vol == 0:
        forward = spot - strike * discount
        return max(0.0, forward) if right == "C" else max(0.0, -forward)
    sd = vol * math.sqrt(years)
    d1 = (math.log(spot / strike) + (rate + 0.5 * vol * vol) * years) / sd
    d2 = d1 - sd
    if right == "C":
        return spot * norm_cdf(d1) - strike * discount * norm_cdf(d2)
    return strike * discount * norm_cdf(-d2) - spot * norm_cdf(-d1)


def to_tick(price: float) -> float:
    """A model price as a quote: rounded half up to the penny tick, at least one tick."""
    # n / 100 is the double nearest to the decimal n/100, the same as parsing "2.57".
    return max(1, math.floor(price * TICKS_PER_DOLLAR + 0.5)) / TICKS_PER_DOLLAR


def expiry_ts(day: date) -> int:
    """The expiry of an option of that date: 16:00 America/New_York, in microseconds UTC
    (libpaper's rule for OCC symbols)."""
    local = datetime.combine(day, time(16, 0), tzinfo=NEW_YORK)
    return int(local.astimezone(timezone.utc).timestamp()) * 1_000_000


@dataclass(frozen=True)
class Contract:
    """One option contract: an OCC symbol and what it is made of."""

    underlying: str
    expiry: date
    right: str  # "C" or "P"
    strike: float

    @property
    def symbol(self) -> str:
        """The OCC symbol, e.g. SPY240119C00475000 (strike in thousandths, 8 digits)."""
        return "%s%s%s%08d" % (self.underlying, self.expiry.strftime("%y%m%d"), self.right,
                               int(round(self.strike * 1000)))

    @property
    def expires(self) -> int:
        return expiry_ts(self.expiry)

    def intrinsic(self, spot: float) -> float:
        return max(0.0, spot - self.strike) if self.right == "C" else max(0.0, self.strike - spot)


def option_bar(c: Contract, start: int, end: int, o: float, h: float, low: float, cl: float,
               rate: float, vol: float) -> Tuple[float, float, float, float]:
    """The option's bar over the underlying's bar [start, end) (microseconds UTC): open at
    the underlying's open with the time left at start, close at its close with the time left
    at end, high and low from the underlying's extremes (a call rises with the underlying, a
    put falls), every price on the tick."""
    t0 = (c.expires - start) / 1e6 / YEAR_SECONDS
    t1 = (c.expires - end) / 1e6 / YEAR_SECONDS

    def px(spot: float, years: float) -> float:
        return to_tick(black_scholes(c.right, spot, c.strike, years, rate, vol))

    op, cp = px(o, t0), px(cl, t1)
    up, down = (h, low) if c.right == "C" else (low, h)
    hi = max(op, cp, px(up, t0), px(up, t1))
    lo = min(op, cp, px(down, t0), px(down, t1))
    return op, hi, lo, cp
