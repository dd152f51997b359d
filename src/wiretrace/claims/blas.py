"""One BLAS thread while the parser runs: its matrices are small, and extra threads spin.

spaCy's parse is mostly matrix products. Numpy's OpenBLAS does them 2.5-3x faster than thinc's
bundled BLIS on one core, but by default it starts a thread per core that busy-waits between
the many small products, which costs more CPU than it saves and fights the claims stage's own
worker processes. OpenBLAS has no Python API; its C setter is found in the loaded library.
"""

from __future__ import annotations

import ctypes
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path

_Setter = tuple[Callable[[int], None], Callable[[], int]]
_FOUND: list[_Setter | None] = []


def _openblas() -> _Setter | None:
    """The thread setter and getter of the OpenBLAS loaded in this process, if any (Linux only)."""
    if _FOUND:
        return _FOUND[0]
    found: _Setter | None = None
    maps = Path("/proc/self/maps")
    try:
        paths = sorted(
            {line.split()[-1] for line in maps.read_text().splitlines() if "openblas" in line.lower()}
        )
    except OSError:
        paths = []
    for path in paths:
        try:
            lib = ctypes.CDLL(path)
        except OSError:
            continue
        for prefix in ("", "scipy_"):
            for suffix in ("", "64_"):
                setter = getattr(lib, f"{prefix}openblas_set_num_threads{suffix}", None)
                getter = getattr(lib, f"{prefix}openblas_get_num_threads{suffix}", None)
                if setter is not None and getter is not None:
                    setter.argtypes, getter.restype = [ctypes.c_int], ctypes.c_int
                    found = (setter, getter)
                    break
            if found:
                break
        if found:
            break
    _FOUND.append(found)
    return found


@contextmanager
def single_thread_blas() -> Iterator[None]:
    """Run the block with one OpenBLAS thread, then restore the previous count.

    Example:
        with single_thread_blas():
            docs = list(nlp.pipe(texts))
    """
    blas = _openblas()
    if blas is None:
        yield
        return
    setter, getter = blas
    previous = getter()
    setter(1)
    try:
        yield
    finally:
        setter(previous)
