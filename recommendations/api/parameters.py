"""The query parameters each API read accepts: declared once, with their type, their codes and
their bounds, and both written into the OpenAPI schema and enforced on every request, so the
schema is the truth. The filters by code take any of several codes, in any case, separated by
commas or with the parameter repeated. Anything else — an unknown parameter, another one
repeated, an empty or malformed value, a code that does not exist, a number out of bounds — is a
400 that names the parameter.

The filters' parameters are read from the FilterSet the list page uses, so a filter added there
is declared and checked here without another list to keep in step.
"""

import datetime
import re
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from typing import Any

import django_filters
from django.db import DatabaseError
from django.db.models import QuerySet
from django.http import Http404
from django.utils import timezone
from drf_spectacular.utils import OpenApiParameter
from rest_framework.exceptions import ValidationError
from rest_framework.renderers import BaseRenderer
from rest_framework.request import Request
from rest_framework.views import APIView

from recommendations.filters import AnyOfFilter

DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
INTEGER = re.compile(r"[0-9]+")
BAD_DATE = "Enter a real date as YYYY-MM-DD, for example 2024-04-30."
# Free text is bounded, and may not hold NUL, which PostgreSQL refuses in any text.
TEXT_LIMIT = 200
TEXT_PATTERN = "^[^\\x00]*$"


@dataclass(frozen=True)
class Parameter:
    name: str
    kind: str  # "integer", "date", "string" or "code"
    description: str = ""
    minimum: int | None = None
    maximum: int | None = None
    codes: Callable[[], Iterable[str]] | None = None  # read when asked: the data's own codes
    # A model's codes are checked by its filter, which looks the code up anyway: checking here
    # too would cost a query per request.
    checked_by_filter: bool = False
    # Any of several codes, in any case: comma-separated in one value, or the parameter repeated.
    multiple: bool = False

    def schema(self) -> dict:
        if self.kind == "integer":
            schema: dict = {"type": "integer", "minimum": self.minimum}
            if self.maximum is not None:
                schema["maximum"] = self.maximum
            return schema
        if self.kind == "date":
            return {"type": "string", "format": "date"}
        if self.kind == "code" and self.codes is not None:
            try:
                codes = sorted(self.codes())
            except DatabaseError:
                # A schema written without a database (`manage.py spectacular` before
                # `migrate`) cannot list the codes; it still says they are strings.
                codes = None
            if not self.multiple:
                return {"type": "string"} if codes is None else {"type": "string", "enum": codes}
            item = {"type": "string"} if codes is None else codes_in_any_case(codes)
            return {"type": "array", "items": item}
        return {"type": "string", "maxLength": TEXT_LIMIT, "pattern": TEXT_PATTERN}

    def openapi(self) -> OpenApiParameter:
        if not self.multiple:
            return OpenApiParameter(self.name, type=self.schema(), description=self.description)
        label = self.description.strip()
        if label and not label.endswith((".", "?", "!", ")")):
            label += "."
        try:
            codes = f" Codes: {', '.join(sorted(self.codes()))}." if self.codes else ""
        except DatabaseError:
            codes = ""  # a schema written before `migrate`, as in schema()
        description = (
            f"{label}{codes} Any of several codes, in any case: separated by commas "
            f"(`{self.name}=a,b`) or the parameter repeated (`{self.name}=a&{self.name}=b`)."
        ).strip()
        return OpenApiParameter(
            self.name, type=self.schema(), description=description, style="form", explode=True
        )

    def errors(self, values: list[str], *, thorough: bool = False) -> str | None:
        """What is wrong with the parameter given `values`, or None."""
        if len(values) > 1 and not self.multiple:
            return "Give this parameter once."
        for value in values:
            if (message := self.error(value, thorough=thorough)) is not None:
                return message
        return None

    def error(self, value: str, *, thorough: bool = False) -> str | None:
        """What is wrong with `value`, or None; `thorough` checks model codes here too."""
        if self.kind == "integer":
            if not INTEGER.fullmatch(value):
                return "Enter a whole number."
            number = int(value)
            if self.minimum is not None and number < self.minimum:
                return f"Enter a number of at least {self.minimum}."
            if self.maximum is not None and number > self.maximum:
                return f"Enter a number of at most {self.maximum}."
            return None
        if self.kind == "date":
            return None if parse_date(value) else BAD_DATE
        if self.kind == "code" and self.codes is not None:
            if value == "":
                return "Give one of the codes, or leave the parameter out."
            if self.multiple:
                return self._codes_error(value.split(","), thorough=thorough)
            if self.checked_by_filter and not thorough:
                return None
            codes = set(self.codes())
            if value not in codes:
                return f"“{value}” is not one of the codes: {', '.join(sorted(codes))}."
            return None
        if len(value) > TEXT_LIMIT:
            return f"Enter at most {TEXT_LIMIT} characters."
        if "\x00" in value:
            return "The text may not contain NUL characters."
        return None

    def _codes_error(self, pieces: list[str], *, thorough: bool) -> str | None:
        """What is wrong with the comma-separated `pieces`: an empty one, one padded with
        spaces, or (unless the filter checks them) one that is no code in any case."""
        if any(piece == "" for piece in pieces):
            return "Separate the codes by single commas, with none left empty."
        if any(piece != piece.strip() for piece in pieces):
            return "Write the codes without spaces around them."
        if self.checked_by_filter and not thorough:
            return None
        assert self.codes is not None  # a code parameter always has its codes
        codes = sorted(self.codes())
        known = {code.lower() for code in codes}
        unknown = [piece for piece in pieces if piece.lower() not in known]
        if unknown:
            return f"“{', '.join(unknown)}” is not one of the codes: {', '.join(codes)}."
        return None


def codes_in_any_case(codes: list[str]) -> dict:
    """The schema of one value of a many-code parameter: codes, each in any case, separated by
    commas. The pattern spells each letter both ways, since JSON Schema's patterns have no flag
    for case."""

    def letters(code: str) -> str:
        return "".join(
            f"[{char.lower()}{char.upper()}]"
            if char.lower() != char.upper()
            else (char if char.isalnum() or char in "_-" else "\\" + char)
            for char in code
        )

    one = "(?:" + "|".join(letters(code) for code in codes) + ")"
    return {"type": "string", "pattern": f"^{one}(?:,{one})*$"}


def parse_date(value: str) -> datetime.date | None:
    """A date written as YYYY-MM-DD, as OpenAPI's "date" format has it, or None."""
    if not DATE.fullmatch(value):
        return None
    try:
        return datetime.date.fromisoformat(value)
    except ValueError:
        return None


PAGE = Parameter("page", "integer", "The page of results, from 1.", minimum=1)
PAGE_SIZE = Parameter(
    "page_size", "integer", "Results per page (default 50).", minimum=1, maximum=200
)
AS_OF = Parameter(
    "as_of",
    "date",
    "Statuses and each side's response as they stood at the end of this day (YYYY-MM-DD), read "
    "from the recorded history; a day still to come gives today's. Items added after that day "
    "are left out. The other filters select by present values, as on the list page.",
)


def as_of_date(value: str) -> datetime.date:
    """The as-of day a valid `as_of` asks for: a day to come has no history yet, so today."""
    day = parse_date(value)
    if day is None:
        raise ValidationError({"as_of": [BAD_DATE]})
    return min(day, timezone.localdate())


def _codes(queryset: QuerySet[Any], field: str) -> Callable[[], list[str]]:
    return lambda: [str(code) for code in queryset.all().values_list(field, flat=True)]


def from_filter(name: str, declared: django_filters.Filter) -> Parameter:
    """A filter of the list page as an API parameter: its choices or model codes as the enum."""
    description = str(declared.extra.get("help_text") or declared.label or "")
    multiple = isinstance(declared, AnyOfFilter)
    if isinstance(declared, django_filters.ModelChoiceFilter):
        field = declared.extra.get("to_field_name") or "pk"
        codes = _codes(declared.queryset, field)
        return Parameter(
            name, "code", description, codes=codes, checked_by_filter=True, multiple=multiple
        )
    if isinstance(declared, django_filters.ChoiceFilter):
        choices = [str(value) for value, _label in declared.extra["choices"]]
        return Parameter(name, "code", description, codes=lambda: choices, multiple=multiple)
    if isinstance(declared, django_filters.DateFilter):
        return Parameter(name, "date", description)
    return Parameter(name, "string", description)


def declared_parameters(view: APIView) -> list[Parameter]:
    """The query parameters `view` accepts for its current action."""
    action = getattr(view, "action", None)
    parameters = list(getattr(view, "query_parameters", {}).get(action, []))
    if action == "list":
        if getattr(view, "pagination_class", None) is not None:
            parameters += [PAGE, PAGE_SIZE]
        filterset = getattr(view, "filterset_class", None)
        if filterset is not None:
            parameters += [from_filter(n, f) for n, f in filterset.base_filters.items()]
    return parameters


class DeclaredParametersMixin(APIView):
    """Refuses, with a 400 naming each parameter, any query the schema does not allow."""

    # Parameters beyond pagination and filters, by action: {"list": [AS_OF], ...}.
    query_parameters: dict[str, list[Parameter]] = {}

    def perform_content_negotiation(
        self, request: Request, force: bool = False
    ) -> tuple[BaseRenderer, str]:
        """An unknown `format` is the caller's error, said as a 400 that names it, not a 404."""
        try:
            return super().perform_content_negotiation(request, force)
        except Http404:
            asked = request.query_params.get("format", "")
            raise ValidationError(
                {
                    "format": [
                        f"“{asked}” is not a format of this address, which answers in JSON; "
                        "the recommendations come as CSV from /api/recommendations.csv."
                    ]
                }
            ) from None

    def initial(self, request: Request, *args: Any, **kwargs: Any) -> None:
        super().initial(request, *args, **kwargs)
        if request.method not in ("GET", "HEAD"):
            return  # the reads are what the schema declares; others answer 405 as they are
        declared = {parameter.name: parameter for parameter in declared_parameters(self)}
        errors: dict[str, list[str]] = {}
        for name, values in request.query_params.lists():
            parameter = declared.get(name)
            if parameter is None:
                known = ", ".join(sorted(declared)) or "none"
                errors[name] = [f"Unknown parameter; this address takes: {known}."]
            elif (message := parameter.errors(values)) is not None:
                errors[name] = [message]
        if errors:
            # The request is refused anyway: name every bad code in the one answer, the ones
            # the filters would have found too.
            for name, values in request.query_params.lists():
                parameter = declared.get(name)
                if name in errors or parameter is None or not parameter.checked_by_filter:
                    continue
                if (message := parameter.errors(values, thorough=True)) is not None:
                    errors[name] = [message]
            raise ValidationError(errors)
