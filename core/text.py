"""Small text helpers shared by the apps."""

import unicodedata

from django.utils.text import slugify


def name_key(name):
    """A person's name folded for matching: case-, accent- and spacing-insensitive.

    "Rao Kambhampati", "rao  KAMBHAMPATI" and "Rão Kambhampati" share one key.
    """
    decomposed = unicodedata.normalize("NFKD", name)
    without_accents = "".join(c for c in decomposed if not unicodedata.combining(c))
    return " ".join(without_accents.casefold().split())


def unique_slug(model, text, *, max_length=200, exclude_pk=None):
    """A slug for `text` not yet used by `model`: "title", then "title-2", "title-3"..."""
    base = slugify(text)[:max_length].strip("-") or "item"
    taken = set(
        model._default_manager.filter(slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        suffix = f"-{n}"
        slug = f"{base[: max_length - len(suffix)]}{suffix}"
        n += 1
    return slug


def size_text(size):
    """A size in bytes for a message: "10 MB", "2.5 MB", "900 bytes"."""
    if size >= 1024 * 1024:
        return f"{size / (1024 * 1024):.3g} MB"
    return f"{size:,} bytes"
