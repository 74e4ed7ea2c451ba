"""Turns Jupyter iopub messages into nbformat outputs on notebook cells.

Mirrors what nbclient does (stream merging, clear_output with wait, update_display_data by
display_id) but is driven by our own message loop, so outputs that the Deno kernel sends after
a cell's "idle" status still land on the cell whose request they answer.
"""

from nbformat.v4 import output_from_msg


class CellOutputs:
    """Collects the outputs of one executed cell into ``cell.outputs`` (a list of dicts)."""

    def __init__(self, cell, registry):
        self.cell = cell
        self.registry = registry
        self.clear_on_next_output = False
        cell.outputs = []

    def handle(self, msg):
        kind = msg["msg_type"]
        content = msg["content"]
        if kind == "clear_output":
            if content.get("wait"):
                self.clear_on_next_output = True
            else:
                self._clear()
            return
        if kind == "update_display_data":
            self.registry.update(content)
            return
        if kind not in ("stream", "display_data", "execute_result", "error"):
            return
        if self.clear_on_next_output:
            self._clear()
        if kind == "stream" and self._merge_stream(content):
            return
        output = output_from_msg(msg)
        self.cell.outputs.append(output)
        display_id = (content.get("transient") or {}).get("display_id")
        if display_id and kind == "display_data":
            self.registry.register(display_id, output)

    def _clear(self):
        self.clear_on_next_output = False
        self.cell.outputs = []

    def _merge_stream(self, content):
        # Consecutive writes to the same stream become one output, as in saved Jupyter notebooks.
        outputs = self.cell.outputs
        if outputs and outputs[-1].get("output_type") == "stream":
            if outputs[-1].get("name") == content.get("name"):
                outputs[-1]["text"] += content.get("text", "")
                return True
        return False


class DisplayRegistry:
    """Tracks outputs by ``display_id`` so ``update_display_data`` rewrites them in place."""

    def __init__(self):
        self.by_id = {}

    def register(self, display_id, output):
        self.by_id.setdefault(display_id, []).append(output)

    def update(self, content):
        display_id = (content.get("transient") or {}).get("display_id")
        for output in self.by_id.get(display_id, []):
            output["data"] = content.get("data", {})
            output["metadata"] = content.get("metadata", {})


class Capture:
    """Keeps raw messages of the executor's own hidden requests (never written to the notebook)."""

    def __init__(self):
        self.messages = []

    def handle(self, msg):
        self.messages.append(msg)

    def json_payloads(self):
        return [
            m["content"]["data"]["application/json"]
            for m in self.messages
            if m["msg_type"] == "display_data" and "application/json" in m["content"].get("data", {})
        ]
