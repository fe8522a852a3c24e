"""Shared ground of the core, with no course subject in it: where the course's files are,
the environment variables it reads, atomic saving, the one content error type and content
reader, figures as PNG, the lazy facades.

Every other domain may import from here; this package imports from no other domain.

Facade: the names below are what notebooks, exercises and the CLI use; each is imported
from its module on first use (see :mod:`widgets.core.common.facade`).
"""

from widgets.core.common.facade import lazy_exports

_EXPORTS = {
    "ContentError": "errors",
    "figure_png": "figures",
    "CONTENT_DIR": "paths",
    "course_root": "paths",
    "datasets_dir": "paths",
    "work_dir": "paths",
    "ContentReader": "reader",
    "by_id": "reader",
    "read_yaml": "reader",
    "SETTINGS": "settings",
    "Setting": "settings",
    "current_settings": "settings",
    "settings_markdown": "settings",
    "atomic_write_json": "storage",
    "read_json": "storage",
    "update_json": "storage",
}

__all__ = sorted(_EXPORTS)
__getattr__, __dir__ = lazy_exports(__name__, _EXPORTS)
