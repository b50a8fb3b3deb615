from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.device_out import DeviceOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    account_id: str,
    *,
    device_type_id: None | str | Unset = UNSET,
    active: bool | None | Unset = UNSET,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    starting_after: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_device_type_id: None | str | Unset
    if isinstance(device_type_id, Unset):
        json_device_type_id = UNSET
    else:
        json_device_type_id = device_type_id
    params["device_type_id"] = json_device_type_id

    json_active: bool | None | Unset
    if isinstance(active, Unset):
        json_active = UNSET
    else:
        json_active = active
    params["active"] = json_active

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
        "url": "/v1/accounts/{account_id}/devices".format(
            account_id=quote(str(account_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Problem | list[DeviceOut] | None:
    if response.status_code == 200:
        response_200 = []
        _response_200 = response.json()
        for response_200_item_data in _response_200:
            response_200_item = DeviceOut.from_dict(response_200_item_data)

            response_200.append(response_200_item)

        return response_200

    if response.status_code == 401:
        response_401 = Problem.from_dict(response.json())

        return response_401

    if response.status_code == 404:
        response_404 = Problem.from_dict(response.json())

        return response_404

    if response.status_code == 422:
        response_422 = Problem.from_dict(response.json())

        return response_422

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> Response[Problem | list[DeviceOut]]:
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
    device_type_id: None | str | Unset = UNSET,
    active: bool | None | Unset = UNSET,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    starting_after: None | str | Unset = UNSET,
) -> Response[Problem | list[DeviceOut]]:
    """List Devices

     R21: the account's devices in the order they were registered (then name, id), filtered.

    Args:
        account_id (str):
        device_type_id (None | str | Unset):
        active (bool | None | Unset):
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
        Response[Problem | list[DeviceOut]]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        device_type_id=device_type_id,
        active=active,
        limit=limit,
        offset=offset,
        starting_after=starting_after,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    account_id: str,
    *,
    client: AuthenticatedClient,
    device_type_id: None | str | Unset = UNSET,
    active: bool | None | Unset = UNSET,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    starting_after: None | str | Unset = UNSET,
) -> Problem | list[DeviceOut] | None:
    """List Devices

     R21: the account's devices in the order they were registered (then name, id), filtered.

    Args:
        account_id (str):
        device_type_id (None | str | Unset):
        active (bool | None | Unset):
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
        Problem | list[DeviceOut]
    """

    return sync_detailed(
        account_id=account_id,
        client=client,
        device_type_id=device_type_id,
        active=active,
        limit=limit,
        offset=offset,
        starting_after=starting_after,
    ).parsed


async def asyncio_detailed(
    account_id: str,
    *,
    client: AuthenticatedClient,
    device_type_id: None | str | Unset = UNSET,
    active: bool | None | Unset = UNSET,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    starting_after: None | str | Unset = UNSET,
) -> Response[Problem | list[DeviceOut]]:
    """List Devices

     R21: the account's devices in the order they were registered (then name, id), filtered.

    Args:
        account_id (str):
        device_type_id (None | str | Unset):
        active (bool | None | Unset):
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
        Response[Problem | list[DeviceOut]]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        device_type_id=device_type_id,
        active=active,
        limit=limit,
        offset=offset,
        starting_after=starting_after,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    account_id: str,
    *,
    client: AuthenticatedClient,
    device_type_id: None | str | Unset = UNSET,
    active: bool | None | Unset = UNSET,
    limit: int | Unset = 100,
    offset: int | Unset = 0,
    starting_after: None | str | Unset = UNSET,
) -> Problem | list[DeviceOut] | None:
    """List Devices

     R21: the account's devices in the order they were registered (then name, id), filtered.

    Args:
        account_id (str):
        device_type_id (None | str | Unset):
        active (bool | None | Unset):
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
        Problem | list[DeviceOut]
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            client=client,
            device_type_id=device_type_id,
            active=active,
            limit=limit,
            offset=offset,
            starting_after=starting_after,
        )
    ).parsed
