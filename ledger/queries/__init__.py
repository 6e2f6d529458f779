"""Read queries: they never write, and every one is safe to call outside a transaction."""
