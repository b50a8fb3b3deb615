from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.account_out import AccountOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    starting_after: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    params["limit"] = limit

    params["offset"] = offset

    json_starting_after: None | str | Unset
    if isinstance(starting_after, Unset):
        json_starting_after = UNSET
    else:
        json_starting_after = starting_after
    params["starting_after"] = json_starting_after

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/accounts",
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[AccountOut] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = AccountOut.from_dict(response_200_item_data)

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
) -> Response[Problem | list[AccountOut]]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    starting_after: None | str | Unset = UNSET,
) -> Response[Problem | list[AccountOut]]:
    """List Accounts

     Accounts in the order they were created (then id); the next page starts after the last id.

    Args:
        limit (int | Unset):  Default: 100.
        offset (int | Unset): Deprecated: skip this many (read and thrown away by the database).
            Use `starting_after`. Default: 0.
        starting_after (None | str | Unset): The id of the last item of the page before: the page
            after it, in the same order. The database seeks it in an index, however deep the page;
            prefer it to `offset`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[AccountOut]]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
        starting_after=starting_after,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    starting_after: None | str | Unset = UNSET,
) -> Problem | list[AccountOut] | None:
    """List Accounts

     Accounts in the order they were created (then id); the next page starts after the last id.

    Args:
        limit (int | Unset):  Default: 100.
        offset (int | Unset): Deprecated: skip this many (read and thrown away by the database).
            Use `starting_after`. Default: 0.
        starting_after (None | str | Unset): The id of the last item of the page before: the page
            after it, in the same order. The database seeks it in an index, however deep the page;
            prefer it to `offset`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[AccountOut]
    """

    return sync_detailed(
        client=client,
        limit=limit,
        offset=offset,
        starting_after=starting_after,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    starting_after: None | str | Unset = UNSET,
) -> Response[Problem | list[AccountOut]]:
    """List Accounts

     Accounts in the order they were created (then id); the next page starts after the last id.

    Args:
        limit (int | Unset):  Default: 100.
        offset (int | Unset): Deprecated: skip this many (read and thrown away by the database).
            Use `starting_after`. Default: 0.
        starting_after (None | str | Unset): The id of the last item of the page before: the page
            after it, in the same order. The database seeks it in an index, however deep the page;
            prefer it to `offset`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[Problem | list[AccountOut]]
    """

    kwargs = _get_kwargs(
        limit=limit,
        offset=offset,
        starting_after=starting_after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    starting_after: None | str | Unset = UNSET,
) -> Problem | list[AccountOut] | None:
    """List Accounts

     Accounts in the order they were created (then id); the next page starts after the last id.

    Args:
        limit (int | Unset):  Default: 100.
        offset (int | Unset): Deprecated: skip this many (read and thrown away by the database).
            Use `starting_after`. Default: 0.
        starting_after (None | str | Unset): The id of the last item of the page before: the page
            after it, in the same order. The database seeks it in an index, however deep the page;
            prefer it to `offset`.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Problem | list[AccountOut]
    """

    return (
        await asyncio_detailed(
            client=client,
            limit=limit,
            offset=offset,
            starting_after=starting_after,
        )
    ).parsed
