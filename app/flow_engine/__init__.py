"""flow engine (see ARCHITECTURE.md)."""
