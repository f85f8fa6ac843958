"""What the API says about each kind of thing, and what it accepts from editors: one module
per resource, sharing `base`.

Reads and writes differ where writing is simpler than reading: an episode is read with its
guests' names and pages, but written with person slugs. Write serializers answer with the
read representation, so a client sees the same shape whatever it did.
"""
