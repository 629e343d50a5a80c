"""Enumerations: values from the C constants, labels from the C *_str functions."""

import enum

import pytest

import paperlib
from paperlib._paperlib import ffi, lib

CASES = [
    (paperlib.Side, "PAPER_SIDE_", lib.paper_side_str),
    (paperlib.Direction, "PAPER_", lib.paper_direction_str),
    (paperlib.OrderType, "PAPER_ORDER_", lib.paper_order_type_str),
    (paperlib.TimeInForce, "PAPER_TIF_", lib.paper_tif_str),
    (paperlib.OrderStatus, "PAPER_STATUS_", lib.paper_order_status_str),
    (paperlib.RejectReason, "PAPER_REJECT_", lib.paper_reject_reason_str),
    (paperlib.FillReason, "PAPER_FILL_", lib.paper_fill_reason_str),
    (paperlib.ExitReason, "PAPER_EXIT_", lib.paper_exit_reason_str),
    (paperlib.EventType, "PAPER_EVENT_", lib.paper_event_type_str),
    (paperlib.ExitStyle, "PAPER_EXIT_STYLE_", None),
    (paperlib.ConfigType, "PAPER_CONFIG_", None),
    (paperlib.MetricsGroup, "PAPER_METRICS_", None),
    (paperlib.YearsBasis, "PAPER_YEARS_", None),
    (paperlib.PnlBasis, "PAPER_PNL_", None),
    (paperlib.WinRateBasis, "PAPER_WIN_RATE_", None),
    (paperlib.AssetClass, "PAPER_ASSET_", lib.paper_asset_class_str),
    (paperlib.OptionRight, "PAPER_RIGHT_", lib.paper_option_right_str),
    (paperlib.Settlement, "PAPER_SETTLEMENT_", lib.paper_settlement_str),
    (paperlib.InstrumentOrigin, "PAPER_INSTRUMENT_", None),
]


@pytest.mark.parametrize("cls,prefix,c_str", CASES, ids=[c[0].__name__ for c in CASES])
def test_values_and_labels(cls, prefix, c_str):
    assert issubclass(cls, enum.IntEnum)
    for m in cls:
        assert int(m) == getattr(lib, prefix + m.name), m
        if c_str is not None:
            assert m.label == ffi.string(c_str(m)).decode()
            assert m.label != "unknown"
        assert str(m) == m.label
        assert cls.coerce(m) is m
        assert cls.coerce(int(m)) is m
        assert cls.coerce(m.name.lower()) is m
        assert cls.coerce(m.label.upper()) is m


def test_counts_match_the_headers():
    assert len(paperlib.Side) == 2
    assert len(paperlib.OrderType) == 4
    assert len(paperlib.RejectReason) == 20
    assert len(paperlib.FillReason) == 10
    assert len(paperlib.ExitReason) == 10
    assert len(paperlib.AssetClass) == 4
    assert len(paperlib.EventType) == 12


def test_exit_reason_labels_parse_back_in_c():
    out = ffi.new("paper_exit_reason *")
    for m in paperlib.ExitReason:
        assert lib.paper_exit_reason_parse(m.label.encode(), out) == 0
        assert out[0] == m


def test_side_aliases():
    assert paperlib.Side.coerce("long") is paperlib.Side.BUY
    assert paperlib.Side.coerce(" SHORT ") is paperlib.Side.SELL


def test_coerce_refuses():
    with pytest.raises(TypeError):
        paperlib.Side.coerce(True)
    with pytest.raises(TypeError):
        paperlib.Side.coerce(1.0)
    with pytest.raises(paperlib.InvalidArgument, match="not a Side"):
        paperlib.Side.coerce(7)
    with pytest.raises(paperlib.InvalidArgument, match="one of: buy, sell"):
        paperlib.Side.coerce("hold")


def test_instrument_values_are_the_documented_ones():
    # docs/instruments.md pins them: appended after the released values.
    assert (paperlib.ExitReason.EXPIRY, paperlib.ExitReason.EXPIRY.label) == (9, "expiry")
    assert (paperlib.RejectReason.EXPIRED, paperlib.RejectReason.EXPIRED.label) == (17, "expired")
    assert (paperlib.RejectReason.TICK_SIZE, paperlib.RejectReason.TICK_SIZE.label) == (18, "tick_size")
    assert (paperlib.RejectReason.LOT_SIZE, paperlib.RejectReason.LOT_SIZE.label) == (19, "lot_size")
    assert (paperlib.FillReason.EXPIRY, paperlib.FillReason.EXPIRY.label) == (10, "expiry")
    assert paperlib.FillFlag.OWN_PRICE == 0x4
    assert [m.label for m in paperlib.AssetClass] == ["equity", "crypto", "future", "option"]
    assert paperlib.OptionRight.coerce("C") is paperlib.OptionRight.CALL
    assert paperlib.OptionRight.coerce("p") is paperlib.OptionRight.PUT
    asset = ffi.new("paper_asset_class *")
    for m in paperlib.AssetClass:
        assert lib.paper_asset_class_parse(m.label.encode(), asset) == 0 and asset[0] == m
    assert lib.paper_asset_class_parse(b"bond", asset) == lib.PAPER_EINVAL


def test_fill_flags():
    assert paperlib.FillFlag.AMBIGUOUS == lib.PAPER_FILL_FLAG_AMBIGUOUS
    assert paperlib.FillFlag.PARTIAL_VOLUME == lib.PAPER_FILL_FLAG_PARTIAL_VOLUME
    both = paperlib.FillFlag(3)
    assert paperlib.FillFlag.AMBIGUOUS in both


def test_coerce_known_keeps_new_values():
    assert paperlib.RejectReason.coerce_known(3) is paperlib.RejectReason.NO_MARKET_DATA
    assert paperlib.RejectReason.coerce_known(999) == 999
