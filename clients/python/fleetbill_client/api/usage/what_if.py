from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.what_if_in import WhatIfIn
from ...models.what_if_out import WhatIfOut
from ...types import Response


def _get_kwargs(
    account_id: str,
    *,
    body: WhatIfIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/accounts/{account_id}/what-if".format(
            account_id=quote(str(account_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Problem | WhatIfOut | None:
    if response.status_code == 200:
        response_200 = WhatIfOut.from_dict(response.json())

        return response_200

    if response.status_code == 400:
        response_400 = Problem.from_dict(response.json())

        return response_400

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[Problem | WhatIfOut]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient,
    body: WhatIfIn,
) -> Response[Problem | WhatIfOut]:
    """What If

     R25: before anything is changed, this month's and next month's bills as things stand and
    with the planned switches (each at an instant from now to the end of next month) and plan
    change, each priced as the close would make it (R5 peak, R7 tiers, R10 the plan held at the
    month's end, R12 tax, R16 points), and the difference. Nothing is written: a read-only key
    may call it, and no Idempotency-Key is needed. 404 for an unknown account; 422 for an
    unknown device or plan or an instant outside now..end of next month; 409 for a month
    already closed, a plan change that would be refused, or a plan counting distinct devices.

    Args:
        account_id (str):
        body (WhatIfIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WhatIfOut]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        body=body,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    account_id: str,
    *,
    client: AuthenticatedClient,
    body: WhatIfIn,
) -> Problem | WhatIfOut | None:
    """What If

     R25: before anything is changed, this month's and next month's bills as things stand and
    with the planned switches (each at an instant from now to the end of next month) and plan
    change, each priced as the close would make it (R5 peak, R7 tiers, R10 the plan held at the
    month's end, R12 tax, R16 points), and the difference. Nothing is written: a read-only key
    may call it, and no Idempotency-Key is needed. 404 for an unknown account; 422 for an
    unknown device or plan or an instant outside now..end of next month; 409 for a month
    already closed, a plan change that would be refused, or a plan counting distinct devices.

    Args:
        account_id (str):
        body (WhatIfIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WhatIfOut
    """

    return sync_detailed(
        account_id=account_id,
        client=client,
        body=body,
    ).parsed


async def asyncio_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient,
    body: WhatIfIn,
) -> Response[Problem | WhatIfOut]:
    """What If

     R25: before anything is changed, this month's and next month's bills as things stand and
    with the planned switches (each at an instant from now to the end of next month) and plan
    change, each priced as the close would make it (R5 peak, R7 tiers, R10 the plan held at the
    month's end, R12 tax, R16 points), and the difference. Nothing is written: a read-only key
    may call it, and no Idempotency-Key is needed. 404 for an unknown account; 422 for an
    unknown device or plan or an instant outside now..end of next month; 409 for a month
    already closed, a plan change that would be refused, or a plan counting distinct devices.

    Args:
        account_id (str):
        body (WhatIfIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | WhatIfOut]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        body=body,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    account_id: str,
    *,
    client: AuthenticatedClient,
    body: WhatIfIn,
) -> Problem | WhatIfOut | None:
    """What If

     R25: before anything is changed, this month's and next month's bills as things stand and
    with the planned switches (each at an instant from now to the end of next month) and plan
    change, each priced as the close would make it (R5 peak, R7 tiers, R10 the plan held at the
    month's end, R12 tax, R16 points), and the difference. Nothing is written: a read-only key
    may call it, and no Idempotency-Key is needed. 404 for an unknown account; 422 for an
    unknown device or plan or an instant outside now..end of next month; 409 for a month
    already closed, a plan change that would be refused, or a plan counting distinct devices.

    Args:
        account_id (str):
        body (WhatIfIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | WhatIfOut
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            client=client,
            body=body,
        )
    ).parsed
