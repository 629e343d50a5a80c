"""The sanitizer run of this suite is real: in a build with -Db_sanitize, the extension and
libpaper run with the AddressSanitizer runtime loaded (LD_PRELOAD, set by meson)."""

import pytest

import paperlib

from conftest import SANITIZED


def mapped_libraries():
    with open("/proc/self/maps") as f:
        return {line.split()[-1] for line in f if "/" in line}


@pytest.mark.skipif(not SANITIZED, reason="not a sanitizer build")
def test_asan_runtime_is_loaded():
    libs = mapped_libraries()
    assert any("libasan" in p for p in libs), "AddressSanitizer runtime not loaded"
    assert any("libubsan" in p for p in libs), "UndefinedBehaviorSanitizer runtime not loaded"


def test_extension_links_the_built_library():
    paperlib.Broker().close()
    libs = mapped_libraries()
    assert any(p.endswith("libpaper.so.1") or "libpaper.so.1." in p for p in libs)
    assert any("_paperlib" in p for p in libs)
