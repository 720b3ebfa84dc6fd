"""A small project with one duplicate group across three files and its own tests, and the
answers a capable model gives when asked to plan and implement removing the duplication."""

from __future__ import annotations

from pathlib import Path

BODY = """    subtotal = 0.0
    for {item} in {items}:
        if {item}["qty"] <= 0:
            continue
        subtotal += {item}["price"] * {item}["qty"]
    discount = 0.1 * subtotal if subtotal > 100 else 0.0
    return round((subtotal - discount) * (1 + {rate}), 2)
"""

COPIES = {
    "pricing/retail.py": ("retail_total", "item", "items", "tax_rate"),
    "pricing/wholesale.py": ("wholesale_total", "row", "rows", "vat"),
    "pricing/online.py": ("online_total", "line", "lines", "tax"),
}

TESTS = """from pricing.online import online_total
from pricing.retail import retail_total
from pricing.wholesale import wholesale_total

ITEMS = [{"price": 60.0, "qty": 2}, {"price": 5.0, "qty": 0}]


def test_every_channel_prices_the_same():
    assert retail_total(ITEMS, 0.2) == wholesale_total(ITEMS, 0.2) == online_total(ITEMS, 0.2) == 129.6


def test_small_orders_have_no_discount():
    assert retail_total([{"price": 10.0, "qty": 1}], 0.0) == 10.0
"""


def copy_text(name: str, item: str, items: str, rate: str) -> str:
    return f'"""{name.split("_")[0].title()} pricing."""\n\n\ndef {name}({items}, {rate}):\n' + BODY.format(
        item=item, items=items, rate=rate
    )


def make_project(root: Path) -> Path:
    (root / "pricing").mkdir(parents=True)
    (root / "tests").mkdir()
    (root / "pricing" / "__init__.py").write_text("")
    for rel, (name, item, items, rate) in COPIES.items():
        (root / rel).write_text(copy_text(name, item, items, rate))
    (root / "tests" / "test_pricing.py").write_text(TESTS)
    (root / "pyproject.toml").write_text('[project]\nname = "pricing"\nversion = "0"\n')
    return root


PLAN = """## Goal
Remove the duplicated order-total logic from `pricing/retail.py`, `pricing/wholesale.py` and `pricing/online.py`.

## Steps
1. Create `pricing/common.py` with `order_total(items, tax_rate)` holding the shared logic.
2. Make `retail_total`, `wholesale_total` and `online_total` call `order_total`.

## Risks
Callers import the three functions by name: keep them.

## Verify
Run `python -m pytest -q tests`.
"""

COMMON = '"""The order total every channel shares."""\n\n\ndef order_total(items, tax_rate):\n' + BODY.format(
    item="item", items="items", rate="tax_rate"
)


def wrapper(rel: str, imported: str = "order_total") -> str:
    name, _item, items, rate = COPIES[rel]
    return (
        f'"""{name.split("_")[0].title()} pricing."""\n\nfrom pricing.common import {imported}\n\n\n'
        f"def {name}({items}, {rate}):\n    return {imported}({items}, {rate})\n"
    )


def implementation(imported: str = "order_total") -> str:
    """The model's answer: the new module, then the three files, each in a path-tagged block."""
    blocks = [f"```python path=pricing/common.py\n{COMMON}```"]
    blocks += [f"```python path={rel}\n{wrapper(rel, imported)}```" for rel in COPIES]
    return "Here is the implementation.\n\n" + "\n\n".join(blocks)
