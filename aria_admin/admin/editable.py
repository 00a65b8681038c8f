"""The form of one row of a list_editable changelist.

Django renders those inputs in table cells with no <label> (axe-core's
"label" rule, critical: a screen reader announces just "spin button"). Each
visible input is named by its column and its row instead: "Sort order of
openrouter: Claude".
"""

from django import forms
from django.utils.text import capfirst


class LabelledRowForm(forms.ModelForm):
    def __init__(self, *args, **kwargs):
        super().__init__(*args, **kwargs)
        for field in self.fields.values():
            if not field.widget.is_hidden:
                field.widget.attrs.setdefault("aria-label", f"{capfirst(field.label)} of {self.instance}")
