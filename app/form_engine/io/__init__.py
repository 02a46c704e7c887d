"""Data in and out of forms: CSV/XLSX import (preview, mapping, jobs) and streaming export."""
