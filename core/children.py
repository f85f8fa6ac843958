"""Replacing a parent's list of children (chapters, appearances, authors, positions) with as
few writes as it takes: the machinery the apps' services share; their rules stay in them.

Rows are matched by a natural key (a chapter by its start, an appearance by person and
role...): a row whose key stays is updated only when a value differs, so its id, and what
refers to it, survive; rows whose key goes are deleted first, so that a moved row never
collides with a uniqueness rule on the way; new rows are created in one query. Bulk writes
send no model signals: the caller announces the change (`core.signals.content_changed`).
"""

from dataclasses import dataclass, field


@dataclass
class Replaced:
    """What replacing a list of children did, row by row."""

    created: list = field(default_factory=list)
    updated: list = field(default_factory=list)
    unchanged: list = field(default_factory=list)
    deleted: list = field(default_factory=list)

    @property
    def changed(self):
        return bool(self.created or self.updated or self.deleted)


def replace_children(model, *, parent, key, wanted, result=None):
    """Make the `model` rows of `parent` ({field name: row}) exactly `wanted`.

    `wanted` is a list of {field name: value} (related rows as instances, ids or None), each
    holding the `key` fields; the other fields it names are written, those it leaves out
    are kept on a row that stays (and take their default on a new one). Two items with
    one key are the caller's rule to refuse before calling. Fills in and returns `result`
    (a `Replaced`, or a subclass the caller made).
    """
    result = Replaced() if result is None else result
    names = {*key, *(name for item in wanted for name in item)}
    fields = {name: model._meta.get_field(name) for name in names}
    parent_name, parent_row = next(iter(parent.items()))
    existing = {}
    for row in model.objects.filter(**parent).order_by("pk"):
        setattr(row, parent_name, parent_row)  # no query when something reads it
        existing[tuple(getattr(row, fields[name].attname) for name in key)] = row
    new, changed_fields = [], set()
    for item in wanted:
        values = {
            fields[name].attname: _stored(fields[name], value) for name, value in item.items()
        }
        row = existing.pop(tuple(values[fields[name].attname] for name in key), None)
        if row is None:
            # Instances where given (no query to read them back), ids otherwise.
            row = model(**parent, **values)
            for name, value in item.items():
                if hasattr(value, "pk"):
                    setattr(row, name, value)
            new.append(row)
            result.created.append(row)
            continue
        differs = [name for name, value in values.items() if getattr(row, name) != value]
        if differs:
            for name in differs:
                setattr(row, name, values[name])
            changed_fields.update(differs)
            result.updated.append(row)
        else:
            result.unchanged.append(row)
    result.deleted = list(existing.values())
    if result.deleted:
        model.objects.filter(pk__in=[row.pk for row in result.deleted]).delete()
    if result.updated:
        changed = [model._meta.get_field(name).name for name in sorted(changed_fields)]
        model.objects.bulk_update(result.updated, changed)
    if new:
        model.objects.bulk_create(new)
    return result


def _stored(model_field, value):
    """A value as its row holds it: a related row as its id."""
    if model_field.is_relation and value is not None and hasattr(value, "pk"):
        return value.pk
    return value
