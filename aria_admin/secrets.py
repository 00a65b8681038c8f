"""Secrets: which names hold one, and what of their value may be shown.

Aria keeps provider keys and tokens in a few columns (``llm_models.
litellm_api_key``), in config rows (``aria_engine.config`` with a key such as
``openai_api_key``) and inside jsonb (``llm_models.extra``,
``agent_state.metadata``...). One rule, SECRET_KEYS, says which names are
secret; ``mask_secrets()`` is what every page, list, history entry and
future export calls before showing a value.

A masked value is ``"set (ends ...abcd)"`` (the last four characters, only
for values of 12 or more), ``"set"`` for a shorter one and ``"not set"`` for
an empty one. References (``os.environ/NAME``, ``not-needed``) are not
secrets and are shown as they are.

Editing keeps masks round-tripping: a form shows the masked value and, on
save, ``restore_secrets()`` puts the stored secret back wherever the mask
came back unchanged (see aria_admin.admin.forms). A replace/clear field per
secret, as the LLM key has, cannot be generated for keys nested anywhere in
a JSON document; the round trip keeps one JSON box and still never writes a
mask over a secret: a mask that does not match the stored value is refused.
"""

import re

# Matched against a name in snake_case (camelCase and dashes converted):
# api_key, litellm_api_key, client_secret, db_password, private_key,
# credentials, authorization; "token" only as the last word (token,
# access_token, auth_token), so counts such as max_tokens, tokens_input or
# total_tokens are not secrets.
SECRET_KEYS = re.compile(
    r"(?:^|_)(?:api_?keys?|secrets?|passwords?|passwd|passphrase|private_?keys?|access_?keys?"
    r"|credentials?|authorization)(?:_|$)"
    r"|(?:^|_)token$"
)
# Values that name where a secret is, not the secret itself.
SECRET_REFERENCES = re.compile(r"^(os\.environ/[A-Za-z_][A-Za-z0-9_]*|not-needed)$")
MASK = re.compile(r"^(not set|set|set \(ends \.\.\..{1,4}\))$", re.S)

# Tables whose value column is a secret when the row's name column names
# one: model label -> (name column, value column).
NAMED_SECRETS = {
    "engine_app.engineconfigentry": ("key", "value"),
    "data_app.memory": ("key", "value"),
    "data_app.workingmemory": ("key", "value"),
}


def snake_case(name):
    name = re.sub(r"([a-z0-9])([A-Z])", r"\1_\2", str(name))
    return re.sub(r"[^a-z0-9]+", "_", name.lower()).strip("_")


def is_secret_name(name):
    """Whether a column, config key or JSON key of this name holds a secret."""
    return isinstance(name, str) and SECRET_KEYS.search(snake_case(name)) is not None


def describe_secret(value):
    """What may be shown of a secret value: never the secret itself."""
    if value is None or value == "":
        return "not set"
    if not isinstance(value, str):
        return "set"
    if SECRET_REFERENCES.match(value) or MASK.match(value):
        return value  # a reference, or already masked
    return f"set (ends ...{value[-4:]})" if len(value) >= 12 else "set"


def mask_secrets(value, *, secret=False):
    """``value`` (any JSON-like data) with the value of every secret-named
    key masked, at any depth; the whole of it if ``secret``."""
    if secret:
        return value if value is None else describe_secret(value)
    if isinstance(value, dict):
        return {k: mask_secrets(v, secret=is_secret_name(k)) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [mask_secrets(v) for v in value]
    return value


def is_secret_value(obj, field_name):
    """Whether column ``field_name`` of row ``obj`` is a secret as a whole."""
    if is_secret_name(field_name):
        return True
    named = NAMED_SECRETS.get(obj._meta.label_lower)
    return bool(named) and field_name == named[1] and is_secret_name(getattr(obj, named[0], None))


def mask_field(obj, field_name, value):
    """The shown form of column ``field_name`` of row ``obj`` holding ``value``."""
    return mask_secrets(value, secret=is_secret_value(obj, field_name))


def mask_instance(obj):
    """Mask every secret of a row read for display only (never saved)."""
    for field in obj._meta.concrete_fields:
        if not field.is_relation:
            value = getattr(obj, field.attname)
            masked = mask_field(obj, field.name, value)
            if masked is not value:
                setattr(obj, field.attname, masked)
    return obj


def restore_secrets(posted, stored, *, secret=False):
    """``posted`` with each mask that came back unchanged replaced by the
    stored secret it stands for (the masked-value round trip)."""
    if secret:
        if stored is not None and posted == describe_secret(stored):
            return stored
        return posted
    if isinstance(posted, dict) and isinstance(stored, dict):
        return {
            k: restore_secrets(v, stored[k], secret=is_secret_name(k)) if k in stored else v
            for k, v in posted.items()
        }
    if isinstance(posted, list) and isinstance(stored, list):
        return [restore_secrets(v, s) for v, s in zip(posted, stored)] + posted[len(stored) :]
    return posted


def stray_masks(value, *, secret=False, path="value"):
    """Paths of secret values that still read like a mask after restoring:
    saving them would replace a secret with its mask."""
    if secret:
        return [path] if isinstance(value, str) and MASK.match(value) else []
    if isinstance(value, dict):
        return [p for k, v in value.items() for p in stray_masks(v, secret=is_secret_name(k), path=k)]
    if isinstance(value, list):
        return [p for v in value for p in stray_masks(v, path=path)]
    return []


# A name is a run of [A-Za-z0-9_-] from its first letter. The run is matched
# from its start only (the lookbehind) and without backtracking (possessive
# quantifiers): tried at every position of a long word, the former pattern
# took quadratic time (20,000 letters: 12 s), and error messages are agent-written.
SECRET_IN_TEXT = re.compile(
    r"""(?<![A-Za-z0-9_-])(?P<lead>[0-9_-]*+)(?P<name>[A-Za-z][A-Za-z0-9_-]*+)"""
    r"""(?P<sep>["']?\s*+[:=]\s*+["']?)(?P<value>[^"'\s,;&}]++)"""
)


def mask_text(text):
    """Free text (history entries, error messages) with ``name=value`` /
    ``"name": "value"`` pairs of secret names masked."""

    def mask(match):
        if not is_secret_name(match["name"]):
            return match[0]
        return f"{match['lead']}{match['name']}{match['sep']}{describe_secret(match['value'])}"

    return SECRET_IN_TEXT.sub(mask, str(text))
