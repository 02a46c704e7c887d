"""pivot."""
