"""Macros: reusable support replies in Markdown with ``{{ placeholder }}`` substitution."""
