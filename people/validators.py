"""The formats of the profile ids people and organizations carry.

Each id ends up in a link on the site, in the API and in structured data, so only an id of
the right shape is stored: the admin, the API (through the model's validators, with the
pattern in the OpenAPI document) and the importers (`full_clean()`) all refuse the rest.

The patterns are ASCII ([0-9] rather than a digit class, which also matches other scripts'
digits) and anchored at the very start and end of the value (a plain `$` lets a trailing
newline through); the OpenAPI document shows them with `^` and `$`.
"""

import re

from django.core.exceptions import ValidationError
from django.core.validators import RegexValidator
from django.utils.deconstruct import deconstructible

ORCID_FORMAT = RegexValidator(
    r"\A[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]\Z",
    'An ORCID iD looks like "0000-0002-1825-0097" (four groups of four, the last character '
    "a digit or X), without a URL.",
)


def orcid_checksum(digits):
    """The check character (ISO 7064 11,2) of an ORCID iD's first 15 digits."""
    total = 0
    for digit in digits:
        total = (total + int(digit)) * 2
    check = (12 - total % 11) % 11
    return "X" if check == 10 else str(check)


@deconstructible
class OrcidChecksumValidator:
    """Refuses an ORCID iD whose last character is not its checksum (a mistyped digit)."""

    message = "This ORCID iD's check digit is wrong: a digit was probably mistyped."
    code = "invalid"

    def __call__(self, value):
        digits = value.replace("-", "")
        well_formed = re.fullmatch(r"[0-9]{15}[0-9X]", digits)  # else ORCID_FORMAT says why
        if well_formed and orcid_checksum(digits[:15]) != digits[15]:
            raise ValidationError(self.message, code=self.code)

    def __eq__(self, other):
        return isinstance(other, OrcidChecksumValidator)


ORCID = [ORCID_FORMAT, OrcidChecksumValidator()]

OPENALEX_AUTHOR = RegexValidator(
    r"\AA[0-9]{4,12}\Z", 'An OpenAlex author id looks like "A5012345678", without a URL.'
)
OPENALEX_INSTITUTION = RegexValidator(
    r"\AI[0-9]+\Z", 'An OpenAlex institution id looks like "I63966007", without a URL.'
)
SEMANTIC_SCHOLAR_AUTHOR = RegexValidator(
    r"\A[0-9]+\Z", 'A Semantic Scholar author id is digits, like "2094770", without a URL.'
)
GOOGLE_SCHOLAR_USER = RegexValidator(
    r"\A[A-Za-z0-9_-]{12}\Z",
    'A Google Scholar user id is the 12 characters after "user=" in the profile\'s URL, '
    'like "ROILf3EAAAAJ".',
)
