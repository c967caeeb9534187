"""Moving a help center and macros in from Zendesk (``kb import-zendesk``) and back out
(``kb export-zendesk``), through the same import machinery as content files (:mod:`kb.transfer`).
"""
