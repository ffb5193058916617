"""The language of what people read through the gateway: Simplified Chinese (zh-CN) unless the request asks for
English (`Accept-Language`), for problem titles, details and field messages, `*_label` fields, report columns and
the names of built-in roles, permissions and accounts. The texts are in `messages.toml` and `labels.toml`."""
import re
import string
import tomllib
from collections.abc import Mapping
from pathlib import Path

from flask import g, has_request_context, request
from marshmallow import fields

ZH, EN = "zh-CN", "en"
DEFAULT = ZH
_KEYS = {ZH: "zh", EN: "en"}
_HERE = Path(__file__).parent
_Q = re.compile(r"(?:0(?:\.[0-9]{0,3})?|1(?:\.0{0,3})?)\Z", re.ASCII)


def _load(name):
    with open(_HERE / name, "rb") as file:
        return tomllib.load(file)


_MESSAGES = _load("messages.toml")
PROBLEMS = _MESSAGES["problems"]
TITLES = _MESSAGES["titles"]
STATUS_TITLES = {int(status): text for status, text in _MESSAGES["status_titles"].items()}
FIELD_MESSAGES = _MESSAGES["fields"]
LABELS = _load("labels.toml")


# -- which language ------------------------------------------------------------------------------------
def _supported(tag):
    primary = tag.split("-", 1)[0]
    if primary == "en":
        return EN
    if primary in ("zh", "*"):
        return ZH  # zh-TW too: Simplified Chinese is the Chinese this platform writes
    return None


def negotiate(header):
    """The language of an answer to this `Accept-Language`: the supported one the client ranks highest (by q,
    then by order); zh-CN when the header is missing, unreadable or names nothing we speak."""
    best, best_q = None, 0.0
    for item in (header or "").split(","):
        tag, *params = (part.strip() for part in item.split(";"))
        q = 1.0
        for param in params:
            name, _, value = param.partition("=")
            if name.strip().lower() == "q":
                q = float(value.strip()) if _Q.match(value.strip()) else 0.0
        language = _supported(tag.lower()) if tag else None
        if language and q > best_q:
            best, best_q = language, q
    return best or DEFAULT


def current():
    """The current request's language (zh-CN outside a request)."""
    if not has_request_context():
        return DEFAULT
    if "language" not in g:
        g.language = negotiate(request.headers.get("Accept-Language"))
    return g.language


def register(app):
    @app.after_request
    def content_language(response):
        response.headers["Content-Language"] = current()
        response.vary.add("Accept-Language")
        return response


# -- labels and built-in names ------------------------------------------------------------------------
def label(vocabulary, value, language=None):
    """The label of a code in a vocabulary (`loan_status`, `permission`…), or None if it has none."""
    entry = LABELS.get(vocabulary, {}).get(str(value))
    return entry.get(_KEYS[language or current()]) if entry else None


def builtin_name(vocabulary, code, name, language=None):
    """A built-in role, permission or account keeps the name it was seeded with in Chinese, and reads in English
    on request; a name someone gave it (a custom role, a renamed built-in one) stays what they wrote."""
    entry = LABELS.get(vocabulary, {}).get(str(code))
    if (language or current()) == EN and entry and entry["zh"] == name:
        return entry["en"]
    return name


def columns(report, pairs, language=None):
    """A report's `[key, title]` columns with the titles in the request's language."""
    if (language or current()) == ZH:
        return pairs
    return [[key, label("column", f"{report}.{key}", EN) or title] for key, title in pairs]


def _get(obj, name):
    return obj.get(name) if isinstance(obj, Mapping) else getattr(obj, name, None)


class Label(fields.String):
    """A `*_label` the owning service writes in Chinese; in English, the catalogue's label for the code beside
    it (`of`), so the answer speaks one language."""

    def __init__(self, of, vocabulary, **kwargs):
        super().__init__(**kwargs)
        self.of, self.vocabulary = of, vocabulary

    def _serialize(self, value, attr, obj, **kwargs):
        if current() == EN:
            english = label(self.vocabulary, _get(obj, self.of), EN)
            if english is not None:
                return english
        return super()._serialize(value, attr, obj, **kwargs)


class BuiltinName(fields.String):
    """The `name` of a role, permission or account: see `builtin_name`."""

    def __init__(self, vocabulary, code="code", **kwargs):
        super().__init__(**kwargs)
        self.vocabulary, self.code = vocabulary, code

    def _serialize(self, value, attr, obj, **kwargs):
        value = super()._serialize(value, attr, obj, **kwargs)
        return builtin_name(self.vocabulary, _get(obj, self.code), value)


# -- field messages -----------------------------------------------------------------------------------
def _pattern(template):
    """`Length must be between {min} and {max}.` as a regular expression capturing min and max."""
    parts = re.split(r"\{(\w+)\}", template)
    return re.compile("".join(re.escape(part) if i % 2 == 0 else f"(?P<{part}>.+?)"
                              for i, part in enumerate(parts)) + r"\Z", re.DOTALL)


_EXACT = {english: chinese for english, chinese in FIELD_MESSAGES.items() if "{" not in english}
# the most literal text first, so "Must be greater than or equal to {min}." wins over "Must be {x}."
_PATTERNS = sorted(((_pattern(english), chinese, len(re.sub(r"\{\w+\}", "", english)))
                    for english, chinese in FIELD_MESSAGES.items() if "{" in english), key=lambda p: -p[2])


def _translated(message, depth=0):
    if message in _EXACT:
        return _EXACT[message]
    for pattern, chinese, _ in _PATTERNS:
        match = pattern.match(message)
        if match:
            values = {name: (_translated(value, depth + 1) if depth < 2 else None) or value
                      for name, value in match.groupdict().items()}
            return chinese.format(**values)
    return None


def field_message(message, language=None):
    """A field message (marshmallow's, webargs', a validator's) in the request's language; the services write
    them in English. A message the catalogue does not know is left as it is."""
    if (language or current()) == EN:
        return message
    return _translated(message) or message


# -- problems -----------------------------------------------------------------------------------------
class _Formatter(string.Formatter):
    """`{status:loan_status}` shows a code by its label; a list is joined (`{permissions:permission| 或 }`)."""

    def __init__(self, language):
        super().__init__()
        self.language = language

    def format_field(self, value, format_spec):
        vocabulary, bar, separator = format_spec.partition("|")
        if isinstance(value, (list, tuple)):
            separator = separator if bar else ("、" if self.language == ZH else ", ")
            return separator.join(self.format_field(item, vocabulary) for item in value)
        if vocabulary:
            return label(vocabulary, value, self.language) or str(value)
        return str(value)


def _candidates(code, reason, errors):
    """Catalogue entries for a problem, the most specific first: its `reason`, its one field, the code."""
    entry = PROBLEMS.get(code)
    if entry is None:
        return []
    found = []
    if reason and reason in entry.get("reasons", {}):
        found.append(entry["reasons"][reason])
    for field in errors:
        if field in entry.get("fields", {}):
            found.append(entry["fields"][field])
            break
    return found + [entry]


def _render(entry, key, values, formatter):
    """The first of an entry's texts whose placeholders the problem fills, or None."""
    texts = entry[key]
    for text in [texts] if isinstance(texts, str) else texts:
        try:
            return formatter.vformat(text, (), values), text
        except (KeyError, IndexError, AttributeError, ValueError):
            continue
    return None


def problem_text(code, status, title, detail, errors, extra, language=None):
    """The title, detail and field errors of a problem in the request's language: the catalogue's text for its
    code (placeholders filled from the extension members), else the service's English detail in English and the
    Chinese title with it in Chinese."""
    language = language or current()
    key = _KEYS[language]
    errors = errors or {}
    shown = {field: [field_message(str(m), language) for m in messages] for field, messages in errors.items()}
    values = dict(extra or {})
    if shown:
        colon, between = ("：", "；") if language == ZH else (": ", "; ")
        values["field_errors"] = between.join(f"{field}{colon}{' '.join(msgs)}" for field, msgs in shown.items())
        values["field_messages"] = between.join(" ".join(msgs) for msgs in shown.values())
    if len(shown) == 1:
        values["field"] = next(iter(shown))
    formatter = _Formatter(language)
    rendered = None
    for entry in _candidates(code, values.get("reason"), errors):
        if key not in entry:
            if language == EN:
                break  # the catalogue defers to the service's own words here
            continue
        rendered = _render(entry, key, values, formatter)
        if rendered:
            break
    title_shown = title if language == EN else TITLES.get(title) or STATUS_TITLES.get(status, "错误")
    if rendered is None:
        if language == EN:
            return title, detail or title, shown
        fallback = f"{title_shown}：{detail}" if detail and detail != title else title_shown
        return title_shown, fallback, shown
    text, template = rendered
    if language == ZH and "{field_errors}" not in template and "{field_messages}" not in template:
        # A field error raised with its own code says what the code says (field_error, a refusal's field).
        for field, messages in errors.items():
            for index, message in enumerate(messages):
                if shown[field][index] == message and detail in (message, f"{field}: {message}"):
                    shown[field][index] = text
    return title_shown, text, shown
