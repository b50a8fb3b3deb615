from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.problem import Problem
from ...models.sandbox_charge_out import SandboxChargeOut
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    customer: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_customer: None | str | Unset
    if isinstance(customer, Unset):
        json_customer = UNSET
    else:
        json_customer = customer
    params["customer"] = json_customer

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/sandbox/charges",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[SandboxChargeOut] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = SandboxChargeOut.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | list[SandboxChargeOut]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    customer: None | str | Unset = UNSET,
) -> Response[Problem | list[SandboxChargeOut]]:
    """List Charges

     The charges the sandbox made (money a real gateway would have taken), oldest first: one per
    idempotency key however often it was asked, none for a decline or a timeout before charging.

    Args:
        customer (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[SandboxChargeOut]]
    """

    kwargs = _get_kwargs(
        customer=customer,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    customer: None | str | Unset = UNSET,
) -> Problem | list[SandboxChargeOut] | None:
    """List Charges

     The charges the sandbox made (money a real gateway would have taken), oldest first: one per
    idempotency key however often it was asked, none for a decline or a timeout before charging.

    Args:
        customer (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[SandboxChargeOut]
    """

    return sync_detailed(
        client=client,
        customer=customer,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    customer: None | str | Unset = UNSET,
) -> Response[Problem | list[SandboxChargeOut]]:
    """List Charges

     The charges the sandbox made (money a real gateway would have taken), oldest first: one per
    idempotency key however often it was asked, none for a decline or a timeout before charging.

    Args:
        customer (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[SandboxChargeOut]]
    """

    kwargs = _get_kwargs(
        customer=customer,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    customer: None | str | Unset = UNSET,
) -> Problem | list[SandboxChargeOut] | None:
    """List Charges

     The charges the sandbox made (money a real gateway would have taken), oldest first: one per
    idempotency key however often it was asked, none for a decline or a timeout before charging.

    Args:
        customer (None | str | Unset):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[SandboxChargeOut]
    """

    return (
        await asyncio_detailed(
            client=client,
            customer=customer,
        )
    ).parsed
