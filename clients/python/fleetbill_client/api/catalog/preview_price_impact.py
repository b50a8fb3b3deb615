from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.price_impact_out import PriceImpactOut
from ...models.price_version_in import PriceVersionIn
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    plan_id: str,
    *,
    body: PriceVersionIn,
    top: int | Unset = 10,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    params: dict[str, Any] = {}

    params["top"] = top

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/plans/{plan_id}/price-versions/impact".format(
            plan_id=quote(str(plan_id), safe=""),
        ),
        "params": params,
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PriceImpactOut | Problem | None:
    if response.status_code == 200:
        response_200 = PriceImpactOut.from_dict(response.json())

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
) -> Response[PriceImpactOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    body: PriceVersionIn,
    top: int | Unset = 10,
    idempotency_key: str | Unset = UNSET,
) -> Response[PriceImpactOut | Problem]:
    """Preview Price Impact

     R9: what these prices would have billed over each account's last three closed months, before
    they are announced (the same body as the announcement), and whether they could be announced
    now. Nothing is written. Amounts are JPY before tax; usage only, the fixed fee shown beside.

    Args:
        plan_id (str):
        top (int | Unset): How many of the largest increases to list. Default: 10.
        idempotency_key (str | Unset):
        body (PriceVersionIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PriceImpactOut | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        body=body,
        top=top,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    body: PriceVersionIn,
    top: int | Unset = 10,
    idempotency_key: str | Unset = UNSET,
) -> PriceImpactOut | Problem | None:
    """Preview Price Impact

     R9: what these prices would have billed over each account's last three closed months, before
    they are announced (the same body as the announcement), and whether they could be announced
    now. Nothing is written. Amounts are JPY before tax; usage only, the fixed fee shown beside.

    Args:
        plan_id (str):
        top (int | Unset): How many of the largest increases to list. Default: 10.
        idempotency_key (str | Unset):
        body (PriceVersionIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PriceImpactOut | Problem
    """

    return sync_detailed(
        plan_id=plan_id,
        client=client,
        body=body,
        top=top,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    body: PriceVersionIn,
    top: int | Unset = 10,
    idempotency_key: str | Unset = UNSET,
) -> Response[PriceImpactOut | Problem]:
    """Preview Price Impact

     R9: what these prices would have billed over each account's last three closed months, before
    they are announced (the same body as the announcement), and whether they could be announced
    now. Nothing is written. Amounts are JPY before tax; usage only, the fixed fee shown beside.

    Args:
        plan_id (str):
        top (int | Unset): How many of the largest increases to list. Default: 10.
        idempotency_key (str | Unset):
        body (PriceVersionIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PriceImpactOut | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        body=body,
        top=top,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    body: PriceVersionIn,
    top: int | Unset = 10,
    idempotency_key: str | Unset = UNSET,
) -> PriceImpactOut | Problem | None:
    """Preview Price Impact

     R9: what these prices would have billed over each account's last three closed months, before
    they are announced (the same body as the announcement), and whether they could be announced
    now. Nothing is written. Amounts are JPY before tax; usage only, the fixed fee shown beside.

    Args:
        plan_id (str):
        top (int | Unset): How many of the largest increases to list. Default: 10.
        idempotency_key (str | Unset):
        body (PriceVersionIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PriceImpactOut | Problem
    """

    return (
        await asyncio_detailed(
            plan_id=plan_id,
            client=client,
            body=body,
            top=top,
            idempotency_key=idempotency_key,
        )
    ).parsed
