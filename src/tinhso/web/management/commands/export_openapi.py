"""Print the API's OpenAPI document (committed as docs/openapi.json, checked for drift)."""

import json
from typing import Any

from django.core.management.base import BaseCommand

from tinhso.config.api import api


def openapi_text() -> str:
    schema = api.get_openapi_schema(path_prefix="/api/v1")
    return json.dumps(schema, ensure_ascii=False, indent=2, sort_keys=True) + "\n"


class Command(BaseCommand):
    help = "Print the OpenAPI document of /api/v1."

    def handle(self, *args: Any, **options: Any) -> None:
        self.stdout.write(openapi_text(), ending="")
