# SPDX-License-Identifier: MIT
"""Print where `meson install` puts paperlib for this interpreter and --prefix.

    site_dir.py PREFIX DEFAULT

DEFAULT is meson's choice (python.get_install_dir()). On Debian, meson takes the deb_system
scheme for every prefix: PREFIX/lib/python3/dist-packages. That is on Debian's python3's
sys.path for /usr, but not for /usr/local, where that interpreter reads
/usr/local/lib/python3.X/dist-packages instead. So: DEFAULT when the interpreter imports
from it; else the directory of sys.path that lies in PREFIX/lib*/ (the one the interpreter
does read); else DEFAULT (a prefix the interpreter knows nothing of: PYTHONPATH it).
Run with the interpreter the package is built for.
"""
import os
import sys


def site_dir(prefix, default):
    path = [os.path.normpath(p) for p in sys.path if p and os.path.isabs(p)]
    if os.path.normpath(default) in path:
        return default
    prefix = os.path.normpath(prefix)
    for p in path:
        rel = os.path.relpath(p, prefix)
        if (rel.split(os.sep)[0] in ('lib', 'lib64')
                and os.path.basename(p) in ('dist-packages', 'site-packages')):
            return p
    return default


if __name__ == '__main__':
    if len(sys.argv) != 3:
        sys.exit(__doc__)
    print(site_dir(sys.argv[1], sys.argv[2]))
