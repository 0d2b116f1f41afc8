"""A live panel of the lab (ipywidgets, JupyterLab 4): its networks and containers, refreshed on
demand, a container's inspect table on selection, and a clean-up that asks first."""
from __future__ import annotations

import ipywidgets as widgets
from IPython.display import display

from dnlab import labels
from dnlab.cleanup import cleanup
from dnlab.lab import current
from dnlab.views import tables
from dnlab.views.results import ContainerInspect


class LabPanel:
    """``%dnet panel``: look at the lab without typing commands."""

    def __init__(self) -> None:
        self.refresh_button = widgets.Button(description="Refresh", icon="refresh")
        self.cleanup_button = widgets.Button(description="Clean up the lab\u2026", button_style="warning")
        self.confirm_button = widgets.Button(description="Yes, remove them", button_style="danger")
        self.cancel_button = widgets.Button(description="Cancel")
        self.confirm_row = widgets.HBox([widgets.HTML(), self.confirm_button, self.cancel_button])
        self.confirm_row.layout.display = "none"
        self.networks = widgets.HTML()
        self.containers = widgets.HTML()
        self.picker = widgets.Dropdown(description="Inspect", options=[])
        self.detail = widgets.HTML()
        self.message = widgets.HTML()
        self.refresh_button.on_click(lambda _: self.refresh())
        self.cleanup_button.on_click(lambda _: self.ask())
        self.cancel_button.on_click(lambda _: self.hide_confirm())
        self.confirm_button.on_click(lambda _: self.clean_up())
        self.picker.observe(lambda change: self.show(change["new"]), names="value")
        self.widget = widgets.VBox([
            widgets.HBox([self.refresh_button, self.cleanup_button]), self.confirm_row, self.message,
            widgets.HTML("<b>Networks</b>"), self.networks, widgets.HTML("<b>The lab's containers</b>"),
            self.containers, self.picker, self.detail])
        self.refresh()

    def refresh(self) -> None:
        """Read the engine again."""
        lab = current()
        api = lab.client.api
        self.networks.value = tables.networks_table(api.networks()).to_html(border=0)
        mine = [c for c in api.containers(all=True, filters=labels.lab_filter(lab.name))
                if (c.get("Labels") or {}).get(labels.ROLE) != "probe"]
        self.containers.value = (tables.containers_table(mine).to_html(border=0) if mine
                                 else f"<i>lab {lab.name} has no containers</i>")
        names = sorted(n.lstrip("/") for c in mine for n in c["Names"][:1])
        self.picker.options = names
        self.picker.value = names[0] if names else None
        self.show(self.picker.value)

    def show(self, name: str | None) -> None:
        """The inspect table of the selected container."""
        self.detail.value = ContainerInspect(current().client.api.inspect_container(name))._repr_html_() if name else ""

    def ask(self) -> None:
        self.confirm_row.children[0].value = (f"Remove every container, network and link of lab "
                                              f"<b>{current().name}</b>? Nothing else is touched.")
        self.confirm_row.layout.display = "flex"

    def hide_confirm(self) -> None:
        self.confirm_row.layout.display = "none"

    def clean_up(self) -> None:
        """Remove what the lab created (and nothing else), then say what went."""
        self.hide_confirm()
        self.message.value = cleanup(lab=current().name)._repr_html_()
        self.refresh()

    def _ipython_display_(self) -> None:
        display(self.widget)
