"""Executes Deno-kernel notebooks headless and fails on any error. Run by tools/run_notebooks.ts.

Usage: .tools/venv/bin/python3 tools/nb/execute.py --out DIR --results FILE [--quick]
           [--param NAME=JSON]... [--timeout SECONDS] [--settle SECONDS] NOTEBOOK...
"""

import argparse
import json
import os
import re
import subprocess
import sys
import time

import nbformat

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
from kernel_session import KernelSession  # noqa: E402
from outputs import Capture, CellOutputs, DisplayRegistry  # noqa: E402
from parameters import ParameterError, inject_parameters, quick_parameters  # noqa: E402

# The Deno kernel swallows unhandled rejections and errors thrown in timers; these handlers
# record them so the executor can fail the notebook instead of printing "ok". Timer callbacks are
# wrapped to remember the cell that scheduled them: an error they throw, or a rejection they
# cause, is blamed on that cell even when it surfaces while a later cell runs. Errors with no
# known origin carry the cell running when they surfaced (null before the first cell).
INSTALL_HANDLERS = """
globalThis.__digitkitAsyncErrors = [];
globalThis.__digitkitCell = null;
{
  let taskCell = null;
  const record = (cell, text) => globalThis.__digitkitAsyncErrors.push({
    cell: cell ?? taskCell ?? globalThis.__digitkitCell,
    scheduled: (cell ?? taskCell) != null,
    text,
  });
  const originalSetTimeout = globalThis.setTimeout;
  const wrap = (schedule) => function (callback, ...rest) {
    if (typeof callback !== "function") return schedule(callback, ...rest);
    const cell = globalThis.__digitkitCell;
    return schedule(function (...args) {
      taskCell = cell;
      try {
        return callback.apply(this, args);
      } catch (error) {
        record(cell, "Uncaught error (timer or event): " + String(error?.stack ?? error));
      } finally {
        // Rejections caused by this callback are dispatched before the next timer runs.
        originalSetTimeout(() => { if (taskCell === cell) taskCell = null; }, 0);
      }
    }, ...rest);
  };
  globalThis.setTimeout = wrap(originalSetTimeout);
  globalThis.setInterval = wrap(globalThis.setInterval);
  globalThis.addEventListener("unhandledrejection", (event) => {
    event.preventDefault();
    const reason = event.reason;
    record(null, "Unhandled promise rejection: " + String(reason?.stack ?? reason));
  });
  globalThis.addEventListener("error", (event) => {
    event.preventDefault();
    record(null, "Uncaught error (timer or event): " + String(event.error?.stack ?? event.message));
  });
}
"""
COLLECT_ERRORS = (
    'await Deno.jupyter.display({"application/json": '
    "{errors: (globalThis.__digitkitAsyncErrors ?? "
    "[{cell: null, text: 'async error handlers are missing'}]).splice(0)}"
    "}, {raw: true});"
)
HIDDEN_TIMEOUT_S = 60
# Default seconds the kernel must stay quiet after the last cell (no output, no new errors)
# before the notebook counts as done: late rejections and timers (1-2 s) surface in that time.
DEFAULT_SETTLE_S = 3.0
# Checks for late errors this often while settling.
SETTLE_POLL_S = 0.5
# Output that never stops (an endless timer) ends the wait after this many settle periods.
SETTLE_LIMIT_FACTOR = 20


class NotebookFailure(Exception):
    def __init__(self, cell_number, source, error):
        super().__init__(error)
        self.cell_number = cell_number
        self.source = source
        self.error = error


def main():
    args = parse_args()
    os.makedirs(args.out, exist_ok=True)
    results = [run_notebook(path, args) for path in args.notebooks]
    with open(args.results, "w") as f:
        json.dump(results, f, indent=2)
    return 0 if all(r["ok"] for r in results) else 1


def parse_args():
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("notebooks", nargs="+")
    parser.add_argument("--out", required=True)
    parser.add_argument("--results", required=True)
    parser.add_argument("--quick", action="store_true")
    parser.add_argument("--param", action="append", default=[])
    parser.add_argument("--timeout", type=float, default=600.0)
    parser.add_argument(
        "--settle", type=float, default=DEFAULT_SETTLE_S,
        help="seconds the kernel must stay quiet after the last cell (default %(default)s)",
    )
    return parser.parse_args()


def run_notebook(path, args):
    started = time.monotonic()
    output_path = os.path.join(args.out, os.path.basename(path))
    print(f"notebook {path}", flush=True)
    nb = nbformat.read(path, as_version=4)
    failure = None
    try:
        overrides = quick_parameters(nb) if args.quick else {}
        overrides.update(parse_params(args.param))
        inject_parameters(nb, overrides, "quick run" if args.quick else "--param")
        nb.metadata.setdefault("digitkit", {})["executed_parameters"] = overrides
        execute_cells(nb, path, args.timeout, args.settle)
        check_expected_mime_types(nb)
    except ParameterError as e:
        failure = NotebookFailure(None, "", f"bad parameters: {e}")
    except NotebookFailure as e:
        failure = e
    except Exception as e:  # kernel start failure, unreadable notebook, ...
        failure = NotebookFailure(None, "", f"{type(e).__name__}: {e}")
    if failure and failure.cell_number:
        record_failure_in_cell(nb.cells[failure.cell_number - 1], failure.error)
    nbformat.write(nb, output_path)
    seconds = time.monotonic() - started
    if failure:
        print_failure(path, failure)
    print(f"{'ok' if failure is None else 'FAILED'} {path} ({seconds:.1f}s) -> {output_path}", flush=True)
    return {
        "path": path,
        "output": output_path,
        "ok": failure is None,
        "seconds": round(seconds, 2),
        "failure": None
        if failure is None
        else {"cell": failure.cell_number, "source": failure.source, "error": failure.error},
    }


def record_failure_in_cell(cell, error):
    # Timeouts, kernel deaths, syntax and async errors leave no error output; the executed copy
    # should still show what failed where.
    outputs = cell.setdefault("outputs", [])
    if not any(o.get("output_type") == "error" for o in outputs):
        lines = error.splitlines() or [""]
        outputs.append(nbformat.v4.new_output(
            "error", ename="NotebookExecutionError", evalue=lines[0], traceback=lines,
        ))


def parse_params(pairs):
    overrides = {}
    for pair in pairs:
        name, sep, value = pair.partition("=")
        if not sep:
            raise ParameterError(f"--param expects NAME=VALUE, got {pair!r}")
        overrides[name] = json.loads(value)
    return overrides


def execute_cells(nb, path, default_timeout_s, settle_s=DEFAULT_SETTLE_S):
    kernel_name = (nb.metadata.get("kernelspec") or {}).get("name", "deno")
    session = KernelSession(kernel_name, cwd=os.path.dirname(os.path.abspath(path)) or ".")
    registry = DisplayRegistry()
    try:
        hidden(session, INSTALL_HANDLERS, None)
        code_cells = [(i, c) for i, c in enumerate(nb.cells) if c.cell_type == "code"]
        for position, (index, cell) in enumerate(code_cells, start=1):
            number = index + 1
            timeout_s = cell_timeout(cell, default_timeout_s)
            hidden(session, f"globalThis.__digitkitCell = {number};", number)
            sink = CellOutputs(cell, registry)
            result = session.execute(cell.source, sink, timeout_s)
            cell.execution_count = result.reply.get("execution_count")
            print(f"  cell {number} ({position}/{len(code_cells)}) {result.status} "
                  f"{result.seconds:.1f}s", flush=True)
            check_result(session, result, cell, number, timeout_s)
            check_async_errors(session, nb, number, f"during or after cell {number}")
        if code_cells:
            settle(session, nb, code_cells[-1][0] + 1, settle_s)
    finally:
        session.shutdown()


def settle(session, nb, last_number, settle_s):
    """Waits until the kernel has been quiet for ``settle_s`` seconds after the last cell,
    checking for late asynchronous errors all the while."""
    started = quiet_since = time.monotonic()
    seen = session.cell_messages
    while time.monotonic() - quiet_since < settle_s:
        session.drain(SETTLE_POLL_S)
        check_async_errors(session, nb, last_number, f"after cell {last_number} (the last)")
        if session.cell_messages != seen:
            seen = session.cell_messages
            quiet_since = time.monotonic()
        if time.monotonic() - started > settle_s * SETTLE_LIMIT_FACTOR:
            print(f"  kernel still producing output {time.monotonic() - started:.0f}s after "
                  "the last cell; not waiting longer", flush=True)
            return


def cell_timeout(cell, default_timeout_s):
    meta = cell.get("metadata", {})
    value = meta.get("timeout", (meta.get("execution") or {}).get("timeout"))
    return float(value) if value is not None else default_timeout_s


def check_result(session, result, cell, number, timeout_s):
    expects_error = "raises-exception" in cell.get("metadata", {}).get("tags", [])
    if result.status == "timeout":
        raise NotebookFailure(number, cell.source, f"cell timed out after {timeout_s:g}s")
    if result.status == "died":
        raise NotebookFailure(
            number, cell.source, f"the kernel died (exit code {session.exit_code()})"
        )
    if result.status == "error" and not expects_error:
        raise NotebookFailure(number, cell.source, describe_error(result.reply, cell.source))
    if result.status == "ok" and expects_error:
        raise NotebookFailure(
            number, cell.source, "cell is tagged raises-exception but raised nothing"
        )


def describe_error(reply, source):
    traceback = "\n".join(reply.get("traceback") or [])
    if reply.get("evalue") == "Execution failed" and not traceback:
        # The kernel reports syntax errors without any detail; ask Deno's parser where it is.
        return parse_error(source) + "\n(the kernel itself said only 'Execution failed')"
    return traceback or f"{reply.get('ename')}: {reply.get('evalue')}"


def parse_error(source):
    try:
        done = subprocess.run(
            ["deno", "fmt", "--ext", "ts", "-"], input=source, capture_output=True, text=True,
            timeout=60, env={**os.environ, "NO_COLOR": "1"},
        )
    except (OSError, subprocess.TimeoutExpired) as e:
        return f"Execution failed (could not run deno fmt to locate a syntax error: {e})"
    if done.returncode == 0:
        return "Execution failed (deno's parser accepts this cell; evaluating it failed)"
    message = done.stderr.split("\n\nStack backtrace")[0].strip()
    message = re.sub(r"^error: ", "", message)
    return re.sub(r"at file://\S*_stdin\.ts:(\d+):(\d+)", r"at cell line \1, column \2", message)


def check_async_errors(session, nb, number, when):
    """Fails on errors recorded by the handlers, blaming the cell that scheduled them when the
    kernel knows it, else saying when they surfaced."""
    capture = hidden(session, COLLECT_ERRORS, number)
    errors = [e for payload in capture.json_payloads() for e in payload.get("errors", [])]
    if not errors:
        return
    first = errors[0]
    cell_number = first.get("cell") or number
    if first.get("scheduled") and cell_number != number:
        origin = f"scheduled by cell {cell_number}, surfaced {when}"
    else:
        origin = when
    source = nb.cells[cell_number - 1].source if 0 < cell_number <= len(nb.cells) else ""
    texts = [e.get("text", str(e)) if isinstance(e, dict) else str(e) for e in errors]
    raise NotebookFailure(cell_number, source, f"asynchronous error {origin}:\n" + "\n".join(texts))


def hidden(session, code, number):
    capture = Capture()
    result = session.execute(
        code, capture, HIDDEN_TIMEOUT_S, store_history=False, quiet_s=0, hidden=True
    )
    if not result.ok:
        detail = describe_error(result.reply, code) if result.status == "error" else result.status
        raise NotebookFailure(number, code, f"executor's own request failed: {detail}")
    return capture


def check_expected_mime_types(nb):
    expected = (nb.metadata.get("digitkit") or {}).get("expect_mime_types") or []
    present = {
        mime
        for cell in nb.cells
        for output in cell.get("outputs", [])
        for mime in output.get("data", {})
    }
    missing = [m for m in expected if m not in present]
    if missing:
        raise NotebookFailure(
            None, "", f"expected outputs with mime types {missing}; found only {sorted(present)}"
        )


def print_failure(path, failure):
    where = f"cell {failure.cell_number}" if failure.cell_number else "notebook"
    print(f"\nFAILED {path}, {where}: {failure.error.splitlines()[0] if failure.error else ''}")
    if failure.source:
        print("--- cell source ---")
        print(failure.source.rstrip())
    print("--- error ---")
    print(failure.error.rstrip(), flush=True)
    print()


if __name__ == "__main__":
    sys.exit(main())
