"""Read JSON request bodies strictly, so that no body makes the parser itself fail."""

from __future__ import annotations

import json
from typing import Any

import flask_smorest
from flask import Request
from flask.json.provider import DefaultJSONProvider
from webargs import core
from webargs.flaskparser import FlaskParser, is_json_request
from werkzeug.exceptions import BadRequest

MAX_DEPTH = 64  # Baton's deepest body (an import row inside its list) is 3 levels


class InvalidJson(ValueError):
    """A body that is not the strict JSON the API reads; `path` points at the offending value."""

    def __init__(self, message: str, path: str | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.path = path


def parse_json(data: bytes | str) -> Any:
    """Parse UTF-8 JSON with finite numbers, no lone surrogates and at most MAX_DEPTH levels."""
    try:
        text = data.decode("utf-8-sig") if isinstance(data, bytes) else data
        value = json.loads(text, parse_constant=_refuse_constant)
    except UnicodeDecodeError:
        raise InvalidJson("The body is not UTF-8 text.") from None
    except RecursionError:
        raise InvalidJson(f"The JSON is nested more than {MAX_DEPTH} levels deep.") from None
    except json.JSONDecodeError as error:
        raise InvalidJson(
            f"The body is not valid JSON: {error.msg} (line {error.lineno}, column {error.colno})."
        ) from None
    except ValueError:
        # Python refuses to convert integers of more than 4,300 digits (CVE-2020-10735).
        raise InvalidJson("A number in the JSON has too many digits.") from None
    _check_tree(value)
    return value


def _refuse_constant(name: str) -> float:
    raise InvalidJson(f"{name} is not a JSON number.")


def _check_tree(value: Any) -> None:
    """Walk the parsed value without recursion: refuse deep nesting and lone surrogates."""
    stack: list[tuple[Any, str, int]] = [(value, "", 1)]
    while stack:
        node, path, depth = stack.pop()
        if depth > MAX_DEPTH and isinstance(node, (dict, list)):
            raise InvalidJson(f"The JSON is nested more than {MAX_DEPTH} levels deep.", path)
        if isinstance(node, str):
            if _has_surrogate(node):
                raise InvalidJson(
                    "A string holds a lone UTF-16 surrogate (such as \\ud800), "
                    "which is not a Unicode character.",
                    path or "/",
                )
        elif isinstance(node, dict):
            for key, item in node.items():
                if _has_surrogate(key):
                    raise InvalidJson("An object key holds a lone UTF-16 surrogate.", path or "/")
                stack.append((item, f"{path}/{_pointer(key)}", depth + 1))
        elif isinstance(node, list):
            stack.extend((item, f"{path}/{index}", depth + 1) for index, item in enumerate(node))


def _has_surrogate(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return True
    return False


def _pointer(key: str) -> str:
    return key.replace("~", "~0").replace("/", "~1")


def bad_json(error: InvalidJson) -> BadRequest:
    """Return the 400 `bad_request` that the error switch renders for an unreadable body."""
    refusal = BadRequest(description=error.message)
    refusal.data = {"details": {"path": error.path}} if error.path else {}
    return refusal


def json_body(request: Request) -> Any:
    """Return the request's JSON body parsed strictly, or raise the 400 for it."""
    try:
        return parse_json(request.get_data(cache=True))
    except InvalidJson as error:
        raise bad_json(error) from None


class StrictJSONProvider(DefaultJSONProvider):
    """Flask's JSON with strict loading, so `request.get_json()` answers 400, never 500."""

    def loads(self, s: str | bytes, **kwargs: Any) -> Any:
        return parse_json(s)


class StrictParser(FlaskParser):
    """webargs reading JSON bodies through `parse_json`."""

    def _raw_load_json(self, req: Request) -> Any:
        if not is_json_request(req):
            return core.missing
        data = req.get_data(cache=True)
        if not data:
            return core.missing
        try:
            return parse_json(data)
        except InvalidJson as error:
            raise bad_json(error) from None


class Blueprint(flask_smorest.Blueprint):
    """flask-smorest's blueprint with the strict JSON parser."""

    ARGUMENTS_PARSER = StrictParser()
