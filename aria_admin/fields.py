"""Model fields shared by both Aria apps."""

import json
import math

from django.core import checks, exceptions
from django.db import models


def vector_available(connection):
    """Whether the pgvector ``vector`` type exists in this database.

    Cached on the connection; the bootstrap migration clears the cache after
    it creates the extension.
    """
    cached = getattr(connection, "_aria_vector_available", None)
    if cached is None:
        with connection.cursor() as cursor:
            cursor.execute("SELECT to_regtype('vector') IS NOT NULL")
            cached = cursor.fetchone()[0]
        connection._aria_vector_available = cached
    return cached


def forget_vector_available(connection):
    connection.__dict__.pop("_aria_vector_available", None)


class EmbeddingField(models.Field):
    """A fixed-dimension list of floats.

    Stored as ``vector(N)`` where pgvector is installed and as ``jsonb`` where
    it is not, which is what Aria itself does. Both column types print as a
    JSON array, so reading is the same either way.
    """

    description = "Embedding (list of floats)"
    empty_strings_allowed = False

    def __init__(self, *args, dimensions, **kwargs):
        self.dimensions = dimensions
        super().__init__(*args, **kwargs)

    def deconstruct(self):
        name, path, args, kwargs = super().deconstruct()
        kwargs["dimensions"] = self.dimensions
        return name, path, args, kwargs

    def check(self, **kwargs):
        errors = super().check(**kwargs)
        if not isinstance(self.dimensions, int) or self.dimensions < 1:
            errors.append(
                checks.Error("dimensions must be a positive integer.", obj=self)
            )
        return errors

    def db_type(self, connection):
        if vector_available(connection):
            return f"vector({self.dimensions})"
        return "jsonb"

    def get_internal_type(self):
        return "EmbeddingField"

    def from_db_value(self, value, expression, connection):
        # A jsonb column may hold anything Aria wrote; a bad value must not
        # stop the row from loading (validation reports it on save).
        try:
            return self.to_python(value)
        except exceptions.ValidationError:
            return json.loads(value) if isinstance(value, str) else value

    def to_python(self, value):
        if value is None:
            return None
        if isinstance(value, str):
            from aria_admin.forms import parse_json_text

            value = parse_json_text(value)
        if hasattr(value, "tolist"):  # a numpy array, or any array-like a caller passes
            value = value.tolist()
        if not isinstance(value, (list, tuple)) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in value
        ):
            raise exceptions.ValidationError(
                "Enter a JSON list of %(dim)s numbers.",
                code="invalid",
                params={"dim": self.dimensions},
            )
        values = [float(v) for v in value]
        if not all(math.isfinite(v) for v in values):
            raise exceptions.ValidationError(
                "An embedding cannot contain NaN or infinity.", code="invalid"
            )
        return values

    def validate(self, value, model_instance):
        super().validate(value, model_instance)
        if value is not None and len(value) != self.dimensions:
            raise exceptions.ValidationError(
                "Expected %(dim)s dimensions, got %(got)s.",
                code="dimensions",
                params={"dim": self.dimensions, "got": len(value)},
            )

    def get_prep_value(self, value):
        if value is None:
            return None
        values = self.to_python(value)
        if len(values) != self.dimensions:
            raise ValueError(
                f"Expected {self.dimensions} dimensions, got {len(values)}."
            )
        return json.dumps(values, separators=(",", ":"))

    def value_to_string(self, obj):
        return json.dumps(self.value_from_object(obj))

    def formfield(self, **kwargs):
        from aria_admin.forms import EmbeddingFormField

        return super().formfield(
            **{"form_class": EmbeddingFormField, "dimensions": self.dimensions, **kwargs}
        )
