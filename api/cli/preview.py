"""`import-influencers --dry-run`: how a file would be read (column roles, first rows), nothing stored."""

from __future__ import annotations

import json
from pathlib import Path

import click


def show_preview(file: Path, mapping: dict[str, str] | None, merge_on: str | None, rows: int = 5) -> int:
    """Print the column plan and the first rows as they would be stored; the exit status (1: unusable file)."""
    from data.importer import ImportFormatError, preview

    try:
        shown = preview(file.read_bytes(), file.name, mapping, rows=rows, merge_on=merge_on)
    except ImportFormatError as exc:
        click.echo(f"cannot import {file.name}: {exc}", err=True)
        return 1
    click.echo(f"{file.name}: {shown['total_rows']} rows (dry run: nothing is stored)")
    for col in shown["columns"]:
        target = col["target"] or "(ignored)"
        others = ", ".join(f"{a['target']} {a['score']:.2f}" for a in col["alternatives"])
        click.echo(f"  {col['header'] or '(no header)'!s:32} -> {target:24} {col['confidence']:.2f} {col['source']}"
                   + (f"   also fits: {others}" if others else ""))
    for item in shown["rows"]:
        if item["profile"] is None:
            click.echo(f"row {item['row']}: ERROR {item['error']}")
        else:
            click.echo(f"row {item['row']}: {json.dumps(item['profile'], ensure_ascii=False)}")
        for note in item["warnings"]:
            click.echo(f"  note: {note}")
    return 0
