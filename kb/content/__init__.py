"""Content: documents, their revisions, and how their Markdown becomes safe HTML."""
