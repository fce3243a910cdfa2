"""Python's cyclic garbage collector around bulk work."""

import contextlib
import gc


@contextlib.contextmanager
def without_cyclic_gc():
    """Run the block with the cyclic garbage collector off (reference counting
    still frees memory), and turn it back on after, even on an error. As
    Odoo's ``odoo.tools.gc.disabling_gc``, which leaves it off on an error."""
    if not gc.isenabled():
        yield
        return
    gc.disable()
    try:
        yield
    finally:
        gc.enable()
