// Shopping cart helpers for the storefront.
export class Cart {
  constructor() {
    this.items = [];
  }

  add(item) {
    this.items.push(item);
  }

  total() {
    return this.items.reduce((sum, item) => sum + item.price * item.quantity, 0);
  }
}

export function formatPrice(cents) {
  return `$${(cents / 100).toFixed(2)}`;
}
