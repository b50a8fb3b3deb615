from http import HTTPStatus
from io import BytesIO
from typing import Any
from urllib.parse import quote

import httpx

from ... import errors
from ...client import AuthenticatedClient, Client
from ...models.get_invoice_pdf_lang import GetInvoicePdfLang
from ...models.problem import Problem
from ...types import UNSET, File, Response, Unset


def _get_kwargs(
    invoice_id: str,
    *,
    lang: GetInvoicePdfLang | Unset = GetInvoicePdfLang.JA,
) -> dict[str, Any]:

    params: dict[str, Any] = {}

    json_lang: str | Unset = UNSET
    if not isinstance(lang, Unset):
        json_lang = lang.value

    params["lang"] = json_lang

    params = {k: v for k, v in params.items() if v is not UNSET and v is not None}

    _kwargs: dict[str, Any] = {
        "method": "get",
        "url": "/v1/invoices/{invoice_id}.pdf".format(
            invoice_id=quote(str(invoice_id), safe=""),
        ),
        "params": params,
    }

    return _kwargs


def _parse_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> File | Problem | None:
    if response.status_code == 200:
        response_200 = File(payload=BytesIO(response.content))

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

    if response.status_code == 503:
        response_503 = Problem.from_dict(response.json())

        return response_503

    if client.raise_on_unexpected_status:
        raise errors.UnexpectedStatus(response.status_code, response.content)
    else:
        return None


def _build_response(*, client: AuthenticatedClient | Client, response: httpx.Response) -> Response[File | Problem]:
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
    lang: GetInvoicePdfLang | Unset = GetInvoicePdfLang.JA,
) -> Response[File | Problem]:
    """Get Invoice Pdf

     R14: the qualified invoice (適格請求書) as a PDF, in Japanese (default) or English.

    Args:
        invoice_id (str):
        lang (GetInvoicePdfLang | Unset):  Default: GetInvoicePdfLang.JA.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[File | Problem]
    """

    kwargs = _get_kwargs(
        invoice_id=invoice_id,
        lang=lang,
    )

    response = client.get_httpx_client().request(
        **kwargs,
    )

    return _build_response(client=client, response=response)


def sync(
    invoice_id: str,
    *,
    client: AuthenticatedClient,
    lang: GetInvoicePdfLang | Unset = GetInvoicePdfLang.JA,
) -> File | Problem | None:
    """Get Invoice Pdf

     R14: the qualified invoice (適格請求書) as a PDF, in Japanese (default) or English.

    Args:
        invoice_id (str):
        lang (GetInvoicePdfLang | Unset):  Default: GetInvoicePdfLang.JA.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        File | Problem
    """

    return sync_detailed(
        invoice_id=invoice_id,
        client=client,
        lang=lang,
    ).parsed


async def asyncio_detailed(
    invoice_id: str,
    *,
    client: AuthenticatedClient,
    lang: GetInvoicePdfLang | Unset = GetInvoicePdfLang.JA,
) -> Response[File | Problem]:
    """Get Invoice Pdf

     R14: the qualified invoice (適格請求書) as a PDF, in Japanese (default) or English.

    Args:
        invoice_id (str):
        lang (GetInvoicePdfLang | Unset):  Default: GetInvoicePdfLang.JA.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        Response[File | Problem]
    """

    kwargs = _get_kwargs(
        invoice_id=invoice_id,
        lang=lang,
    )

    response = await client.get_async_httpx_client().request(**kwargs)

    return _build_response(client=client, response=response)


async def asyncio(
    invoice_id: str,
    *,
    client: AuthenticatedClient,
    lang: GetInvoicePdfLang | Unset = GetInvoicePdfLang.JA,
) -> File | Problem | None:
    """Get Invoice Pdf

     R14: the qualified invoice (適格請求書) as a PDF, in Japanese (default) or English.

    Args:
        invoice_id (str):
        lang (GetInvoicePdfLang | Unset):  Default: GetInvoicePdfLang.JA.

    Raises:
        errors.UnexpectedStatus: If the server returns an undocumented status code and Client.raise_on_unexpected_status is True.
        httpx.TimeoutException: If the request takes longer than Client.timeout.

    Returns:
        File | Problem
    """

    return (
        await asyncio_detailed(
            invoice_id=invoice_id,
            client=client,
            lang=lang,
        )
    ).parsed
