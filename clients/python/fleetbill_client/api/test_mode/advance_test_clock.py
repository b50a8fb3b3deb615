from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.test_clock_advance_in import TestClockAdvanceIn
from ...models.test_clock_advance_out import TestClockAdvanceOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    clock_id: str,
    *,
    body: TestClockAdvanceIn,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/test-clocks/{clock_id}/advance".format(
            clock_id=quote(str(clock_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | TestClockAdvanceOut | None:
    if response.status_code == 200:
        response_200 = TestClockAdvanceOut.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 403:
        response_403 = Problem.from_dict(response.json())

        return response_403

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 409:
        response_409 = Problem.from_dict(response.json())

        return response_409

    if response.status_code == 413:
        response_413 = Problem.from_dict(response.json())

        return response_413

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | TestClockAdvanceOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    clock_id: str,
    *,
    client: AuthenticatedClient,
    body: TestClockAdvanceIn,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | TestClockAdvanceOut]:
    """Advance Clock

     Move the clock forward to `frozen_time` (at most 366 days a call), running its accounts' due
    jobs (R15 close, R19 collection and suspension, bank-transfer reminders, card warnings, R16 point
    expiry) at every instant they fall due on the way; other clocks and the server's accounts are not
    touched. Then the events are published and the webhooks due are sent, as the worker would in the
    next few seconds. A 409 while the clock is advancing already.

    Args:
        clock_id (str):
        idempotency_key (str | Unset):
        body (TestClockAdvanceIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TestClockAdvanceOut]
    """

    kwargs = _get_kwargs(
        clock_id=clock_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    clock_id: str,
    *,
    client: AuthenticatedClient,
    body: TestClockAdvanceIn,
    idempotency_key: str | Unset = UNSET,
) -> Problem | TestClockAdvanceOut | None:
    """Advance Clock

     Move the clock forward to `frozen_time` (at most 366 days a call), running its accounts' due
    jobs (R15 close, R19 collection and suspension, bank-transfer reminders, card warnings, R16 point
    expiry) at every instant they fall due on the way; other clocks and the server's accounts are not
    touched. Then the events are published and the webhooks due are sent, as the worker would in the
    next few seconds. A 409 while the clock is advancing already.

    Args:
        clock_id (str):
        idempotency_key (str | Unset):
        body (TestClockAdvanceIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TestClockAdvanceOut
    """

    return sync_detailed(
        clock_id=clock_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    clock_id: str,
    *,
    client: AuthenticatedClient,
    body: TestClockAdvanceIn,
    idempotency_key: str | Unset = UNSET,
) -> Response[Problem | TestClockAdvanceOut]:
    """Advance Clock

     Move the clock forward to `frozen_time` (at most 366 days a call), running its accounts' due
    jobs (R15 close, R19 collection and suspension, bank-transfer reminders, card warnings, R16 point
    expiry) at every instant they fall due on the way; other clocks and the server's accounts are not
    touched. Then the events are published and the webhooks due are sent, as the worker would in the
    next few seconds. A 409 while the clock is advancing already.

    Args:
        clock_id (str):
        idempotency_key (str | Unset):
        body (TestClockAdvanceIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | TestClockAdvanceOut]
    """

    kwargs = _get_kwargs(
        clock_id=clock_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    clock_id: str,
    *,
    client: AuthenticatedClient,
    body: TestClockAdvanceIn,
    idempotency_key: str | Unset = UNSET,
) -> Problem | TestClockAdvanceOut | None:
    """Advance Clock

     Move the clock forward to `frozen_time` (at most 366 days a call), running its accounts' due
    jobs (R15 close, R19 collection and suspension, bank-transfer reminders, card warnings, R16 point
    expiry) at every instant they fall due on the way; other clocks and the server's accounts are not
    touched. Then the events are published and the webhooks due are sent, as the worker would in the
    next few seconds. A 409 while the clock is advancing already.

    Args:
        clock_id (str):
        idempotency_key (str | Unset):
        body (TestClockAdvanceIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | TestClockAdvanceOut
    """

    return (
        await asyncio_detailed(
            clock_id=clock_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
