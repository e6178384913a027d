"""The JSON Schema ``cxsim schema`` prints: pydantic's, with each tagged union made so editors name the wrong key.

Pydantic writes a tagged union (a touchpoint's ``kind``, a response's ``effect``, a distribution's
``dist``, a trigger's ``on``, a failure's ``kind``) as a ``oneOf`` with an OpenAPI
``discriminator``. Most JSON Schema validators ignore the discriminator and try every branch,
so one wrong key inside a response came out as "is not valid under any of the schemas listed in
the 'oneOf' keyword" over the whole table (taplo, the engine of VS Code's Even Better TOML), or
as the error of another branch ("'acknowledge' was expected" for ``via = "push"`` in a notify
response, check-jsonschema). Here each such union becomes the tag's allowed values plus one
``if`` (the tag is this value) / ``then`` (the branch's table) per branch: a validator checks only
the branch the file chose and reports its error at the key (``via``: "'push' is not one of
['email', 'sms', 'app']"). The ``discriminator`` stays, for OpenAPI tools that read it.
"""

from __future__ import annotations

import json
from typing import Any

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"  # what pydantic writes (prefixItems, $defs)


# The name each union gets in ``$defs`` (it is written once and referred to from every key that takes it).
UNION_NAMES = {"dist": "Distribution", "effect": "Response", "on": "Trigger"}


def union_name(tag: str, values: list[str]) -> str:
    """The ``$defs`` name of the union tagged by ``tag`` with these values ('Distribution', 'Touchpoint', ...)."""
    if tag in UNION_NAMES:
        return UNION_NAMES[tag]
    if tag == "kind":
        return "Touchpoint" if "staffed" in values else "Failure" if "scheduled" in values else "Kind"
    return tag.capitalize()


def tagged_union(node: dict[str, Any]) -> tuple[str, dict[str, Any]]:
    """A ``oneOf`` + ``discriminator`` node as (its name, the tag's enum and one if/then per branch)."""
    discriminator = node["discriminator"]
    tag = discriminator["propertyName"]
    by_ref = {ref: value for value, ref in discriminator["mapping"].items()}
    values = [by_ref[branch["$ref"]] for branch in node["oneOf"]]  # the models' order, as the format reference lists them
    return union_name(tag, values), {
        "type": "object",
        "required": [tag],
        "properties": {tag: {"enum": values, "description": f"Which kind of table this is: {', '.join(values)}."}},
        "allOf": [
            {"if": {"properties": {tag: {"const": value}}, "required": [tag]}, "then": {"$ref": discriminator["mapping"][value]}}
            for value in values
        ],
        "discriminator": discriminator,
    }


def with_branches(node: Any, unions: dict[str, dict[str, Any]]) -> Any:
    """``node`` with every tagged union in it replaced by a reference to its rewritten form, added to ``unions``.

    The keys beside the union at each place (its description, title and default) stay there.
    A new structure: the input is untouched.
    """
    if isinstance(node, list):
        return [with_branches(item, unions) for item in node]
    if not isinstance(node, dict):
        return node
    walked = {key: with_branches(value, unions) for key, value in node.items()}
    if "discriminator" in walked and "oneOf" in walked and all("$ref" in b for b in walked["oneOf"]):
        name, union = tagged_union(walked)
        if unions.setdefault(name, union) != union:  # pragma: no cover - two different unions under one name
            raise ValueError(f"two different tagged unions would both be called {name}")
        rest = {k: v for k, v in walked.items() if k not in ("oneOf", "discriminator")}
        return {**rest, "$ref": f"#/$defs/{name}"}
    return walked


def scenario_json_schema() -> dict[str, Any]:
    """The scenario format's JSON Schema, as editors and validators read it."""
    from sim.scenario.schema import Scenario

    unions: dict[str, dict[str, Any]] = {}
    schema = with_branches(Scenario.model_json_schema(), unions)
    schema["$defs"] = dict(sorted({**schema["$defs"], **unions}.items()))
    return {"$schema": SCHEMA_DIALECT, **schema}


def schema_text() -> str:
    """The schema as the committed scenarios/scenario.schema.json holds it."""
    return json.dumps(scenario_json_schema(), indent=2) + "\n"
