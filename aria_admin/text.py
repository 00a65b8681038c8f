from django.utils.text import Truncator


def truncate(text, length=60):
    """One line of at most ``length`` characters, for titles and lists."""
    return Truncator(" ".join(str(text or "").split())).chars(length)


def choices(values):
    """Django choices for a list of stored values, labelled readably."""
    return [(v, v.replace("_", " ").capitalize()) for v in values]
