"""Lazy facades for the core's domain subpackages.

Why lazy: a subpackage's ``__init__`` names the functions notebooks, exercises and the CLI
use, but importing all of a domain's modules up front would make every caller pay for the
heaviest one (nbgrader for grading, matplotlib for charts) and invite import cycles between
domains. A facade built here lists its names in ``__all__`` and imports a name's module only
when the name is first asked for (PEP 562 module ``__getattr__``), so
``from widgets.core.complaints import load_policy`` costs what importing the policy module
costs and nothing more.
"""

from __future__ import annotations

import importlib
from collections.abc import Callable, Mapping
from typing import Any


def lazy_exports(
    package: str, exports: Mapping[str, str]
) -> tuple[Callable[[str], Any], Callable[[], list[str]]]:
    """``(__getattr__, __dir__)`` for a package whose public names live in its modules.

    ``exports`` maps each public name to the module (relative to ``package``) that defines it.
    An unknown name raises AttributeError as for any module, so a typo still reads as a typo.
    """

    def __getattr__(name: str) -> Any:
        module = exports.get(name)
        if module is None:
            raise AttributeError(f"module {package!r} has no attribute {name!r}")
        value = getattr(importlib.import_module(f"{package}.{module}"), name)
        globals_of_package = importlib.import_module(package).__dict__
        globals_of_package[name] = value  # later look-ups skip __getattr__
        return value

    def __dir__() -> list[str]:
        return sorted(set(importlib.import_module(package).__dict__) | set(exports))

    return __getattr__, __dir__
