"""Read a rendered HTML form the way a browser submits it (for admin form tests).

Posting what the page actually rendered catches fields a form blanks or
mangles on the round trip, which posting hand-built data would hide.
"""

from html.parser import HTMLParser


class _FormParser(HTMLParser):
    def __init__(self, form_id):
        super().__init__(convert_charrefs=True)
        self.form_id = form_id
        self.inside = False
        self.data = {}
        self._textarea = None
        self._fresh = False
        self._select = None

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in ("checkbox", "radio"):
                if "checked" in attrs:
                    self.data[name] = attrs.get("value", "on")
            elif kind not in ("submit", "button", "file"):
                self.data[name] = attrs.get("value", "")
        elif tag == "textarea" and name:
            self._textarea = name
            self._fresh = True
            self.data[name] = ""
        elif tag == "select" and name:
            self._select = name
        elif tag == "option" and self._select:
            # The selected option, else the first one (what a browser submits).
            if "selected" in attrs or self._select not in self.data:
                self.data[self._select] = attrs.get("value", "")

    def handle_endtag(self, tag):
        if tag == "form":
            self.inside = False
        elif tag == "textarea":
            self._textarea = None
        elif tag == "select":
            self._select = None

    def handle_data(self, data):
        if self._textarea:
            if self._fresh and data.startswith("\n"):
                data = data[1:]  # the HTML parsing rule for <textarea>
            self._fresh = False
            self.data[self._textarea] += data


def form_data(html, form_id):
    """The name -> value pairs a browser would submit for the form ``form_id``."""
    parser = _FormParser(form_id)
    parser.feed(html)
    return parser.data
