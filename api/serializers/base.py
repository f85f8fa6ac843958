"""What every resource's serializers share: strict JSON types, URLs, tags, small references."""

import re
from collections.abc import Mapping
from contextlib import contextmanager
from urllib.parse import quote

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import models, transaction
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from taggit.serializers import TagListSerializerField

from core.fields import WebURLField
from core.links import absolute
from core.publishing import State
from episodes.models import Episode
from papers.models import Paper
from people.models import Person


class PageURLField(serializers.ReadOnlyField):
    """The absolute address of the object's page on the site."""

    def __init__(self, **kwargs):
        super().__init__(source="get_absolute_url", **kwargs)

    def to_representation(self, path):
        return absolute(path)


PageURLField = extend_schema_field(OpenApiTypes.URI)(PageURLField)


def clean(instance):
    """The model's own rules (publishing dates, audio size), as API validation errors."""
    try:
        instance.clean()
    except DjangoValidationError as error:
        raise serializers.ValidationError(serializers.as_serializer_error(error)) from None


# Publishing: `state` is what the item shows; `status` the older, deprecated word for it, which
# editors may still send.

STATE_HELP = (
    "Where the item stands right now, worked out from `published_at` at each request: "
    '"draft": never public, whatever the date (only editors see it); '
    '"scheduled": not a draft, but `published_at` is still to come, when it appears on its '
    'own; "live": public since `published_at`.'
)
STATUS_HELP = (
    'Deprecated: read `state` instead ("published" is its "live"). Still accepted on input: '
    '"draft" keeps the item from the public; "scheduled" needs a `published_at`; '
    '"published" without `published_at` publishes now, and with a future one schedules it. '
    "On output, the state as draft, scheduled or published."
)
STATUS_OF_STATE = {State.DRAFT: "draft", State.SCHEDULED: "scheduled", State.LIVE: "published"}


class StateField(serializers.ChoiceField):
    """The item's state (draft, scheduled, live), read only."""

    def __init__(self, **kwargs):
        super().__init__(choices=State.choices, read_only=True, help_text=STATE_HELP, **kwargs)


class StatusField(serializers.ChoiceField):
    """Deprecated `status`: read from the state; when sent, `clean_publishable()` applies it."""

    def __init__(self, **kwargs):
        choices = [(status, status.capitalize()) for status in STATUS_OF_STATE.values()]
        super().__init__(
            choices=choices, source="*", required=False, help_text=STATUS_HELP, **kwargs
        )

    def to_representation(self, item):
        return STATUS_OF_STATE[item.state]

    def to_internal_value(self, data):
        return {"status": super().to_internal_value(data)}


def sent_status(instance, data):
    """The deprecated `status` sent, taken out of `data`; else the one `instance` shows.

    Call it before the values sent are set on the instance: a PATCH of `published_at` alone
    keeps the status the item had.
    """
    return data.pop("status", None) or STATUS_OF_STATE[instance.state]


def clean_publishable(instance, status, data):
    """`clean()` for an episode or post holding the values sent, with `status` applied.

    Puts the stored facts (`is_draft`, `published_at`) in `data`; raises the model's errors and
    the status's as API validation errors, together.
    """
    errors = {}
    instance.is_draft = status == "draft"
    if status == "scheduled" and instance.published_at is None:
        errors["published_at"] = ["A scheduled item needs the date and time to publish it."]
    try:
        clean(instance)
    except serializers.ValidationError as error:
        errors = {**error.detail, **errors}
    if errors:
        raise serializers.ValidationError(errors)
    data["is_draft"] = instance.is_draft
    data["published_at"] = instance.published_at


@contextmanager
def errors_under(name):
    """A service's ValidationError (a rule of a list: people, chapters, authors), as the
    API's validation error of the field `name`; the transaction around has written nothing."""
    try:
        yield
    except DjangoValidationError as error:
        raise serializers.ValidationError({name: error.messages}) from None


class ReplacesLists:
    """A serializer whose list fields (people, chapters, authors, affiliations) replace the
    object's lists through the owning app's service, in the same transaction as the object.

    `replaces` maps each such field to the function that writes it, called as
    `replace(instance, items)`; a list left out of the request is kept as it is.
    """

    replaces = {}

    @transaction.atomic
    def create(self, validated_data):
        lists = self._pop_lists(validated_data)
        instance = super().create(validated_data)
        self._replace_lists(instance, lists)
        return instance

    @transaction.atomic
    def update(self, instance, validated_data):
        lists = self._pop_lists(validated_data)
        instance = super().update(instance, validated_data)
        self._replace_lists(instance, lists)
        return instance

    def _pop_lists(self, validated_data):
        return {name: validated_data.pop(name) for name in self.replaces if name in validated_data}

    def _replace_lists(self, instance, lists):
        for name, items in lists.items():
            with errors_under(name):
                self.replaces[name](instance, items)


def visible_episodes(context):
    """Episodes the client may see: published ones, and drafts too for editors."""
    return Episode.objects.visible_to(context["request"].user)


def as_uri(url):
    """A URL as stored, sent as a valid URI: anything RFC 3986 does not allow, %-encoded."""
    return re.sub(r"%(?![0-9A-Fa-f]{2})", "%25", quote(url, safe=":/?#@!$&'()*+,;=%"))


class URLField(serializers.URLField):
    """An http(s) URL, as the models' WebURLField takes it; read as a URI.

    DRF drops a model field's URL validator for its own, which also takes ftp://.
    """

    def __init__(self, **kwargs):
        super().__init__(**kwargs)
        self.validators = [
            *(v for v in self.validators if not isinstance(v, URLValidator)),
            *WebURLField.default_validators,
        ]

    def to_representation(self, value):
        return as_uri(value)


def expected_type(field):
    """The JSON type a writable field takes, and its name for error messages."""
    if isinstance(field, serializers.BooleanField):
        return bool, "true or false"
    if isinstance(field, serializers.IntegerField):
        return int, "an integer"
    if isinstance(field, serializers.ListField | serializers.ListSerializer):
        return list, "a list"
    if isinstance(field, serializers.ManyRelatedField):
        return list, "a list"
    if isinstance(field, serializers.Serializer):
        return dict, "an object"
    if isinstance(
        field,
        serializers.CharField
        | serializers.ChoiceField
        | serializers.RelatedField
        | serializers.DateTimeField
        | serializers.DateField,
    ):
        return str, "a string"
    return None, None


def type_errors(field, value):
    """What is wrong with the JSON type of `value` for `field`, or None.

    DRF converts where it can (0 becomes "0", "12" becomes 12, "yes" becomes True); a JSON API
    says what it means, so that is a 400 naming the field, as the OpenAPI document says.
    """
    if value is None:
        return None  # The field itself says whether null is allowed.
    kind, name = expected_type(field)
    if kind is None:
        return None
    if not isinstance(value, kind) or (kind is int and isinstance(value, bool)):
        return [serializers.ErrorDetail(f"Expected {name}.", code="invalid")]
    if isinstance(field, serializers.RelatedField) and value == "":
        return [serializers.ErrorDetail("This field may not be blank.", code="blank")]
    if isinstance(field, serializers.RelatedField) and "\x00" in value:
        # No slug holds one, and PostgreSQL refuses it in a query (a 500).
        return [
            serializers.ErrorDetail(
                "Null characters are not allowed.", code="null_characters_not_allowed"
            )
        ]
    max_length = getattr(field, "max_length", None)
    if (
        isinstance(value, str)
        and max_length is not None
        and len(value) > max_length >= len(value.strip())
    ):
        # DRF trims surrounding whitespace before it counts, so this one would pass; the
        # OpenAPI document's maxLength counts what was sent, and so do we. (Longer ones get
        # DRF's own errors, with the field's other validators' too.)
        return [
            serializers.ErrorDetail(
                f"Ensure this field has no more than {max_length} characters.",
                code="max_length",
            )
        ]
    child = getattr(field, "child", None) or getattr(field, "child_relation", None)
    if kind is list and child is not None and not isinstance(child, serializers.Serializer):
        errors = {i: e for i, item in enumerate(value) if (e := type_errors(child, item))}
        return errors or None
    return None


class ModelSerializer(serializers.ModelSerializer):
    """Strict about JSON types, and items of a list are whole even in a PATCH.

    A list sent (chapters, people, affiliations) replaces what was there, so each item needs
    its required fields whatever the method.
    """

    serializer_field_mapping = {
        **serializers.ModelSerializer.serializer_field_mapping,
        models.URLField: URLField,
    }

    def to_internal_value(self, data):
        if isinstance(data, Mapping):
            errors = {}
            for name, field in self.fields.items():
                if field.read_only:
                    continue
                if name in data:
                    if found := type_errors(field, data[name]):
                        errors[name] = found
                elif field.required and self.parent is not None:
                    errors[name] = [
                        serializers.ErrorDetail(field.error_messages["required"], code="required")
                    ]
            if errors:
                raise serializers.ValidationError(errors)
        return super().to_internal_value(data)


def api_url(view_name):
    return serializers.HyperlinkedIdentityField(view_name=view_name, lookup_field="slug")


class TagsField(TagListSerializerField):
    """Topics by name, in alphabetical order.

    A new name must give a plain slug: its topic page's address is made of it.
    """

    child = serializers.CharField(max_length=100)

    def to_representation(self, value):
        return sorted(super().to_representation(value), key=str.casefold)

    def to_internal_value(self, value):
        names = super().to_internal_value(value)
        for name in names:
            if not re.fullmatch(r"[-\w]+", slugify(name, allow_unicode=True), re.ASCII):
                raise serializers.ValidationError(
                    f'"{name}": a topic\'s address is made of its letters a-z, digits and '
                    "hyphens, so it needs some, and no accents or other scripts."
                )
        return names


# Small shapes used inside others.


class PersonRefSerializer(ModelSerializer):
    html_url = PageURLField()

    class Meta:
        model = Person
        fields = ["slug", "name", "html_url"]


class PaperRefSerializer(ModelSerializer):
    html_url = PageURLField()

    class Meta:
        model = Paper
        fields = ["slug", "title", "year", "html_url"]


class EpisodeRefSerializer(ModelSerializer):
    html_url = PageURLField()

    class Meta:
        model = Episode
        fields = ["slug", "title", "published_at", "html_url"]


class ProfileLinksField(serializers.ReadOnlyField):
    def __init__(self, **kwargs):
        super().__init__(source="*", **kwargs)

    def to_representation(self, obj):
        links = obj.links() if hasattr(obj, "links") else obj.external_links()
        return {label: as_uri(url) for label, url in links}


ProfileLinksField = extend_schema_field(
    {"type": "object", "additionalProperties": {"type": "string", "format": "uri"}}
)(ProfileLinksField)
