"""Views turn one row of the DataFrame into blocks the item card shows."""

from nb_label.views.callable import CallableView
from nb_label.views.text import TableView, TextView, default_view

__all__ = ["CallableView", "TableView", "TextView", "default_view"]
