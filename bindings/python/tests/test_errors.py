"""The exception hierarchy and the check() choke point."""

import pytest

import paperlib
from paperlib import errors
from paperlib._paperlib import ffi, lib

ALL_CODES = [c for c in paperlib.ErrorCode if c != paperlib.ErrorCode.OK]

EXPECTED_CLASS = {
    "EINVAL": paperlib.InvalidArgument,
    "EPRICE": paperlib.InvalidArgument,
    "EQTY": paperlib.InvalidArgument,
    "ETIME": paperlib.InvalidArgument,
    "ERANGE": paperlib.InvalidArgument,
    "EFORMAT": paperlib.InvalidArgument,
    "ENOTFOUND": paperlib.NotFound,
    "ESTATE": paperlib.StateError,
    "EFUNDS": paperlib.OrderRejected,
    "ELIMIT": paperlib.OrderRejected,
    "EHALTED": paperlib.OrderRejected,
    "ENODATA": paperlib.OrderRejected,
    "ECONFIG": paperlib.ConfigError,
    "ESAFETY": paperlib.SafetyError,
    "EIO": paperlib.LedgerError,
    "ECORRUPT": paperlib.LedgerError,
    "EBUSY": paperlib.LedgerError,
    "EVERSION": paperlib.LedgerError,
    "EUNSUPPORTED": paperlib.UnsupportedError,
    "ENOMEM": paperlib.PaperMemoryError,
}


def test_codes_are_the_c_constants():
    for code in paperlib.ErrorCode:
        assert int(code) == getattr(lib, "PAPER_" + ("OK" if code.name == "OK" else code.name))
    assert len(paperlib.ErrorCode) == 21


def test_every_code_has_a_class_and_text():
    assert set(EXPECTED_CLASS) == {c.name for c in ALL_CODES}
    for code in ALL_CODES:
        cls = errors.exception_class(code)
        assert cls is EXPECTED_CLASS[code.name]
        assert issubclass(cls, paperlib.PaperError)
        assert code.text == ffi.string(lib.paper_strerror(code)).decode()
        assert code.text and code.text != "unknown error"


def test_builtin_bases():
    assert issubclass(paperlib.InvalidArgument, ValueError)
    assert issubclass(paperlib.NotFound, LookupError)
    assert issubclass(paperlib.SafetyError, paperlib.ConfigError)
    assert issubclass(paperlib.PaperMemoryError, MemoryError)
    assert not issubclass(paperlib.OrderRejected, ValueError)


def test_check_passes_ok_and_raises_each_code():
    assert paperlib.check(0) is None
    for code in ALL_CODES:
        lib.paper_clear_error()
        with pytest.raises(EXPECTED_CLASS[code.name]) as info:
            paperlib.check(int(code))
        # No message recorded for this code: the static text.
        assert info.value.code == code
        assert info.value.message == code.text
        assert str(info.value) == code.text


def test_check_uses_the_library_message():
    # Provoke a real failure: the library records "... must not be NULL".
    rc = lib.paper_broker_snapshot(ffi.NULL)
    assert rc == lib.PAPER_EINVAL
    with pytest.raises(paperlib.InvalidArgument) as info:
        paperlib.check(rc)
    assert "must not be NULL" in info.value.message
    assert info.value.code is paperlib.ErrorCode.EINVAL
    # A message that belongs to another code is not used.
    with pytest.raises(paperlib.NotFound) as info:
        paperlib.check(lib.PAPER_ENOTFOUND)
    assert info.value.message == paperlib.ErrorCode.ENOTFOUND.text


def test_unknown_code_is_a_plain_paper_error():
    lib.paper_clear_error()
    with pytest.raises(paperlib.PaperError) as info:
        paperlib.check(-1000)
    assert type(info.value) is paperlib.PaperError
    assert info.value.code == -1000


def test_repr_and_defaults():
    e = paperlib.OrderRejected("no", paperlib.ErrorCode.ELIMIT, reason=paperlib.RejectReason.KILL_SWITCH)
    assert e.reason is paperlib.RejectReason.KILL_SWITCH
    assert "OrderRejected('no'" in repr(e)
    assert paperlib.NotFound().code is paperlib.ErrorCode.ENOTFOUND
    assert paperlib.ConfigError("x").violations == []
