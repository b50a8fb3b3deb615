"""Errors the core and the services raise; the API maps each to a 4xx problem response."""


class BillingError(Exception):
    """Base: a request that cannot be done as asked. `detail` says what to do instead."""

    status = 422
    title = "Unprocessable request"

    def __init__(self, detail: str):
        super().__init__(detail)
        self.detail = detail


class InvalidInput(BillingError):
    status = 422
    title = "Invalid input"


class NotFound(BillingError):
    status = 404
    title = "Not found"


class Conflict(BillingError):
    status = 409
    title = "Conflict with the current state"


class NotAllowed(BillingError):
    status = 405
    title = "Not allowed"
