"""Which functions are duplicate candidates and how copies are reported: stubs and small
bodies are not candidates, sync/async twins are skipped by default, and a group of copies
is one finding on its later copy. Candidates here are every pair (the index's role);
token similarity decides as in the workspace."""

from __future__ import annotations

import ast

from aurelis.analysis.crossfile.duplicates import DuplicateOptions, Unit, find_duplicates, shape

BODY = """
    total = 0
    for row in rows:
        if row.qty <= 0:
            continue
        total += row.price * row.qty
    total *= 1 + rate
    return round(total, 2)
"""


def _units(files: dict[str, str]) -> list[Unit]:
    out = []
    for path, text in files.items():
        data = text.encode()
        starts = [0, *(i + 1 for i, b in enumerate(data) if b == 10)]
        for fn in ast.parse(text).body:
            if not isinstance(fn, (ast.FunctionDef, ast.AsyncFunctionDef)):
                continue
            first = min([fn.lineno, *(d.lineno for d in fn.decorator_list)])
            start, end = starts[first - 1], starts[fn.end_lineno - 1] + fn.end_col_offset
            out.append(
                Unit(
                    f"{path}:{fn.name}:{first}",
                    path,
                    f"{path[:-3]}.{fn.name}",
                    start,
                    end,
                    first - 1,
                    0,
                    fn.end_lineno - 1,
                    fn.end_col_offset,
                    data[start:end].decode(),
                )
            )
    return out


def _dups(files: dict[str, str], options: DuplicateOptions | None = None) -> dict[str, list[str]]:
    units = _units(files)
    every = lambda unit, k: [u.key for u in units if u.key != unit.key]  # noqa: E731
    found = find_duplicates(units, every, options)
    return {key: [t.unit.key for t in twins] for key, twins in found.items()}


def test_a_group_of_three_copies_is_one_finding_on_the_later_copy():
    files = {
        "a.py": f"def total(rows, rate):{BODY}",
        "b.py": f"def amount(items, tax):{BODY.replace('row', 'item')}",
        "c.py": f"def summed(lines, vat):{BODY.replace('row', 'line')}",
    }
    assert _dups(files) == {"c.py:summed:1": ["a.py:total:1", "b.py:amount:1"]}


def test_overload_abstract_and_protocol_stubs_are_not_candidates():
    stub = '    """Compute it."""\n    ...\n'
    files = {
        "api.py": (
            "from typing import overload\n"
            f"@overload\ndef get(url: str, rows, rate) -> str:{BODY}"
            f"@overload\ndef get(url: bytes, rows, rate) -> bytes:{BODY}"
        ),
        "base.py": (
            f"def fetch(self, url, timeout, retries, verify, stream):\n{stub}"
            f"def send(self, url, timeout, retries, verify, stream):\n{stub}"
            "def close(self, url, timeout, retries, verify, stream):\n    raise NotImplementedError('subclass')\n"
            "def flush(self, url, timeout, retries, verify, stream):\n    raise NotImplementedError('subclass')\n"
        ),
    }
    assert _dups(files, DuplicateOptions(min_tokens=5)) == {}
    assert shape(f"@overload\ndef get(url: str, rows, rate) -> str:{BODY}").stub


def test_one_statement_bodies_are_too_small_however_many_tokens():
    call = "    return request('GET', url, params=params, headers=headers, cookies=cookies, auth=auth, timeout=t)\n"
    files = {
        "api.py": f"def get(url, params, headers, cookies, auth, t):\n{call}"
        f"def head(url, params, headers, cookies, auth, t):\n{call.replace('GET', 'HEAD')}"
    }
    assert _dups(files) == {}
    assert _dups(files, DuplicateOptions(min_statements=1)) == {"api.py:head:3": ["api.py:get:1"]}


def test_sync_and_async_twins_are_skipped_unless_asked():
    files = {
        "client.py": f"def total(rows, rate):{BODY}",
        "aclient.py": f"async def total(rows, rate):{BODY}",
    }
    assert _dups(files) == {}
    assert _dups(files, DuplicateOptions(sync_async=True)) == {"client.py:total:1": ["aclient.py:total:1"]}
