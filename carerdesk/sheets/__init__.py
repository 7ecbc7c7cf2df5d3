"""Spreadsheet files in and out: safe reading, safe writing, the offers sheet."""
