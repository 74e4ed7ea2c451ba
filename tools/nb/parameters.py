"""Papermill-style parameters for TypeScript notebooks.

The first code cell tagged ``parameters`` declares defaults with ``let``; the executor inserts
a cell tagged ``injected-parameters`` right after it that reassigns the overridden names.
A notebook's quick settings (for CI) live in ``metadata.digitkit.quick_parameters``.
"""

import json
import re

import nbformat


class ParameterError(Exception):
    pass


def quick_parameters(nb):
    return dict((nb.metadata.get("digitkit") or {}).get("quick_parameters") or {})


def inject_parameters(nb, overrides, origin):
    """Inserts the overriding cell; returns its index or None when there is nothing to inject."""
    nb.cells = [c for c in nb.cells if "injected-parameters" not in _tags(c)]
    if not overrides:
        return None
    index = next(
        (i for i, c in enumerate(nb.cells) if c.cell_type == "code" and "parameters" in _tags(c)),
        None,
    )
    if index is None:
        raise ParameterError("no code cell is tagged 'parameters', so parameters cannot be set")
    declared = nb.cells[index].source
    lines = [f"// Injected by the notebook executor ({origin}): overrides the parameters above."]
    for name, value in overrides.items():
        if not re.fullmatch(r"[A-Za-z_$][\w$]*", name):
            raise ParameterError(f"parameter name {name!r} is not a TypeScript identifier")
        if not re.search(rf"\blet\s+{re.escape(name)}\b", declared):
            raise ParameterError(
                f"parameter {name!r} is not declared with `let` in the parameters cell"
            )
        lines.append(f"{name} = {json.dumps(value)};")
    lines.append("void 0; // keeps the last assignment's value out of the outputs")
    cell = nbformat.v4.new_code_cell("\n".join(lines) + "\n")
    cell.metadata["tags"] = ["injected-parameters"]
    cell.id = "injected-parameters"
    nb.cells.insert(index + 1, cell)
    return index + 1


def _tags(cell):
    return cell.get("metadata", {}).get("tags", [])
