from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.budget_in import BudgetIn
from ...models.budget_out import BudgetOut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    account_id: str,
    *,
    body: BudgetIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "put",
        "url": "/v1/accounts/{account_id}/budget".format(
            account_id=quote(str(account_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> BudgetOut | Problem | None:
    if response.status_code == 200:
        response_200 = BudgetOut.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[BudgetOut | Problem]:
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
    body: BudgetIn,
) -> Response[BudgetOut | Problem]:
    """Put Budget

     R20: set (or, with null, remove) the account's monthly budget. The month's projection is
    checked against it at once: a threshold already reached is told now (email in the account's
    language, budget.threshold_reached), once per threshold and month. Told as account.updated.

    Args:
        account_id (str):
        body (BudgetIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BudgetOut | Problem]
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
    body: BudgetIn,
) -> BudgetOut | Problem | None:
    """Put Budget

     R20: set (or, with null, remove) the account's monthly budget. The month's projection is
    checked against it at once: a threshold already reached is told now (email in the account's
    language, budget.threshold_reached), once per threshold and month. Told as account.updated.

    Args:
        account_id (str):
        body (BudgetIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BudgetOut | Problem
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
    body: BudgetIn,
) -> Response[BudgetOut | Problem]:
    """Put Budget

     R20: set (or, with null, remove) the account's monthly budget. The month's projection is
    checked against it at once: a threshold already reached is told now (email in the account's
    language, budget.threshold_reached), once per threshold and month. Told as account.updated.

    Args:
        account_id (str):
        body (BudgetIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[BudgetOut | Problem]
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
    body: BudgetIn,
) -> BudgetOut | Problem | None:
    """Put Budget

     R20: set (or, with null, remove) the account's monthly budget. The month's projection is
    checked against it at once: a threshold already reached is told now (email in the account's
    language, budget.threshold_reached), once per threshold and month. Told as account.updated.

    Args:
        account_id (str):
        body (BudgetIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        BudgetOut | Problem
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            client=client,
            body=body,
        )
    ).parsed
