from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.price_version_created import PriceVersionCreated
from ...models.price_version_in import PriceVersionIn
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    plan_id: str,
    *,
    body: PriceVersionIn,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/plans/{plan_id}/price-versions".format(
            plan_id=quote(str(plan_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> PriceVersionCreated | Problem | None:
    if response.status_code == 201:
        response_201 = PriceVersionCreated.from_dict(response.json())

        return response_201

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
) -> Response[PriceVersionCreated | Problem]:
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
    idempotency_key: str | Unset = UNSET,
) -> Response[PriceVersionCreated | Problem]:
    """Announce Prices

     R9: new prices from the start of a month, announced at least the plan's notice period before;
    every account on the plan is notified. Refused if too late or if the month is already closed.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (PriceVersionIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PriceVersionCreated | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        body=body,
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
    idempotency_key: str | Unset = UNSET,
) -> PriceVersionCreated | Problem | None:
    """Announce Prices

     R9: new prices from the start of a month, announced at least the plan's notice period before;
    every account on the plan is notified. Refused if too late or if the month is already closed.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (PriceVersionIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PriceVersionCreated | Problem
    """

    return sync_detailed(
        plan_id=plan_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    body: PriceVersionIn,
    idempotency_key: str | Unset = UNSET,
) -> Response[PriceVersionCreated | Problem]:
    """Announce Prices

     R9: new prices from the start of a month, announced at least the plan's notice period before;
    every account on the plan is notified. Refused if too late or if the month is already closed.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (PriceVersionIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[PriceVersionCreated | Problem]
    """

    kwargs = _get_kwargs(
        plan_id=plan_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    plan_id: str,
    *,
    client: AuthenticatedClient,
    body: PriceVersionIn,
    idempotency_key: str | Unset = UNSET,
) -> PriceVersionCreated | Problem | None:
    """Announce Prices

     R9: new prices from the start of a month, announced at least the plan's notice period before;
    every account on the plan is notified. Refused if too late or if the month is already closed.

    Args:
        plan_id (str):
        idempotency_key (str | Unset):
        body (PriceVersionIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        PriceVersionCreated | Problem
    """

    return (
        await asyncio_detailed(
            plan_id=plan_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
