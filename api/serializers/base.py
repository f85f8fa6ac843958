"""What every resource's serializers share: strict JSON types, URLs, tags, small references."""

import re
from collections.abc import Mapping
from contextlib import contextmanager
from urllib.parse import quote

from django.core.exceptions import ValidationError as DjangoValidationError
from django.core.validators import URLValidator
from django.db import models
from django.utils.text import slugify
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import extend_schema_field
from rest_framework import serializers
from taggit.serializers import TagListSerializerField

from core.fields import WebURLField
from core.links import absolute
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


@contextmanager
def errors_under(name):
    """A service's ValidationError (a rule of a list: people, chapters, authors), as the
    API's validation error of the field `name`; the transaction around has written nothing."""
    try:
        yield
    except DjangoValidationError as error:
        raise serializers.ValidationError({name: error.messages}) from None


def visible_episodes(context):
    """Episodes the client may see: published ones, and drafts too for editors."""
    return Episode.objects.visible_to(context["request"].user).values("pk")


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
