"""Money properties over random order streams (docs/semantics.md, "Limits"), with hypothesis.

Within the limits, after every step: cash + sum(qty * price * multiplier) == equity to the
unit of 1e-8 (each position valued as the broker values it: qty x mark rounded half away
from zero; the multiplier is 1 today), and once flat: starting cash + realized - fees == cash.
Past the limits, the call fails with its code and the broker reads back exactly as before.

Deterministic in CI: derandomize=True, no example database, a bounded number of examples.
Values are compared exactly, as the *_e8 integers the API gives.
"""

import math

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paperlib
from paperlib import ErrorCode, ExitStyle, FillReason, InvalidArgument, NotFound, OrderRejected, Side
from paperlib._paperlib import lib

from conftest import T0

E8 = 10**8
MONEY_MAX_E8 = lib.PAPER_MONEY_MAX_E8
PRICE_MAX = lib.PAPER_PRICE_MAX_E8 / E8
MINUTE = 60_000_000
MULTIPLIER = 1  # contract multiplier: 1 for every instrument today
SYMBOLS = ["A", "B", "C"]

SETTINGS = settings(
    derandomize=True,
    database=None,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Prices in cents up to 10,000.00 and quantities up to 10,000 units an order: 40 steps
# cannot take a position, its value or the cash past about 1e10, far inside the money limit
# (4.6e10) whatever the prices do; a bar's open and close may differ.
bar_op = st.tuples(st.just("bar"), st.sampled_from(SYMBOLS), st.integers(1, 10**6), st.integers(1, 10**6))
order_op = st.tuples(st.just("order"), st.sampled_from(SYMBOLS), st.sampled_from(["buy", "sell"]), st.integers(1, 10**4))
close_op = st.tuples(st.just("close"), st.sampled_from(SYMBOLS))
ops = st.lists(st.one_of(bar_op, bar_op, order_op, close_op), min_size=1, max_size=40)


def new_broker():
    return paperlib.Broker(
        account__starting_cash=10_000_000_000.0,
        account__type="margin",
        limits__max_position_fraction=100.0,
        limits__max_order_notional=10_000_000_000.0,
        limits__max_open_positions=5,
        limits__daily_loss_limit=1.0,
        costs__commission_pct=0.1,
        costs__commission_min=1.0,
    )


def rounded_value(qty_e8, price_e8):
    """qty x price in 1e-8 units, rounded half away from zero, exactly."""
    p = qty_e8 * price_e8 * MULTIPLIER
    q, r = divmod(abs(p), E8)
    q += 1 if 2 * r >= E8 else 0
    return q if p >= 0 else -q


class Market:
    """Runs steps on a broker and remembers each symbol's mark in 1e-8 units."""

    def __init__(self, b):
        self.b = b
        self.ts = T0
        self.mark_e8 = {}

    def bar(self, sym, open_cents, close_cents):
        self.ts += MINUTE
        o, c = open_cents / 100, close_cents / 100
        self.b.on_bar(sym, self.ts, o, max(o, c), min(o, c), c, 1e9)
        # cents / 100 as a double converts back to exactly cents * 1e6 units
        self.mark_e8[sym] = close_cents * 10**6

    def step(self, op):
        kind, sym = op[0], op[1]
        if kind == "bar":
            self.bar(sym, op[2], op[3])
        elif kind == "order":
            try:
                self.b.submit(sym, Side.BUY if op[2] == "buy" else Side.SELL, float(op[3]), ts=self.ts)
            except OrderRejected:
                pass  # no data yet, buying power, a limit: a recorded rejection
        else:
            try:
                self.b.close_position(sym)
            except NotFound:
                pass

    def check_equity(self):
        self.b.snapshot()
        equity_e8 = self.b.equity_curve()[-1].equity_e8
        cash_e8 = self.b.account().cash_e8
        values = sum(rounded_value(p.qty_e8, self.mark_e8[p.symbol]) for p in self.b.positions())
        assert cash_e8 + values == equity_e8


def state(b):
    """Everything a caller can read back."""
    return (b.account(), b.positions(), b.orders(), b.fills(), b.trades(), b.equity_curve())


@SETTINGS
@given(ops)
def test_equity_is_cash_plus_positions_and_flat_cash_reconciles(steps):
    with new_broker() as b:
        m = Market(b)
        for op in steps:
            m.step(op)
            m.check_equity()
        # Flat: cancel what rests, close what is held.
        b.cancel_all()
        for p in b.positions():
            b.close_position(p.symbol)
        a = b.account()
        assert a.open_positions == 0
        assert a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8 == a.cash_e8
        trades = b.trades()
        assert sum(t.pnl_gross_e8 for t in trades) == a.realized_pnl_e8
        assert sum(t.fees_e8 for t in trades) == a.fees_e8
        assert sum(f.fee_e8 for f in b.fills()) == a.fees_e8


# Calls past the limits: each prepares (within the limits) and returns the call that fails,
# given the market and a held position (symbol, signed qty in 1e-8 units).
def past_value_bar(m, sym, qty_e8):
    # the smallest whole price at which |qty| x price passes the money limit (< 9e10)
    price = float(MONEY_MAX_E8 // abs(qty_e8) + 2)
    return lambda: m.b.on_bar(sym, m.ts + MINUTE, price, price, price, price, 1.0)


def past_value_mark(m, sym, qty_e8):
    return lambda: m.b.mark(sym, m.ts + MINUTE, float(MONEY_MAX_E8 // abs(qty_e8) + 2))


def past_price_bar(m, sym, qty_e8):
    past = math.nextafter(PRICE_MAX, math.inf)
    return lambda: m.b.on_bar(sym, m.ts + MINUTE, 1.0, past, 1.0, 1.0, 1.0)


def past_qty_order(m, sym, qty_e8):
    return lambda: m.b.submit(sym, Side.SELL, math.nextafter(PRICE_MAX, math.inf), ts=m.ts)


def past_notional_exit(m, sym, qty_e8):
    # a bar that reached the largest price (closing where it opened), then an exit there
    last = m.mark_e8[sym] / E8
    m.ts += MINUTE
    m.b.on_bar(sym, m.ts, last, PRICE_MAX, last, last, 1.0)
    return lambda: m.b.exit_at(sym, PRICE_MAX, style=ExitStyle.LIMIT, fill_reason=FillReason.LIMIT_TOUCHED)


PAST = [
    (past_value_bar, ErrorCode.ERANGE),
    (past_value_mark, ErrorCode.ERANGE),
    (past_price_bar, ErrorCode.EPRICE),
    (past_qty_order, ErrorCode.EQTY),
    (past_notional_exit, ErrorCode.ERANGE),
]


@settings(SETTINGS, max_examples=100)
@given(ops, st.sampled_from(range(len(PAST))), st.integers(1, 10**4))
def test_past_the_limits_fails_and_changes_nothing(steps, which, qty):
    with new_broker() as b:
        m = Market(b)
        for op in steps:
            m.step(op)
        # Hold qty of A alone: flat first, then buy on fresh bars.
        b.cancel_all()
        for p in b.positions():
            b.close_position(p.symbol)
        m.bar("A", 10_000, 10_000)
        b.submit("A", Side.BUY, float(qty), ts=m.ts)
        m.bar("A", 10_000, 10_000)
        held = {p.symbol: p.qty_e8 for p in b.positions()}
        assert "A" in held
        prepare, code = PAST[which]
        failing = prepare(m, "A", held["A"])
        before = state(b)
        try:
            failing()
            raised = None
        except InvalidArgument as e:
            raised = e
        assert raised is not None and raised.code == code, (raised, code)
        assert state(b) == before
        # Within the limits it goes on, and reconciles.
        m.check_equity()
        for p in b.positions():
            b.close_position(p.symbol)
        a = b.account()
        assert a.starting_cash_e8 + a.realized_pnl_e8 - a.fees_e8 == a.cash_e8
