"""Images in articles and macros: what is accepted (:mod:`kb.media.images`), where it is kept
and who may see it (:mod:`kb.media.store`), and how pages show it (:mod:`kb.media.html`).

An image is public only while a published, public revision uses it; before that (a draft's
screenshot) staff alone can load it. The rule itself is :mod:`kb.permissions`'.
"""
