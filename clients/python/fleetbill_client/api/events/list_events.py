import datetime
from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.event_page import EventPage
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    type_: list[str] | Unset = UNSET,
    account_id: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_type_: list[str] | Unset = UNSET
    if not isinstance(type_, Unset):
        json_type_ = type_

    params["type"] = json_type_

    json_account_id: None | str | Unset
    if isinstance(account_id, Unset):
        json_account_id = UNSET
    else:
        json_account_id = account_id
    params["account_id"] = json_account_id

    json_since: None | str | Unset
    if isinstance(since, Unset):
        json_since = UNSET
    elif isinstance(since, datetime.datetime):
        json_since = since.isoformat()
    else:
        json_since = since
    params["since"] = json_since

    json_until: None | str | Unset
    if isinstance(until, Unset):
        json_until = UNSET
    elif isinstance(until, datetime.datetime):
        json_until = until.isoformat()
    else:
        json_until = until
    params["until"] = json_until

    json_cursor: None | str | Unset
    if isinstance(cursor, Unset):
        json_cursor = UNSET
    else:
        json_cursor = cursor
    params["cursor"] = json_cursor

    params["limit"] = limit

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/events",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> EventPage | Problem | None:
    if response.status_code == 200:
        response_200 = EventPage.from_dict(response.json())

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


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[EventPage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    type_: list[str] | Unset = UNSET,
    account_id: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[EventPage | Problem]:
    """Events

     R22: published events in the order they were published, oldest first; kept 90 days
    (domain.events.RETENTION). Page with `cursor`; a reader that saves the last `next_cursor`
    sees every event once, however late its change committed.

    Args:
        type_ (list[str] | Unset): Only these types; repeat the parameter or separate with commas.
        account_id (None | str | Unset):
        since (datetime.datetime | None | Unset): Only events that occurred at or after this
            instant.
        until (datetime.datetime | None | Unset): Only events that occurred before this instant.
        cursor (None | str | Unset): `next_cursor` of the page before.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventPage | Problem]
    """

    kwargs = _get_kwargs(
        type_=type_,
        account_id=account_id,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    *,
    client: AuthenticatedClient,
    type_: list[str] | Unset = UNSET,
    account_id: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> EventPage | Problem | None:
    """Events

     R22: published events in the order they were published, oldest first; kept 90 days
    (domain.events.RETENTION). Page with `cursor`; a reader that saves the last `next_cursor`
    sees every event once, however late its change committed.

    Args:
        type_ (list[str] | Unset): Only these types; repeat the parameter or separate with commas.
        account_id (None | str | Unset):
        since (datetime.datetime | None | Unset): Only events that occurred at or after this
            instant.
        until (datetime.datetime | None | Unset): Only events that occurred before this instant.
        cursor (None | str | Unset): `next_cursor` of the page before.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventPage | Problem
    """

    return sync_detailed(
        client=client,
        type_=type_,
        account_id=account_id,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    type_: list[str] | Unset = UNSET,
    account_id: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[EventPage | Problem]:
    """Events

     R22: published events in the order they were published, oldest first; kept 90 days
    (domain.events.RETENTION). Page with `cursor`; a reader that saves the last `next_cursor`
    sees every event once, however late its change committed.

    Args:
        type_ (list[str] | Unset): Only these types; repeat the parameter or separate with commas.
        account_id (None | str | Unset):
        since (datetime.datetime | None | Unset): Only events that occurred at or after this
            instant.
        until (datetime.datetime | None | Unset): Only events that occurred before this instant.
        cursor (None | str | Unset): `next_cursor` of the page before.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[EventPage | Problem]
    """

    kwargs = _get_kwargs(
        type_=type_,
        account_id=account_id,
        since=since,
        until=until,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    type_: list[str] | Unset = UNSET,
    account_id: None | str | Unset = UNSET,
    since: datetime.datetime | None | Unset = UNSET,
    until: datetime.datetime | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> EventPage | Problem | None:
    """Events

     R22: published events in the order they were published, oldest first; kept 90 days
    (domain.events.RETENTION). Page with `cursor`; a reader that saves the last `next_cursor`
    sees every event once, however late its change committed.

    Args:
        type_ (list[str] | Unset): Only these types; repeat the parameter or separate with commas.
        account_id (None | str | Unset):
        since (datetime.datetime | None | Unset): Only events that occurred at or after this
            instant.
        until (datetime.datetime | None | Unset): Only events that occurred before this instant.
        cursor (None | str | Unset): `next_cursor` of the page before.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        EventPage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            type_=type_,
            account_id=account_id,
            since=since,
            until=until,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
