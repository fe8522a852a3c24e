"""The course package: views (ipywidgets) over a pure core (widgets.core), content as data
(widgets/content), and the ``iso10002`` command line."""

from widgets import _moved

_moved.install()
