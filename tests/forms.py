"""Reads a rendered form back the way a browser would submit it, so admin tests post exactly
what an official's browser would, management forms and inlines included."""

from html.parser import HTMLParser

from django.urls import reverse


class _FormReader(HTMLParser):
    def __init__(self, form_id):
        super().__init__()
        self.form_id = form_id
        self.inside = False
        self.data: dict[str, list[str]] = {}
        self._select = None
        self._select_has_selected = False
        self._first_option = None
        self._textarea = None

    def _add(self, name, value):
        self.data.setdefault(name, []).append(value)

    def handle_starttag(self, tag, attrs):
        attrs = dict(attrs)
        if tag == "form" and attrs.get("id") == self.form_id:
            self.inside = True
        if not self.inside:
            return
        name = attrs.get("name")
        if tag == "input" and name:
            kind = attrs.get("type", "text")
            if kind in {"checkbox", "radio"}:
                if "checked" in attrs:
                    self._add(name, attrs.get("value", "on"))
            elif kind not in {"submit", "button", "file", "image"}:
                self._add(name, attrs.get("value") or "")
        elif tag == "select" and name:
            self._select, self._select_has_selected, self._first_option = name, False, None
            self._multiple = "multiple" in attrs
        elif tag == "option" and self._select:
            value = attrs.get("value", "")
            if self._first_option is None:
                self._first_option = value
            if "selected" in attrs:
                self._select_has_selected = True
                self._add(self._select, value)
        elif tag == "textarea" and name:
            self._textarea = name
            self._add(name, "")

    def handle_endtag(self, tag):
        if tag == "form" and self.inside:
            self.inside = False
        if tag == "select" and self._select:
            if (
                not self._select_has_selected
                and not self._multiple
                and self._first_option is not None
            ):
                self._add(self._select, self._first_option)
            self._select = None
        if tag == "textarea":
            self._textarea = None

    def handle_data(self, data):
        if self._textarea:
            # The first newline after <textarea> is not part of the value.
            value = self.data[self._textarea][-1] + data
            self.data[self._textarea][-1] = value.removeprefix("\n")


def form_data(html: str, form_id: str) -> dict[str, list[str]]:
    reader = _FormReader(form_id)
    reader.feed(html)
    return reader.data


CHANGELIST = reverse("admin:recommendations_recommendation_changelist")


def change_url(recommendation) -> str:
    return reverse("admin:recommendations_recommendation_change", args=[recommendation.pk])


def open_change_form(client, recommendation) -> dict[str, list[str]]:
    """A recommendation's admin form as the browser would submit it unchanged."""
    page = client.get(change_url(recommendation))
    return form_data(page.content.decode(), "recommendation_form")


def post_change_form(client, recommendation, **changes):
    """Load the change form as a browser does, edit some fields, and submit it."""
    data = open_change_form(client, recommendation)
    data.update(
        {name: value if isinstance(value, list) else [value] for name, value in changes.items()}
    )
    return client.post(change_url(recommendation), data)
