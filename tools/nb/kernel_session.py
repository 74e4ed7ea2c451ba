"""One running Jupyter kernel and a message loop that loses no output.

Stock nbclient stops reading a cell's outputs at the kernel's "idle" status. The Deno kernel
sometimes publishes stream/display/result messages for a cell *after* that idle status (stdout
is forwarded asynchronously), so those outputs were silently dropped. Here every iopub message is
routed by its parent msg_id to the sink of the request it answers, whenever it arrives, and a
request only counts as finished once its reply and idle status are in AND iopub has been quiet
for a short window.
"""

import queue
import time

from jupyter_client.manager import KernelManager

# Seconds iopub must stay silent after idle before the next request is sent.
QUIET_AFTER_IDLE_S = 0.2
POLL_S = 0.05


class ExecutionResult:
    def __init__(self):
        self.status = None  # "ok" | "error" | "timeout" | "died"
        self.reply = {}
        self.seconds = 0.0

    @property
    def ok(self):
        return self.status == "ok"


class KernelSession:
    """Starts ``kernel_name`` in ``cwd`` and executes code requests one at a time."""

    def __init__(self, kernel_name, cwd, startup_timeout_s=120):
        self.manager = KernelManager(kernel_name=kernel_name)
        self.manager.start_kernel(cwd=cwd)
        self.client = self.manager.client()
        self.client.start_channels()
        self.client.wait_for_ready(timeout=startup_timeout_s)
        self.routes = {}
        self.hidden_ids = set()
        # Output messages (not status) answering visible requests, for "quiet" checks.
        self.cell_messages = 0

    def execute(self, code, sink, timeout_s, store_history=True, quiet_s=QUIET_AFTER_IDLE_S,
                hidden=False):
        """Runs ``code``; every output message goes to ``sink.handle(msg)``. Output of
        ``hidden`` requests (the executor's own) does not count as kernel activity."""
        result = ExecutionResult()
        started = time.monotonic()
        msg_id = self.client.execute(code, store_history=store_history, allow_stdin=False)
        self.routes[msg_id] = sink
        if hidden:
            self.hidden_ids.add(msg_id)
        idle = False
        last_message = time.monotonic()
        last_alive_check = 0.0
        while True:
            now = time.monotonic()
            if result.status is None:
                reply = self._poll_reply(msg_id)
                if reply is not None:
                    result.reply = reply
                    result.status = "ok" if reply.get("status") == "ok" else "error"
            msg = self._next_iopub(POLL_S)
            if msg is not None:
                last_message = time.monotonic()
                if msg["parent_header"].get("msg_id") == msg_id and msg["msg_type"] == "status":
                    idle = idle or msg["content"].get("execution_state") == "idle"
                continue
            if result.status is not None and idle and now - last_message >= quiet_s:
                break
            if now - started > timeout_s:
                result.status = "timeout"
                break
            if now - last_alive_check > 0.5:
                last_alive_check = now
                if not self.manager.is_alive():
                    result.status = "died"
                    break
        result.seconds = time.monotonic() - started
        return result

    def drain(self, quiet_s):
        """Routes late messages until iopub has been silent for ``quiet_s`` seconds."""
        last_message = time.monotonic()
        while time.monotonic() - last_message < quiet_s:
            if self._next_iopub(POLL_S) is not None:
                last_message = time.monotonic()

    def exit_code(self):
        process = getattr(self.manager, "provisioner", None)
        popen = getattr(process, "process", None)
        return popen.poll() if popen is not None else None

    def shutdown(self):
        try:
            self.client.stop_channels()
        finally:
            if self.manager.is_alive():
                self.manager.shutdown_kernel(now=True)
            else:
                self.manager.cleanup_resources()

    def _poll_reply(self, msg_id):
        while True:
            try:
                reply = self.client.get_shell_msg(timeout=0)
            except queue.Empty:
                return None
            if reply["parent_header"].get("msg_id") == msg_id:
                return reply["content"]

    def _next_iopub(self, timeout_s):
        try:
            msg = self.client.get_iopub_msg(timeout=timeout_s)
        except queue.Empty:
            return None
        parent = msg["parent_header"].get("msg_id")
        if parent not in self.hidden_ids and msg["msg_type"] != "status":
            self.cell_messages += 1
        sink = self.routes.get(parent)
        if sink is not None:
            sink.handle(msg)
        return msg
