"""repurchase."""
