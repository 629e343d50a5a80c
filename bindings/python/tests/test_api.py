"""The public surface: docstrings and type hints on every public name, the package layout,
the module docstring's example."""

import doctest
import enum
import inspect
import os

import paperlib


def public_members():
    for name in paperlib.__all__:
        obj = getattr(paperlib, name)
        yield name, obj
        if inspect.isclass(obj) and not issubclass(obj, enum.Enum):
            for attr, member in vars(obj).items():
                if attr.startswith("_"):
                    continue
                if isinstance(member, (staticmethod, classmethod)):
                    member = member.__func__
                if isinstance(member, property):
                    yield f"{name}.{attr}", member.fget
                elif inspect.isfunction(member):
                    yield f"{name}.{attr}", member


def test_everything_exported_exists_and_has_a_docstring():
    assert len(paperlib.__all__) == len(set(paperlib.__all__))
    missing = []
    for name, obj in public_members():
        if isinstance(obj, (int, str)) or name in ("Timestamp", "ConfigValue", "EventCallback"):
            continue  # constants and type aliases: documented in their modules
        if not (getattr(obj, "__doc__", None) or "").strip():
            missing.append(name)
    assert missing == []


def test_every_public_function_is_annotated():
    unannotated = []
    for name, obj in public_members():
        if not inspect.isfunction(obj):
            continue
        sig = inspect.signature(obj)
        for p in sig.parameters.values():
            if p.name in ("self", "cls"):
                continue
            if p.annotation is inspect.Parameter.empty:
                unannotated.append(f"{name}({p.name})")
        if sig.return_annotation is inspect.Signature.empty and obj.__name__ != "__init__":
            unannotated.append(f"{name} -> ?")
    assert unannotated == []


def test_package_layout():
    here = os.path.dirname(paperlib.__file__)
    assert os.path.exists(os.path.join(here, "py.typed"))
    assert paperlib._paperlib.__name__ == "paperlib._paperlib"
    assert paperlib.__version__ == "%d.%d.%d" % (
        paperlib._lib.PAPER_VERSION_MAJOR, paperlib._lib.PAPER_VERSION_MINOR,
        paperlib._lib.PAPER_VERSION_PATCH)
    assert paperlib.LIBRARY_VERSION_NUMBER == paperlib.HEADER_VERSION_NUMBER


def test_module_docstring_example():
    failures, tried = doctest.testmod(paperlib, verbose=False)
    assert tried > 0 and failures == 0
