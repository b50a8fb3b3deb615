from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.month_peaks_out import MonthPeaksOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    account_id: str,
    month: str,
    *,
    device_type: None | str | Unset = UNSET,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_device_type: None | str | Unset
    if isinstance(device_type, Unset):
        json_device_type = UNSET
    else:
        json_device_type = device_type
    params["device_type"] = json_device_type

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/accounts/{account_id}/peaks/{month}".format(
            account_id=quote(str(account_id), safe=""),
            month=quote(str(month), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> MonthPeaksOut | Problem | None:
    if response.status_code == 200:
        response_200 = MonthPeaksOut.from_dict(response.json())

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
) -> Response[MonthPeaksOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    account_id: str,
    month: str,
    *,
    client: AuthenticatedClient,
    device_type: None | str | Unset = UNSET,
) -> Response[MonthPeaksOut | Problem]:
    """Get Month Peaks

     R5 explained: for each device type billed on its peak in `month` (a closed month's as its
    invoice billed it, the month in progress as it stands), the peak, the first instant it was
    reached and the devices Active then. 422 for a month not yet begun or a plan that counts
    distinct devices (R6); 404 for an unknown account.

    Args:
        account_id (str):
        month (str): The month, YYYY-MM, in the account's time zone.
        device_type (None | str | Unset): Only this device type.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MonthPeaksOut | Problem]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        month=month,
        device_type=device_type,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    account_id: str,
    month: str,
    *,
    client: AuthenticatedClient,
    device_type: None | str | Unset = UNSET,
) -> MonthPeaksOut | Problem | None:
    """Get Month Peaks

     R5 explained: for each device type billed on its peak in `month` (a closed month's as its
    invoice billed it, the month in progress as it stands), the peak, the first instant it was
    reached and the devices Active then. 422 for a month not yet begun or a plan that counts
    distinct devices (R6); 404 for an unknown account.

    Args:
        account_id (str):
        month (str): The month, YYYY-MM, in the account's time zone.
        device_type (None | str | Unset): Only this device type.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MonthPeaksOut | Problem
    """

    return sync_detailed(
        account_id=account_id,
        month=month,
        client=client,
        device_type=device_type,
    ).parsed


async def asyncio_detailed(
    account_id: str,
    month: str,
    *,
    client: AuthenticatedClient,
    device_type: None | str | Unset = UNSET,
) -> Response[MonthPeaksOut | Problem]:
    """Get Month Peaks

     R5 explained: for each device type billed on its peak in `month` (a closed month's as its
    invoice billed it, the month in progress as it stands), the peak, the first instant it was
    reached and the devices Active then. 422 for a month not yet begun or a plan that counts
    distinct devices (R6); 404 for an unknown account.

    Args:
        account_id (str):
        month (str): The month, YYYY-MM, in the account's time zone.
        device_type (None | str | Unset): Only this device type.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[MonthPeaksOut | Problem]
    """

    kwargs = _get_kwargs(
        account_id=account_id,
        month=month,
        device_type=device_type,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    account_id: str,
    month: str,
    *,
    client: AuthenticatedClient,
    device_type: None | str | Unset = UNSET,
) -> MonthPeaksOut | Problem | None:
    """Get Month Peaks

     R5 explained: for each device type billed on its peak in `month` (a closed month's as its
    invoice billed it, the month in progress as it stands), the peak, the first instant it was
    reached and the devices Active then. 422 for a month not yet begun or a plan that counts
    distinct devices (R6); 404 for an unknown account.

    Args:
        account_id (str):
        month (str): The month, YYYY-MM, in the account's time zone.
        device_type (None | str | Unset): Only this device type.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        MonthPeaksOut | Problem
    """

    return (
        await asyncio_detailed(
            account_id=account_id,
            month=month,
            client=client,
            device_type=device_type,
        )
    ).parsed
