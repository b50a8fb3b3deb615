"""The operator's console (staff only): see console.pages for what it does, console.auth for
how staff log in."""

from fastapi import APIRouter

from . import api_key_pages, auth, budget_pages, credit_note_pages, pages, settings_pages, webhook_pages

router = APIRouter()
router.include_router(auth.router)
router.include_router(pages.router)
router.include_router(api_key_pages.router)
router.include_router(webhook_pages.router)
router.include_router(credit_note_pages.router)
router.include_router(settings_pages.router)
router.include_router(budget_pages.router)

__all__ = ["router"]
