"""localstripe, served for the tests: `python tests/localstripe_server.py FD STATE_DIR`.

FD is a socket the parent bound to 127.0.0.1 (so no other process can take the port between the
two), STATE_DIR a folder of the test run's own for the state localstripe saves after every write.
On top of localstripe, this adds what it lacks and Stripe does: idempotent requests.
"""

from __future__ import annotations

import pickle
import socket
import sys
from pathlib import Path

from aiohttp import web

# Requests refused before they ran leave no result behind, as at Stripe.
UNSAVED_STATUSES = {400, 401, 403, 429}


def keep_state_in(folder: Path) -> None:
    """Save localstripe's state into `folder`, not into the shared /tmp/localstripe.pickle."""
    from localstripe import resources

    path = folder / "localstripe.pickle"

    def dump_to_disk(store):
        with path.open("wb") as file:
            pickle.dump(store, file, protocol=pickle.HIGHEST_PROTOCOL)

    resources.Store.dump_to_disk = dump_to_disk


def idempotent_requests():
    """Stripe's idempotency, which localstripe ignores: the first result of a POST is saved under
    its Idempotency-Key and replayed; the same key with other parameters is an idempotency_error."""
    saved: dict[tuple[str, str], tuple[bytes, int, bytes]] = {}

    @web.middleware
    async def middleware(request: web.Request, handler):
        key = request.headers.get("Idempotency-Key")
        if request.method != "POST" or not key:
            return await handler(request)
        scope = (request.headers.get("Authorization", ""), key)
        fingerprint = request.path.encode() + b"?" + await request.read()
        if scope in saved:
            first_fingerprint, status, body = saved[scope]
            if first_fingerprint != fingerprint:
                return _idempotency_error(key)
            return web.Response(
                body=body, status=status, content_type="application/json", headers={"Idempotent-Replayed": "true"}
            )
        response = await handler(request)
        if response.status not in UNSAVED_STATUSES and isinstance(response.body, bytes):
            saved[scope] = (fingerprint, response.status, response.body)
        return response

    return middleware


def _idempotency_error(key: str) -> web.Response:
    message = (
        f"Keys for idempotent requests can only be used with the same parameters they were first used with ({key})."
    )
    return web.json_response({"error": {"type": "idempotency_error", "message": message}}, status=400)


def main(fd: int, state_dir: str) -> None:
    keep_state_in(Path(state_dir))
    from localstripe.server import app

    # First in the list is outermost: it sees localstripe's errors already turned into responses.
    app.middlewares.insert(0, idempotent_requests())
    web.run_app(app, sock=socket.socket(fileno=fd), print=None, access_log=None)


if __name__ == "__main__":
    main(int(sys.argv[1]), sys.argv[2])
