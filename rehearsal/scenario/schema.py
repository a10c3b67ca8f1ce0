"""The JSON Schema of the scenario format, for editors (yaml-language-server) and other tools.

Generated from the models, so it cannot drift from what the loader accepts; the copy in
docs/scenario.schema.json is checked by a test to be current.
"""

from __future__ import annotations

import json

from rehearsal.scenario.model import Scenario

SCHEMA_DIALECT = "https://json-schema.org/draft/2020-12/schema"
# Built-in scenarios sit in scenarios/, beside docs/ in a checkout.
MODELINE = "# yaml-language-server: $schema=../docs/scenario.schema.json"


def json_schema() -> dict:
    schema = Scenario.model_json_schema()
    return {
        "$schema": SCHEMA_DIALECT,
        "title": "rehearsal scenario",
        "description": (
            "A practice phone call for rehearsal: who the learner calls, what the manager says, "
            "and how the call branches on the learner's replies. See docs/scenarios.md."
        ),
        **{k: v for k, v in schema.items() if k not in ("title", "description")},
    }


def json_schema_text() -> str:
    return json.dumps(json_schema(), indent=2, ensure_ascii=False) + "\n"
