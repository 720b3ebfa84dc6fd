"""A small shop backend."""

from shop.pricing import apply_discount, order_total

__all__ = ["apply_discount", "order_total"]
