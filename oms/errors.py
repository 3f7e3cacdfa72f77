"""The domain error every service raises for a broken business rule.

Views map it to a form error (`oms.forms.DomainErrorForm`) or, if it escapes, a message (`oms.middleware`);
the API maps it to a JSON error with 409/422. A user mistake never becomes a bare 500."""


class DomainError(Exception):
    code = "domain_error"
    http_status = 409

    def __init__(self, message, *, code=None, field=None, extra=None):
        super().__init__(str(message))
        self.message = message
        if code:
            self.code = code
        self.field = field
        self.extra = extra or {}

    def as_dict(self):
        data = {"code": self.code, "message": str(self.message)}
        if self.field:
            data["field"] = self.field
        if self.extra:
            data["extra"] = self.extra
        return data


class PermissionDeniedError(DomainError):
    code = "permission_denied"
    http_status = 403


class ValidationFailed(DomainError):
    code = "invalid"
    http_status = 422
