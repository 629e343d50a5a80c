"""Money properties with multipliers (docs/instruments.md), with hypothesis, over random order
streams across an equity (x1), an OCC option (x100), a defined crypto (fractional, x1) and a
defined future (x50, margined):

- after every step, to the unit of 1e-8: equity == cash + sum(qty x mark x multiplier) over
  the positions paid in full (equity, option, crypto) + sum((mark - average) x qty x
  multiplier) over the margined futures;
- once flat: starting cash + realized - fees == cash, realized == the trades' gross P&L, fees
  == the fills' fees;
- an OCC symbol, compact or padded, reads back as the root, date, right and strike it was
  made of, its expiry 16:00 New York as Python's zoneinfo computes it.

Prices are whole cents and quantities whole contracts (crypto: 1e-4 coins), so every product
is exact in 1e-8 units and the identities hold with no rounding at all. Deterministic in CI:
derandomize=True, no example database, a bounded number of examples.
"""

from datetime import date

from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

import paperlib
from paperlib import NotFound, OptionRight, OrderRejected, Side

from conftest import T0

E8 = 10**8
MINUTE = 60_000_000
OPTION = "SPY261218C00500000"  # expires after every time these tests reach
SYMBOLS = {  # symbol: (multiplier, quantity step in 1e-8 units, margined)
    "A": (1, E8, False),
    OPTION: (100, E8, False),
    "ETH": (1, 10**4, False),
    "ESZ6": (50, E8, True),
}
NAMES = sorted(SYMBOLS)

SETTINGS = settings(
    derandomize=True,
    database=None,
    max_examples=150,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)

# Prices up to 10,000.00 in cents; up to 100 steps of quantity an order. 40 steps stay far
# inside the money limit whatever the prices do.
bar_op = st.tuples(st.just("bar"), st.sampled_from(NAMES), st.integers(1, 10**6), st.integers(1, 10**6))
order_op = st.tuples(st.just("order"), st.sampled_from(NAMES), st.sampled_from(["buy", "sell"]), st.integers(1, 100))
close_op = st.tuples(st.just("close"), st.sampled_from(NAMES))
ops = st.lists(st.one_of(bar_op, bar_op, order_op, close_op), min_size=1, max_size=40)


def new_broker():
    b = paperlib.Broker(
        account__starting_cash=10_000_000_000.0,
        account__type="margin",
        limits__max_position_fraction=100.0,
        limits__max_order_notional=10_000_000_000.0,
        limits__max_open_positions=5,
        limits__daily_loss_limit=1.0,
        limits__allow_short_options=True,
        costs__commission_pct=0.1,
        costs__commission_min=1.0,
        costs__commission_per_contract=0.65,
    )
    b.define_instrument("ETH", asset_class="crypto")
    b.define_instrument("ESZ6", asset_class="future", multiplier=50)
    return b


class Market:
    def __init__(self, b):
        self.b = b
        self.ts = T0
        self.mark_e8 = {}

    def bar(self, sym, open_cents, close_cents):
        self.ts += MINUTE
        o, c = open_cents / 100, close_cents / 100
        self.b.on_bar(sym, self.ts, o, max(o, c), min(o, c), c, 1e9)
        self.mark_e8[sym] = close_cents * 10**6

    def step(self, op):
        kind, sym = op[0], op[1]
        if kind == "bar":
            self.bar(sym, op[2], op[3])
        elif kind == "order":
            qty = op[3] * SYMBOLS[sym][1] / E8
            try:
                self.b.submit(sym, Side.BUY if op[2] == "buy" else Side.SELL, qty, ts=self.ts)
            except OrderRejected:
                pass  # no data yet, a limit, a naked short call: a recorded rejection
        else:
            try:
                self.b.close_position(sym)
            except NotFound:
                pass

    def check_equity(self):
        self.b.snapshot()
        equity_e8 = self.b.equity_curve()[-1].equity_e8
        cash_e8 = self.b.account().cash_e8
        held = 0
        for p in self.b.positions():
            mult, _, margined = SYMBOLS[p.symbol]
            mark = self.mark_e8[p.symbol]
            if margined:
                # a future is not paid for: it adds its unrealized P&L, its value now less
                # what it cost (cost_basis: |qty| x average price x multiplier), for a short
                # the other way round
                sign = 1 if p.qty_e8 > 0 else -1
                held += sign * (mark * abs(p.qty_e8) // E8 * mult - p.cost_basis_e8)
            else:
                held += mark * p.qty_e8 // E8 * mult
            assert mark * p.qty_e8 % E8 == 0
        assert cash_e8 + held == equity_e8


@SETTINGS
@given(ops)
def test_equity_is_cash_plus_positions_with_multipliers_and_flat_cash_reconciles(steps):
    with new_broker() as b:
        m = Market(b)
        for op in steps:
            m.step(op)
            m.check_equity()
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


# ---- OCC symbols: what the library reads is what the symbol says ----

occ_parts = st.tuples(
    st.text(alphabet="ABCDEFGHIJKLMNOPQRSTUVWXYZ", min_size=1, max_size=6),
    st.dates(min_value=date(2000, 1, 1), max_value=date(2099, 12, 31)),
    st.sampled_from("CP"),
    st.integers(1, 99_999_999),
)


@settings(SETTINGS, max_examples=300)
@given(occ_parts)
def test_occ_symbols_read_back_their_parts(parts):
    root, day, right, strike = parts
    compact = f"{root}{day:%y%m%d}{right}{strike:08d}"
    padded = f"{root:<6}{day:%y%m%d}{right}{strike:08d}"
    for symbol in (compact, padded):
        i = paperlib.parse_occ(symbol)
        assert (i.underlying, i.strike, i.multiplier) == (root, strike / 1000, 100.0)
        assert i.right is (OptionRight.CALL if right == "C" else OptionRight.PUT)
        # 16:00 New York that day, by GLib's time zones and by Python's zoneinfo alike
        assert i.expiry == paperlib.expiry_of_date(day)
