"""Profile ids (ORCID, OpenAlex, Semantic Scholar, Google Scholar) are stored only in their
format: the model refuses the rest (so the admin and the importers do, through
`full_clean()`), the API answers 400 naming the field, and the OpenAPI document shows the
pattern.
"""

import pytest
from django.core.exceptions import ValidationError

from papers.models import Paper
from people.models import Organization, Person
from people.validators import orcid_checksum
from tests.api import API, assert_errors, openapi

HOSTILE = ['"><script>alert(1)</script>', "javascript:alert(1)", "x onerror=alert(1)"]

# (model, field, valid values, refused values: hostile ones come on top)
FORMATS = [
    (
        Person,
        "orcid",
        ["0000-0002-1825-0097", "0000-0002-1694-233X", "0000-0001-5109-3700"],
        [
            "0000-0002-1825-0098",  # wrong check digit
            "0000-0002-1694-2330",  # the X mistyped as 0
            "0000000218250097",
            "https://orcid.org/0000-0002-1825-0097",
            "0000-0002-1825-0097\n",
            "\u0660" * 4 + "-0002-1825-0097",  # Arabic-Indic digits
        ],
    ),
    (
        Person,
        "openalex_id",
        ["A5012345678", "A1234"],
        ["A123", "a5012345678", "W4396833154", "https://openalex.org/A5012345678"],
    ),
    (Person, "semantic_scholar_id", ["2094770", "1"], ["20947x70", "-1", "2094770 "]),
    (
        Person,
        "google_scholar_id",
        ["ROILf3EAAAAJ", "a-b_c1234567"],
        ["ROILf3EAAAA", "ROILf3EAAAAJJ", "ROILf3EAAA J", "ROILf3EAAAA&"],
    ),
    (Organization, "openalex_id", ["I63966007", "I1"], ["I", "A63966007", "i63966007"]),
    (Paper, "openalex_id", ["W4396833154"], ["W", "A4396833154", "w4396833154"]),
    (
        Paper,
        "semantic_scholar_id",
        ["649def34f8be52c8b66281af98ae884c09aef38b", "215416146"],
        ["649def34f8be52c8b66281af98ae884c09aef38", "649DEF34F8BE52C8B66281AF98AE884C09AEF38B"],
    ),
]

CASES = [
    pytest.param(model, field, value, ok, id=f"{model.__name__}.{field}={value!r}")
    for model, field, valid, refused in FORMATS
    for values, ok in [(valid, True), ([*refused, *HOSTILE], False)]
    for value in values
]


def _format_messages(model, field):
    validators = model._meta.get_field(field).validators
    return {str(v.message) for v in validators if "Length" not in type(v).__name__}


def test_the_orcid_checksum_is_iso_7064_mod_11_2():
    assert orcid_checksum("000000021825009") == "7"
    assert orcid_checksum("000000021694233") == "X"


@pytest.mark.parametrize("model, field, value, ok", CASES)
def test_the_model_refuses_a_profile_id_not_in_its_format(model, field, value, ok):
    obj = model(**{field: value})
    try:
        obj.clean_fields(exclude=[f.name for f in model._meta.fields if f.name != field])
    except ValidationError as error:
        assert not ok, error
        # Says what the id looks like (or that the check digit is wrong).
        assert set(error.message_dict[field]) & _format_messages(model, field), error
    else:
        assert ok, f"{value!r} was accepted"


def test_a_mistyped_orcid_says_the_check_digit_is_wrong():
    with pytest.raises(ValidationError, match="check digit is wrong"):
        Person(orcid="0000-0002-1825-0098").clean_fields(exclude=["name", "slug"])


@pytest.fixture
def organizations(db):
    Organization.objects.create(name="NYU", slug="nyu")


API_CASES = [
    (f"{API}/people/", {"name": "Julia Kempe"}, "orcid", "0000-0002-1825-0097", HOSTILE[0]),
    (
        f"{API}/people/",
        {"name": "Julia Kempe"},
        "orcid",
        "0000-0002-1825-0097",
        "0000-0002-1825-0098",
    ),
    (f"{API}/people/", {"name": "Julia Kempe"}, "openalex_id", "A5012345678", HOSTILE[0]),
    (f"{API}/people/", {"name": "Julia Kempe"}, "semantic_scholar_id", "2094770", HOSTILE[0]),
    (f"{API}/people/", {"name": "Julia Kempe"}, "google_scholar_id", "ROILf3EAAAAJ", HOSTILE[0]),
    (f"{API}/organizations/", {"name": "MIT"}, "openalex_id", "I63966007", HOSTILE[0]),
    (f"{API}/papers/", {"title": "Deep Learning"}, "openalex_id", "W4396833154", HOSTILE[0]),
    (
        f"{API}/papers/",
        {"title": "Deep Learning"},
        "semantic_scholar_id",
        "215416146",
        HOSTILE[0],
    ),
]


@pytest.mark.parametrize("url, body, field, valid, hostile", API_CASES)
def test_the_api_refuses_a_hostile_profile_id_with_a_400_naming_the_field(
    editor_api, url, body, field, valid, hostile
):
    refused = editor_api.post(url, {**body, field: hostile}, format="json")
    errors = assert_errors(refused, 400, field)
    model = {"people": Person, "organizations": Organization, "papers": Paper}[url.split("/")[3]]
    assert set(errors[field]) & _format_messages(model, field), errors
    created = editor_api.post(url, {**body, field: valid}, format="json")
    assert created.status_code == 201, created.content[:500]
    assert created.json()[field] == valid


@pytest.mark.parametrize(
    "component, field, pattern",
    [
        ("Person", "orcid", "^[0-9]{4}-[0-9]{4}-[0-9]{4}-[0-9]{3}[0-9X]$"),
        ("Person", "openalex_id", "^A[0-9]{4,12}$"),
        ("Person", "semantic_scholar_id", "^[0-9]+$"),
        ("Person", "google_scholar_id", "^[A-Za-z0-9_-]{12}$"),
        ("Organization", "openalex_id", "^I[0-9]+$"),
        ("Paper", "openalex_id", "^W[0-9]+$"),
        ("Paper", "semantic_scholar_id", "^([0-9a-f]{40}|[0-9]+)$"),
    ],
)
def test_the_openapi_document_shows_each_profile_ids_pattern(component, field, pattern):
    schemas = openapi()["components"]["schemas"]
    for name in [component, f"{component}Request"]:
        documented = schemas[name]["properties"][field]
        # A pattern, or nothing at all (blank: no id).
        assert {"type": "string", "maxLength": 0} in documented["oneOf"]
        assert pattern in [choice.get("pattern") for choice in documented["oneOf"]], name
