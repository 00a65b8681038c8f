"""{{ text|mask_secrets }}: history text with secret ``name=value`` pairs masked."""

from django import template

from aria_admin.secrets import mask_text

register = template.Library()


@register.filter(name="mask_secrets")
def mask_secrets_filter(text):
    return mask_text(text)
