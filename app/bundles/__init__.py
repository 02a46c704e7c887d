"""App bundles (FORMATS.md section 5): export an app as one JSON document, import one into any
workspace (validated whole before it counts), and the templates shipped in templates_lib/."""
