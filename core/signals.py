"""Signals the content apps send and the apps above them (search, caches) listen to.

Content apps never call those apps: they announce what changed, and whoever cares listens.
"""

from django.dispatch import Signal

# Sent after a write that Django's model signals do not announce: a bulk update() or
# bulk_create(), a list of children replaced (chapters, appearances, authors, affiliations),
# a publication state changed in bulk. The sender is the model whose objects changed; `pks`
# holds their ids.
content_changed = Signal()
