"""A small project with a duplicated function, dead code and every kind of root."""

from __future__ import annotations

from pathlib import Path

from tests.analysis.crossfile.support import write_tree

FILES = {
    "pyproject.toml": """
        [project]
        name = "shop"
        version = "0.1.0"
        [project.scripts]
        shop = "shop.cli:run"
    """,
    "shop/__init__.py": "",
    "shop/registry.py": """
        HOOKS = []


        def register(fn):
            HOOKS.append(fn)
            return fn
    """,
    "shop/billing.py": '''
        """Billing: totals and amounts."""
        from shop.registry import register

        __all__ = ["invoice_total", "format_amount", "public_api"]


        def invoice_total(items, rate, discount=0.0):
            """Total of an invoice."""
            subtotal = 0
            for item in items:
                if item.quantity <= 0:
                    continue
                subtotal += item.price * item.quantity
            subtotal -= subtotal * discount
            taxed = subtotal * (1 + rate)
            return round(taxed, 2)


        def format_amount(value, currency="EUR"):
            return f"{value:.2f} {currency}"


        def public_api():
            pass


        @register
        def on_paid(invoice):
            pass


        def only_in_tests():
            return 3


        def never_called(x):
            return x * 2


        def suppressed_dead():  # aurelis: ignore[AUR411]
            pass
    ''',
    "shop/orders.py": '''
        """Orders."""
        from shop.billing import format_amount


        def parse_lines(text):
            """Same topic as the totals, different code: not a duplicate."""
            lines = []
            for raw in text.splitlines():
                name, _, qty = raw.partition(",")
                if not name.strip():
                    continue
                lines.append((name.strip(), int(qty or 1)))
            return lines


        def order_sum(lines, tax, reduction=0.0):
            # copied from billing.invoice_total: renamed variables, one extra step
            acc = 0
            for line in lines:
                if line.quantity <= 0:
                    continue
                acc += line.price * line.quantity
            acc -= acc * reduction
            acc = max(acc, 0)
            gross = acc * (1 + tax)
            return round(gross, 2)


        def describe(order):
            return format_amount(order_sum(parse_lines(order.text), 0.2))
    ''',
    "shop/cli.py": """
        from shop.orders import describe


        def run():
            print(describe(None))
    """,
    "tests/test_billing.py": """
        from shop.billing import only_in_tests


        def test_only_in_tests():
            assert only_in_tests() == 3
    """,
}


def make_project(root: Path) -> Path:
    return write_tree(root, FILES)
