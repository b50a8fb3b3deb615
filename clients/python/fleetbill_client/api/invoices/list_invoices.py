from http import HTTPStatus
from typing import Any

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.invoice_page import InvoicePage
from ...models.list_invoices_status_type_0 import ListInvoicesStatusType0
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    *,
    account_id: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
    status: ListInvoicesStatusType0 | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_account_id: None | str | Unset
    if isinstance(account_id, Unset):
        json_account_id = UNSET
    else:
        json_account_id = account_id
    params["account_id"] = json_account_id

    json_month: None | str | Unset
    if isinstance(month, Unset):
        json_month = UNSET
    else:
        json_month = month
    params["month"] = json_month

    json_status: None | str | Unset
    if isinstance(status, Unset):
        json_status = UNSET
    elif isinstance(status, ListInvoicesStatusType0):
        json_status = status.value
    else:
        json_status = status
    params["status"] = json_status

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
        "url": "/v1/invoices",
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> InvoicePage | Problem | None:
    if response.status_code == 200:
        response_200 = InvoicePage.from_dict(response.json())

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
) -> Response[InvoicePage | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    *,
    client: AuthenticatedClient,
    account_id: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
    status: ListInvoicesStatusType0 | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[InvoicePage | Problem]:
    """List Invoices

     Invoices of every account, newest first, a page at a time: a cursor, not an offset, so an
    invoice issued while paging neither repeats nor hides one.

    Args:
        account_id (None | str | Unset):
        month (None | str | Unset): The month billed, YYYY-MM (monthly invoices).
        status (ListInvoicesStatusType0 | None | Unset):
        cursor (None | str | Unset): `next_cursor` of the page before.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InvoicePage | Problem]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        month=month,
        status=status,
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
    account_id: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
    status: ListInvoicesStatusType0 | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> InvoicePage | Problem | None:
    """List Invoices

     Invoices of every account, newest first, a page at a time: a cursor, not an offset, so an
    invoice issued while paging neither repeats nor hides one.

    Args:
        account_id (None | str | Unset):
        month (None | str | Unset): The month billed, YYYY-MM (monthly invoices).
        status (ListInvoicesStatusType0 | None | Unset):
        cursor (None | str | Unset): `next_cursor` of the page before.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InvoicePage | Problem
    """

    return sync_detailed(
        client=client,
        account_id=account_id,
        month=month,
        status=status,
        cursor=cursor,
        limit=limit,
    ).parsed


async def asyncio_detailed(
    *,
    client: AuthenticatedClient,
    account_id: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
    status: ListInvoicesStatusType0 | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> Response[InvoicePage | Problem]:
    """List Invoices

     Invoices of every account, newest first, a page at a time: a cursor, not an offset, so an
    invoice issued while paging neither repeats nor hides one.

    Args:
        account_id (None | str | Unset):
        month (None | str | Unset): The month billed, YYYY-MM (monthly invoices).
        status (ListInvoicesStatusType0 | None | Unset):
        cursor (None | str | Unset): `next_cursor` of the page before.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[InvoicePage | Problem]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        month=month,
        status=status,
        cursor=cursor,
        limit=limit,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    *,
    client: AuthenticatedClient,
    account_id: None | str | Unset = UNSET,
    month: None | str | Unset = UNSET,
    status: ListInvoicesStatusType0 | None | Unset = UNSET,
    cursor: None | str | Unset = UNSET,
    limit: int | Unset = 100,
) -> InvoicePage | Problem | None:
    """List Invoices

     Invoices of every account, newest first, a page at a time: a cursor, not an offset, so an
    invoice issued while paging neither repeats nor hides one.

    Args:
        account_id (None | str | Unset):
        month (None | str | Unset): The month billed, YYYY-MM (monthly invoices).
        status (ListInvoicesStatusType0 | None | Unset):
        cursor (None | str | Unset): `next_cursor` of the page before.
        limit (int | Unset):  Default: 100.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        InvoicePage | Problem
    """

    return (
        await asyncio_detailed(
            client=client,
            account_id=account_id,
            month=month,
            status=status,
            cursor=cursor,
            limit=limit,
        )
    ).parsed
