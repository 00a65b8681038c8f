"""Form fields shared by both Aria apps."""

import json
import math

from django import forms
from django.core.exceptions import ValidationError


class EmbeddingFormField(forms.CharField):
    """Accepts an embedding as a JSON list; never echoes hundreds of floats.

    The widget starts empty on purpose: the admin shows a summary (dimension,
    norm, first values) instead, and an empty box on a change form keeps the
    stored embedding.
    """

    widget = forms.Textarea(attrs={"rows": 3, "class": "vLargeTextField"})

    def __init__(self, *, dimensions, **kwargs):
        self.dimensions = dimensions
        kwargs.pop("max_length", None)
        super().__init__(**kwargs)
        self.widget.attrs.setdefault(
            "placeholder", f"JSON list of {dimensions} numbers, e.g. [0.12, -0.03, ...]"
        )

    def prepare_value(self, value):
        if isinstance(value, (list, tuple)):
            return ""
        return value

    def has_changed(self, initial, data):
        return bool(data and data.strip())

    def to_python(self, value):
        if isinstance(value, (list, tuple)):
            return list(value)
        value = (value or "").strip()
        if not value:
            return None
        try:
            parsed = json.loads(value)
        except ValueError as exc:
            raise ValidationError(
                "Not valid JSON: %(error)s.", code="invalid", params={"error": exc}
            ) from None
        if not isinstance(parsed, list) or not all(
            isinstance(v, (int, float)) and not isinstance(v, bool) for v in parsed
        ):
            raise ValidationError(
                "Enter a JSON list of %(dim)s numbers.",
                code="invalid",
                params={"dim": self.dimensions},
            )
        if not all(math.isfinite(v) for v in parsed):
            raise ValidationError("An embedding cannot contain NaN or infinity.")
        if len(parsed) != self.dimensions:
            raise ValidationError(
                "Expected %(dim)s dimensions, got %(got)s.",
                code="dimensions",
                params={"dim": self.dimensions, "got": len(parsed)},
            )
        return [float(v) for v in parsed]
