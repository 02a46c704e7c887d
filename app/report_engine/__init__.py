"""report engine (see ARCHITECTURE.md)."""
