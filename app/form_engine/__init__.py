"""form engine (see ARCHITECTURE.md)."""
