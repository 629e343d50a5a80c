#!/usr/bin/env python3
"""Generate the C source of paperlib's extension module (cffi, out-of-line API mode).

    build_cffi.py CDEF GLUE OUTPUT.c

CDEF is the trimmed declaration file (paperlib/_cdef.h) given to ``ffi.cdef()``; GLUE is C
code compiled into the module (paperlib/_glue.c, given to ``ffi.set_source()``). The script
writes OUTPUT.c with ``ffi.emit_c_code()`` and compiles nothing: meson builds the result as the
Python extension ``paperlib._paperlib`` against libpaper. Needs only the ``cffi`` package.
"""

import sys

import cffi


def main(argv: list) -> int:
    if len(argv) != 4:
        sys.stderr.write(__doc__)
        return 2
    cdef_path, glue_path, out_path = argv[1:]
    with open(cdef_path, encoding="utf-8") as f:
        cdef = f.read()
    with open(glue_path, encoding="utf-8") as f:
        glue = f.read()
    ffi = cffi.FFI()
    ffi.cdef(cdef)
    ffi.set_source("paperlib._paperlib", glue)
    ffi.emit_c_code(out_path)
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv))
