"""HTTP API: thin blueprints, one per area; every module defining `bp` is registered."""
