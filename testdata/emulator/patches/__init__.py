"""Patches to moto, applied by ../server.py before the server starts.

Each module in this package (any `*.py` here other than this file, or a
sub-package) must define `apply()`, which monkeypatches moto: add or replace a
response method (moto dispatches an operation to the response class's
snake_case method of the same name, looked up at call time), or extend a model
class. `apply_all()` imports every module in sorted name order and calls its
`apply()` once; a module without `apply()` is an error, so a broken patch is
noticed at start-up rather than as a missing operation later.

Modules are applied in sorted name order; give them a numeric prefix if
order matters (`p10_elasticbeanstalk.py`, `p20_apigateway.py`).
"""

from __future__ import annotations

import importlib
import pkgutil

_applied: list[str] | None = None


def apply_all() -> list[str]:
    """Import and apply every patch module; return their names (idempotent)."""
    global _applied
    if _applied is not None:
        return list(_applied)
    names = sorted(m.name for m in pkgutil.iter_modules(__path__))
    done = []
    for name in names:
        module = importlib.import_module(f"{__name__}.{name}")
        apply = getattr(module, "apply", None)
        if not callable(apply):
            raise RuntimeError(f"emulator patch module {name!r} defines no apply()")
        apply()
        done.append(name)
    _applied = done
    return list(done)
