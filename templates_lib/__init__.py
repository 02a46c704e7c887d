"""App templates shipped with Formloom (each an app bundle)."""
