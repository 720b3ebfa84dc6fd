"""A small workspace on disk for the index tests (real files, real .gitignore)."""

from __future__ import annotations

from pathlib import Path

FILES = {
    "shop/__init__.py": '"""Shop package."""\n',
    "shop/shipping.py": '''"""Shipping."""


def shipping_cost(weight_kg, express=False):
    """Cost of sending a parcel, from its weight in kilograms."""
    base = 4.5 + 1.2 * weight_kg
    return base * 2 if express else base


def tracking_url(code):
    """Link where a customer follows a parcel."""
    return "https://track.example/" + code
''',
    "shop/accounts.py": '''"""Accounts."""
import hashlib


class UserAccount:
    """A customer account with a hashed password."""

    def __init__(self, email, password):
        self.email = email
        self.password_hash = self.hash_password(password)

    def hash_password(self, password):
        """Hash a password with a salt so it is never stored in clear."""
        return hashlib.sha256(("salt" + password).encode()).hexdigest()

    def check_password(self, password):
        return self.hash_password(password) == self.password_hash
''',
    "shop/report.py": '''def render_invoice_pdf(order):
    """Render an order's invoice as a PDF document."""
    lines = [f"{item['name']}: {item['price']}" for item in order["items"]]
    return "\\n".join(lines).encode()
''',
    "web/cart.js": """// Shopping cart for the storefront.
export function formatPrice(cents) {
  return `$${(cents / 100).toFixed(2)}`;
}
""",
    "build/generated.py": "def ignored_by_gitignore():\n    return 1\n",
    ".gitignore": "build/\n*.tmp.py\n",
}


def make_workspace(root: Path) -> Path:
    for rel, text in FILES.items():
        p = root / rel
        p.parent.mkdir(parents=True, exist_ok=True)
        p.write_text(text, encoding="utf-8")
    return root
