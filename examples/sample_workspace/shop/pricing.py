"""Prices, discounts and totals."""

import os
import json


def apply_discount(price, percent):
    """Return ``price`` reduced by ``percent`` per cent."""
    if percent == None:
        return price
    return price * (100 - percent) / 100


def order_total(items, discounts=[]):
    """Sum the price of every item in an order, after its discount."""
    total = 0
    for item in items:
        price = item["price"] * item.get("quantity", 1)
        for code in discounts:
            if code in ["SPRING", "SUMMER", "WINTER"]:
                price = apply_discount(price, 10)
        total += price
    return total


def shipping_cost(weight_kg, express=False):
    """Shipping cost for a parcel of ``weight_kg`` kilograms."""
    base = 4.5
    if weight_kg > 20:
        base = base + 15
    elif weight_kg > 5:
        base = base + 5
    if express:
        base = base * 2
    return round(base, 2)
