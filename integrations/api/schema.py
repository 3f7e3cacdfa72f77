"""drf-spectacular post-processing: the one error shape, documented on every operation."""

ERROR_SCHEMA = {
    "type": "object",
    "required": ["error"],
    "properties": {
        "error": {
            "type": "object",
            "required": ["code", "message"],
            "properties": {
                "code": {"type": "string", "example": "order_invalid"},
                "message": {"type": "string"},
                "fields": {"type": "object", "additionalProperties": {"type": "array", "items": {"type": "string"}},
                           "description": "Messages per field; nested fields as `lines[0].quantity`."},
                "details": {"type": "object", "additionalProperties": True},
            },
        }
    },
}

COMMON = {
    "401": "No token, or a token that is unknown or revoked.",
    "403": "The client lacks the scope this operation needs.",
    "429": "Over the client's rate limit; see Retry-After.",
}
WRITE = {
    "400": "The request is malformed: see `fields`.",
    "409": "The request conflicts with the current state (e.g. the order can no longer be cancelled).",
    "422": "A business rule refused the request (e.g. unknown SKU, pack size): see `fields`.",
}


def add_error_responses(result, generator, request, public):
    result.setdefault("components", {}).setdefault("schemas", {})["Error"] = ERROR_SCHEMA
    ref = {"application/json": {"schema": {"$ref": "#/components/schemas/Error"}}}
    for path, operations in result.get("paths", {}).items():
        for method, operation in operations.items():
            if not isinstance(operation, dict) or "responses" not in operation:
                continue
            errors = dict(COMMON)
            if method == "get":
                errors["400"] = "A filter value is not valid: see `fields`."
            else:
                errors.update(WRITE)
            if "{" in path:
                errors["404"] = "No such object."
            for code, description in errors.items():
                operation["responses"].setdefault(code, {"description": description, "content": ref})
    return result
