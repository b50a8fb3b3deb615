from http import HTTPStatus
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.credit_note_in import CreditNoteIn
from ...models.credit_note_out import CreditNoteOut
from ...models.problem import Problem
from ...types import UNSET, Response, Unset


def _get_kwargs(
    invoice_id: str,
    *,
    body: CreditNoteIn,
    idempotency_key: str | Unset = UNSET,
) -> dict[str, Any]:
    headers: dict[str, Any] = {}
    if not isinstance(idempotency_key, Unset):
        headers["Idempotency-Key"] = idempotency_key

    _kwargs: dict[str, Any] = {
        "method": "post",
        "url": "/v1/invoices/{invoice_id}/credit-notes".format(
            invoice_id=quote(str(invoice_id), safe=""),
        ),
    }

    _kwargs["json"] = body.to_dict()

    headers["Content-Type"] = "application/json"

    _kwargs["headers"] = headers
    return _kwargs


def _parse_response(
    *, client: AuthenticatedClient | Client, response: httpx.Response
) -> CreditNoteOut | Problem | None:
    if response.status_code == 201:
        response_201 = CreditNoteOut.from_dict(response.json())

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
) -> Response[CreditNoteOut | Problem]:
    return Response(
        status_code=HTTPStatus(response.status_code),
        content=response.content,
        headers=response.headers,
        parsed=_parse_response(client=client, response=response),
    )


def sync_detailed(
    invoice_id: str,
    *,
    client: AuthenticatedClient,
    body: CreditNoteIn,
    idempotency_key: str | Unset = UNSET,
) -> Response[CreditNoteOut | Problem]:
    """Create Credit Note

     R15: credit a finalized invoice, for whole lines, part of a line's quantity, or an amount,
    taxed per rate as the invoice was (R12). On an unpaid invoice it lowers what is due (a full
    credit voids it and stops its collection); money received beyond what is then due goes back
    by `refund_method`; the part points had paid comes back as points. Never more than the
    invoice has left to credit (422); 409 while a card charge for it awaits the gateway's answer.

    A card refund is recorded `pending` with the note and sent to the gateway right after the
    answer (the worker asks again for one left unanswered): read its outcome on the credit note.

    Args:
        invoice_id (str):
        idempotency_key (str | Unset):
        body (CreditNoteIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreditNoteOut | Problem]
    """

    kwargs = _get_kwargs(
        invoice_id=invoice_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    invoice_id: str,
    *,
    client: AuthenticatedClient,
    body: CreditNoteIn,
    idempotency_key: str | Unset = UNSET,
) -> CreditNoteOut | Problem | None:
    """Create Credit Note

     R15: credit a finalized invoice, for whole lines, part of a line's quantity, or an amount,
    taxed per rate as the invoice was (R12). On an unpaid invoice it lowers what is due (a full
    credit voids it and stops its collection); money received beyond what is then due goes back
    by `refund_method`; the part points had paid comes back as points. Never more than the
    invoice has left to credit (422); 409 while a card charge for it awaits the gateway's answer.

    A card refund is recorded `pending` with the note and sent to the gateway right after the
    answer (the worker asks again for one left unanswered): read its outcome on the credit note.

    Args:
        invoice_id (str):
        idempotency_key (str | Unset):
        body (CreditNoteIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreditNoteOut | Problem
    """

    return sync_detailed(
        invoice_id=invoice_id,
        client=client,
        body=body,
        idempotency_key=idempotency_key,
    ).parsed


async def asyncio_detailed(
    invoice_id: str,
    *,
    client: AuthenticatedClient,
    body: CreditNoteIn,
    idempotency_key: str | Unset = UNSET,
) -> Response[CreditNoteOut | Problem]:
    """Create Credit Note

     R15: credit a finalized invoice, for whole lines, part of a line's quantity, or an amount,
    taxed per rate as the invoice was (R12). On an unpaid invoice it lowers what is due (a full
    credit voids it and stops its collection); money received beyond what is then due goes back
    by `refund_method`; the part points had paid comes back as points. Never more than the
    invoice has left to credit (422); 409 while a card charge for it awaits the gateway's answer.

    A card refund is recorded `pending` with the note and sent to the gateway right after the
    answer (the worker asks again for one left unanswered): read its outcome on the credit note.

    Args:
        invoice_id (str):
        idempotency_key (str | Unset):
        body (CreditNoteIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[CreditNoteOut | Problem]
    """

    kwargs = _get_kwargs(
        invoice_id=invoice_id,
        body=body,
        idempotency_key=idempotency_key,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    invoice_id: str,
    *,
    client: AuthenticatedClient,
    body: CreditNoteIn,
    idempotency_key: str | Unset = UNSET,
) -> CreditNoteOut | Problem | None:
    """Create Credit Note

     R15: credit a finalized invoice, for whole lines, part of a line's quantity, or an amount,
    taxed per rate as the invoice was (R12). On an unpaid invoice it lowers what is due (a full
    credit voids it and stops its collection); money received beyond what is then due goes back
    by `refund_method`; the part points had paid comes back as points. Never more than the
    invoice has left to credit (422); 409 while a card charge for it awaits the gateway's answer.

    A card refund is recorded `pending` with the note and sent to the gateway right after the
    answer (the worker asks again for one left unanswered): read its outcome on the credit note.

    Args:
        invoice_id (str):
        idempotency_key (str | Unset):
        body (CreditNoteIn):

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        CreditNoteOut | Problem
    """

    return (
        await asyncio_detailed(
            invoice_id=invoice_id,
            client=client,
            body=body,
            idempotency_key=idempotency_key,
        )
    ).parsed
