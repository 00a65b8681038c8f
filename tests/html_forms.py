"""What a browser would submit from a page's form: the tests' way to POST
exactly what a change page offered, hidden fields included."""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.fields = []  # (name, value) in page order
        self._select = None
        self._option = None
        self._textarea = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form":
            self.inside = self.form_id is None or attrs.get("id") == self.form_id
            return
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("submit", "button", "image", "reset", "file"):
                return
            if kind in ("checkbox", "radio") and "checked" not in attrs:
                return
            self.fields.append((name, attrs.get("value", "on" if kind == "checkbox" else "")))
        elif tag == "select" and name:
            self._select = {"name": name, "multiple": "multiple" in attrs, "chosen": [], "first": None}
        elif tag == "option" and self._select is not None:
            self._option = attrs.get("value")
            if self._select["first"] is None:
                self._select["first"] = self._option
            if "selected" in attrs:
                self._select["chosen"].append(self._option)
        elif tag == "textarea" and name:
            self._textarea = [name, ""]

    def handle_data(self, data):
        if self._textarea is not None:
            self._textarea[1] += data

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "select" and self._select is not None:
            chosen = self._select["chosen"]
            if not chosen and not self._select["multiple"] and self._select["first"] is not None:
                chosen = [self._select["first"]]
            self.fields += [(self._select["name"], value or "") for value in chosen]
            self._select = None
        elif tag == "textarea" and self._textarea is not None:
            value = self._textarea[1]
            # Browsers drop the one newline right after <textarea>.
            self.fields.append((self._textarea[0], value[1:] if value.startswith("\n") else value))
            self._textarea = None


def form_data(page, form_id=None):
    """{name: value or [values]} of the form ``form_id`` (or every form)."""
    parser = _FormParser(form_id)
    parser.feed(page if isinstance(page, str) else page.decode())
    data = {}
    for name, value in parser.fields:
        if name in data:
            data[name] = [*data[name], value] if isinstance(data[name], list) else [data[name], value]
        else:
            data[name] = value
    return data
