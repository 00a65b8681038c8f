from django.utils.text import Truncator, add_truncation_text, calculate_truncate_chars_length


def truncate(text, length=60):
    """One line of at most ``length`` characters, for titles and lists.

    Lists call this for every long cell, so plain ASCII text is cut here,
    collapsing whitespace only in the part that can be shown; other text
    goes through Django's Truncator (normalisation, combining characters).
    The result is the Truncator's either way.
    """
    text = str(text or "")
    if not text.isascii():
        return Truncator(" ".join(text.split())).chars(length)
    # Collapsing a prefix gives a prefix of the collapsed whole.
    head = " ".join(text[: 4 * length].split())
    if len(head) <= length:
        head = " ".join(text.split())
        if len(head) <= length:
            return head
    return add_truncation_text(head[: calculate_truncate_chars_length(length, None)])


def choices(values):
    """Django choices for a list of stored values, labelled readably."""
    return [(v, v.replace("_", " ").capitalize()) for v in values]
