from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.account_change_in import AccountChangeIn
from ...models.account_out import AccountOut
from ...models.problem import Problem
from ...types import Response


def _get_kwargs(
    account_id: str,
    *,
    body: AccountChangeIn,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}

    _kwargs: dict[str, Any] = {
        "method": "patch",
        "url": "/v1/accounts/{account_id}".format(
            account_id=quote(str(account_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> AccountOut | Problem | None:
    if response.status_code == 200:
        response_200 = AccountOut.from_dict(response.json())

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
) -> Response[AccountOut | Problem]:
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
    body: AccountChangeIn,
) -> Response[AccountOut | Problem]:
    """Update Account

     Change the account's settings: only the fields given. Name, language, billing contacts and
    postal address apply at once; country/region and tax status from its next contract period
    (R13), shown meanwhile as `tax_change`. Each change is audited and told as account.updated
    (R22); a refusal says what to fix and changes nothing.

    Args:
        account_id (str):
        body (AccountChangeIn): What PATCH /v1/accounts/{id} changes: only the fields given (null
            clears postal_address and
            subdivision). Name, language, contacts and address apply at once; country, subdivision and
            tax_status from the account's next contract period (R13), shown meanwhile as tax_change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountOut | Problem]
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
    body: AccountChangeIn,
) -> AccountOut | Problem | None:
    """Update Account

     Change the account's settings: only the fields given. Name, language, billing contacts and
    postal address apply at once; country/region and tax status from its next contract period
    (R13), shown meanwhile as `tax_change`. Each change is audited and told as account.updated
    (R22); a refusal says what to fix and changes nothing.

    Args:
        account_id (str):
        body (AccountChangeIn): What PATCH /v1/accounts/{id} changes: only the fields given (null
            clears postal_address and
            subdivision). Name, language, contacts and address apply at once; country, subdivision and
            tax_status from the account's next contract period (R13), shown meanwhile as tax_change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountOut | Problem
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
    body: AccountChangeIn,
) -> Response[AccountOut | Problem]:
    """Update Account

     Change the account's settings: only the fields given. Name, language, billing contacts and
    postal address apply at once; country/region and tax status from its next contract period
    (R13), shown meanwhile as `tax_change`. Each change is audited and told as account.updated
    (R22); a refusal says what to fix and changes nothing.

    Args:
        account_id (str):
        body (AccountChangeIn): What PATCH /v1/accounts/{id} changes: only the fields given (null
            clears postal_address and
            subdivision). Name, language, contacts and address apply at once; country, subdivision and
            tax_status from the account's next contract period (R13), shown meanwhile as tax_change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[AccountOut | Problem]
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
    body: AccountChangeIn,
) -> AccountOut | Problem | None:
    """Update Account

     Change the account's settings: only the fields given. Name, language, billing contacts and
    postal address apply at once; country/region and tax status from its next contract period
    (R13), shown meanwhile as `tax_change`. Each change is audited and told as account.updated
    (R22); a refusal says what to fix and changes nothing.

    Args:
        account_id (str):
        body (AccountChangeIn): What PATCH /v1/accounts/{id} changes: only the fields given (null
            clears postal_address and
            subdivision). Name, language, contacts and address apply at once; country, subdivision and
            tax_status from the account's next contract period (R13), shown meanwhile as tax_change.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        AccountOut | Problem
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            client=client,
            body=body,
        )
    ).parsed
