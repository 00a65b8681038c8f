"""Form fields shared by both Aria apps."""

import json
import math

from django import forms
from django.core.exceptions import ValidationError

# What a jsonb box accepts: PostgreSQL refuses NaN and infinities, Python's
# parser recurses once per nesting level and refuses integers over 4,300
# digits; past these limits a value is a form error, not a 500.
JSON_MAX_DEPTH = 100
JSON_MAX_BYTES = 1_000_000


def _refuse_constant(name):
    raise ValueError(f"{name} is not allowed (PostgreSQL's JSON has no NaN or infinity)")


def _finite_float(text):
    value = float(text)
    if not math.isfinite(value):
        raise ValueError(f"the number {text[:20]} is out of range (PostgreSQL's JSON has no infinity)")
    return value


def _depth_over(value, limit):
    """Whether ``value`` nests lists/objects deeper than ``limit`` (iteratively)."""
    stack = [(value, 1)]
    while stack:
        item, depth = stack.pop()
        if isinstance(item, (list, dict)):
            if depth > limit:
                return True
            stack.extend((v, depth + 1) for v in (item.values() if isinstance(item, dict) else item))
    return False


def parse_json_text(text, decoder=None):
    """``text`` parsed as JSON PostgreSQL will store, or ValidationError.

    Refuses text over JSON_MAX_BYTES, nesting deeper than JSON_MAX_DEPTH,
    NaN / Infinity, numbers that overflow a float (1e999) and integers
    longer than Python converts; each with a message naming the problem.
    """
    if len(text) > JSON_MAX_BYTES or len(text.encode("utf-8", "surrogatepass")) > JSON_MAX_BYTES:
        raise ValidationError(
            "The JSON is too large: at most %(limit)s bytes.", code="too_large",
            params={"limit": f"{JSON_MAX_BYTES:,}"},
        )
    try:
        parsed = json.loads(text, cls=decoder, parse_constant=_refuse_constant, parse_float=_finite_float)
    except RecursionError:
        parsed = None
        too_deep = True
    except ValueError as exc:  # JSONDecodeError, our refusals, int() past its digit limit
        raise ValidationError("Not valid JSON: %(error)s.", code="invalid", params={"error": exc}) from None
    else:
        too_deep = _depth_over(parsed, JSON_MAX_DEPTH)
    if too_deep:
        raise ValidationError(
            "The JSON nests lists or objects more than %(limit)s levels deep.", code="too_deep",
            params={"limit": JSON_MAX_DEPTH},
        )
    return parsed


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
        parsed = parse_json_text(value)
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
