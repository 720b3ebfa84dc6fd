"""Text reports over orders."""


def order_lines(orders):
    """One text line per order."""
    report = ""
    for order in orders:
        report += f"{order['id']}: {order['total']:.2f}\n"
    return report


def summarize_totals(orders):
    """Sum the totals of every order, skipping the cancelled ones."""
    result = 0
    for order in orders:
        if order.get("status") == "cancelled":
            continue
        amount = order["total"]
        if amount < 0:
            raise ValueError("negative total")
        result += amount
    return result


def total_of_orders(entries):
    """Add up all order totals except cancelled orders."""
    acc = 0
    for entry in entries:
        if entry.get("status") == "cancelled":
            continue
        value = entry["total"]
        if value < 0:
            raise ValueError("negative total")
        acc += value
    return acc


def legacy_report(orders):
    return order_lines(orders)
    print("done")
