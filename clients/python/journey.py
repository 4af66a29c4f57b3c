#!/usr/bin/env python3
"""A municipality's partner system, written against the client that openapi-python-client
generates from openapi/openapi.json (package `buurt_api_client`, on PYTHONPATH).

Run it with clients/python/run, which generates the client, starts a server and passes the
arguments. Every call to Buurt goes through the generated, typed API functions and models; the
only hand-written HTTP is the webhook *receiver* (the part of a partner system that Buurt
calls), since an OpenAPI client is for calling an API, not for being called.

Prints each step; exits 1 with a message at the first failure.
"""

from __future__ import annotations

import argparse
import hashlib
import hmac
import json
import secrets
import sys
import threading
import time
import traceback
from collections.abc import Callable
from http import HTTPStatus
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any, Self

import httpx
from buurt_api_client import AuthenticatedClient, Client
from buurt_api_client.api.auth import login, register
from buurt_api_client.api.membership import create_invite, join_neighbourhood
from buurt_api_client.api.monitoring import municipality_stats
from buurt_api_client.api.neighbourhoods import create_neighbourhood
from buurt_api_client.api.partners import (
    create_client,
    create_webhook,
    issue_token,
    list_deliveries,
    list_events,
)
from buurt_api_client.api.posts import create_post
from buurt_api_client.models import (
    CategoryDto,
    ClientCredentials,
    CreateClientRequest,
    CreateInviteRequest,
    CreateNeighbourhoodRequest,
    CreatePostRequest,
    CreateWebhookRequest,
    DeliveryList,
    DeliveryStatusDto,
    EventDto,
    EventKindDto,
    EventList,
    InviteDto,
    JoinRequest,
    LoginRequest,
    MembershipDto,
    MembershipStatusDto,
    NeighbourhoodDto,
    PostDto,
    PostKindDto,
    Problem,
    RegisterRequest,
    ScopeDto,
    StatsReport,
    TokenRequest,
    TokenResponse,
    ClientTokenResponse,
    VisibilityDto,
    WebhookCreated,
    WebhookPayload,
)

MUNICIPALITY = "GM0363"
# By value: the generator names these members STATSREAD, POSTSREAD, … (it drops the colon).
SCOPES = [
    ScopeDto("stats:read"),
    ScopeDto("posts:read"),
    ScopeDto("cases:referrals"),
    ScopeDto("webhooks:manage"),
]
WEBHOOK_WAIT_SECONDS = 15.0
SIGNATURE_TOLERANCE_SECONDS = 300


class JourneyFailed(Exception):
    pass




_step_number = 0


def step(text: str) -> None:
    global _step_number
    _step_number += 1
    print(f"[{_step_number:2}] {text}", flush=True)


def detail(text: str) -> None:
    print(f"     {text}", flush=True)


def expect(condition: bool, message: str) -> None:
    if not condition:
        raise JourneyFailed(message)


def call(
    what: str,
    endpoint: Any,
    expected: HTTPStatus | tuple[HTTPStatus, ...],
    model: type | None,
    **kwargs: Any,
) -> Any:
    """Calls a generated endpoint module's `sync_detailed` and returns the parsed model (an
    instance of `model`; with None, anything but a `Problem`), or fails with the server's
    problem document."""
    try:
        response = endpoint.sync_detailed(**kwargs)
    except httpx.HTTPError as error:
        raise JourneyFailed(f"{what}: request failed: {error!r}") from error
    parsed = response.parsed
    statuses = expected if isinstance(expected, tuple) else (expected,)
    wanted = " or ".join(str(int(status)) for status in statuses)
    fits = not isinstance(parsed, Problem) if model is None else isinstance(parsed, model)
    if response.status_code not in statuses or not fits:
        if isinstance(parsed, Problem):
            errors = ", ".join(f"{e.field}: {e.code}" for e in (parsed.errors or []))
            raise JourneyFailed(
                f"{what}: expected {wanted}, got {int(response.status_code)} "
                f"{parsed.code}: {parsed.detail}" + (f" ({errors})" if errors else "")
            )
        raise JourneyFailed(
            f"{what}: expected {wanted} with a {model.__name__ if model else 'body'}, got "
            f"{int(response.status_code)}: {response.content[:500]!r}"
        )
    return parsed


def wait_for(what: str, timeout: float, probe: Callable[[], Any]) -> Any:
    deadline = time.monotonic() + timeout
    while True:
        value = probe()
        if value:
            return value
        if time.monotonic() >= deadline:
            raise JourneyFailed(f"{what}: nothing within {timeout:.0f} s")
        time.sleep(0.1)


# --- The webhook receiver: the partner system's own endpoint, which Buurt calls. -----------


class Receiver:
    """A tiny HTTP server on 127.0.0.1 that records every POST it gets and answers 204."""

    def __init__(self) -> None:
        self.lock = threading.Lock()
        self.received: list[tuple[str, dict[str, str], bytes]] = []
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                length = int(self.headers.get("Content-Length") or 0)
                body = self.rfile.read(length)
                with receiver.lock:
                    receiver.received.append((self.path, dict(self.headers.items()), body))
                self.send_response(204)
                self.end_headers()

            def log_message(self, format: str, *args: Any) -> None:
                pass

        self.server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self.thread = threading.Thread(target=self.server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        host, port = self.server.server_address[:2]
        return f"http://{host}:{port}/buurt/webhook"

    def __enter__(self) -> Self:
        self.thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.server.shutdown()
        self.server.server_close()

    def snapshot(self) -> list[tuple[str, dict[str, str], bytes]]:
        with self.lock:
            return list(self.received)


def verify_signature(header: str | None, body: bytes, secret: str) -> tuple[bool, str]:
    """Checks `Buurt-Signature: t=<unix seconds>,v1=<hex HMAC-SHA256 of "<t>.<body>">`."""
    if not header:
        return False, "no Buurt-Signature header"
    timestamp = None
    signatures = []
    for part in header.split(","):
        key, _, value = part.strip().partition("=")
        if key == "t":
            timestamp = value
        elif key == "v1":
            signatures.append(value)
    if timestamp is None or not timestamp.isdigit() or not signatures:
        return False, f"malformed header {header!r}"
    if abs(time.time() - int(timestamp)) > SIGNATURE_TOLERANCE_SECONDS:
        return False, f"timestamp {timestamp} is more than five minutes off"
    expected = hmac.new(
        secret.encode(), timestamp.encode() + b"." + body, hashlib.sha256
    ).hexdigest()
    if any(hmac.compare_digest(expected, candidate) for candidate in signatures):
        return True, "ok"
    return False, f"no v1 signature matches (expected {expected})"


def payload_event(raw: bytes) -> EventDto:
    """The event of a delivery, parsed with the generated `WebhookPayload` model."""
    return WebhookPayload.from_dict(json.loads(raw)).event


# --- The journey. --------------------------------------------------------------------------


def sign_in(what: str, endpoint: Any, expected: HTTPStatus, client: Client, body: Any) -> str:
    """Signs a person in (login or register) and returns the access token."""
    return call(what, endpoint, expected, TokenResponse, client=client, body=body).access_token


def page_events(partner: AuthenticatedClient, after: int, limit: int) -> tuple[list[EventDto], int]:
    """Every event after `after`, a page of `limit` at a time; returns them and the cursor."""
    events: list[EventDto] = []
    pages = 0
    while True:
        page = call(
            f"GET /v1/events?after={after}&limit={limit}",
            list_events,
            HTTPStatus.OK,
            EventList,
            client=partner,
            after=after,
            limit=limit,
        )
        pages += 1
        expect(len(page.items) <= limit, f"events page longer than limit {limit}")
        if not page.items:
            expect(
                page.next_after == after,
                f"an empty page should keep the cursor at {after}, got {page.next_after}",
            )
            break
        seqs = [event.seq for event in page.items]
        expect(
            seqs == sorted(seqs) and seqs[0] > after,
            f"events not in order after {after}: {seqs}",
        )
        expect(page.next_after == seqs[-1], f"next_after {page.next_after} is not the last seq {seqs[-1]}")
        events.extend(page.items)
        after = page.next_after
        expect(pages < 1000, "the events feed does not end")
    detail(f"{len(events)} event(s) in {pages} page(s); cursor now {after}")
    return events, after


def journey(base_url: str, admin_email: str, admin_password: str) -> None:
    run_id = secrets.token_hex(4)
    timeout = httpx.Timeout(15.0)
    anonymous = Client(base_url=base_url, timeout=timeout, raise_on_unexpected_status=True)

    step(f"Admin signs in as {admin_email} (POST /v1/auth/login)")
    admin_token = sign_in(
        "POST /v1/auth/login",
        login,
        HTTPStatus.OK,
        anonymous,
        LoginRequest(email=admin_email, password=admin_password),
    )
    admin = AuthenticatedClient(base_url=base_url, token=admin_token, timeout=timeout, raise_on_unexpected_status=True)

    code = f"BU0363{secrets.randbelow(10_000):04d}"
    step(f"Admin creates neighbourhood {code} in {MUNICIPALITY} (POST /v1/neighbourhoods)")
    neighbourhood = call(
        "POST /v1/neighbourhoods",
        create_neighbourhood,
        HTTPStatus.CREATED,
        NeighbourhoodDto,
        client=admin,
        body=CreateNeighbourhoodRequest(
            code=code,
            name=f"Journeybuurt {run_id}",
            municipality_code=MUNICIPALITY,
            municipality_name="Amsterdam",
            lat=52.3757,
            lng=4.9003,
        ),
    )
    expect(neighbourhood.municipality.code == MUNICIPALITY, f"neighbourhood in {neighbourhood.municipality.code}")
    detail(f"neighbourhood {neighbourhood.id}")

    step("Admin registers a machine client for the municipality (POST /v1/admin/clients)")
    credentials = call(
        "POST /v1/admin/clients",
        create_client,
        HTTPStatus.CREATED,
        ClientCredentials,
        client=admin,
        body=CreateClientRequest(
            name=f"Gemeente Amsterdam dashboard {run_id}",
            scopes=SCOPES,
            municipalities=[MUNICIPALITY],
        ),
    )
    expect(bool(credentials.client_secret), "no client secret in the answer")
    expect(set(credentials.scopes) == set(SCOPES), f"client scopes {credentials.scopes}")
    expect(credentials.municipalities == [MUNICIPALITY], f"client municipalities {credentials.municipalities}")
    detail(f"client_id {credentials.client_id}")

    step("Partner gets a token with the client-credentials grant (POST /v1/auth/token, form)")
    token = call(
        "POST /v1/auth/token",
        issue_token,
        HTTPStatus.OK,
        ClientTokenResponse,
        client=anonymous,
        body=TokenRequest(
            grant_type="client_credentials",
            client_id=credentials.client_id,
            client_secret=credentials.client_secret,
        ),
    )
    expect(token.token_type.lower() == "bearer", f"token_type {token.token_type}")
    granted = set(token.scope.split())
    expect(granted == {str(scope) for scope in SCOPES}, f"granted scopes {token.scope!r}")
    detail(f"token for {token.expires_in} s with scopes {token.scope!r}")
    partner = AuthenticatedClient(
        base_url=base_url, token=token.access_token, timeout=timeout, raise_on_unexpected_status=True
    )

    step(f"Partner reads GET /v1/municipalities/{MUNICIPALITY}/stats")
    report = call(
        f"GET /v1/municipalities/{MUNICIPALITY}/stats",
        municipality_stats,
        HTTPStatus.OK,
        StatsReport,
        client=partner,
        code=MUNICIPALITY,
    )
    rows = [row for row in report.rows if row.neighbourhood_id == neighbourhood.id]
    expect(bool(rows), f"no stats row for neighbourhood {neighbourhood.id}")
    expect(report.municipality_code == MUNICIPALITY, f"report for {report.municipality_code}")
    detail(f"{len(report.rows)} row(s), {len(rows)} for {code}; {report.from_} to {report.to} by {report.interval}")

    step("Partner reads the events feed from the start (GET /v1/events, paged with after)")
    _, cursor = page_events(partner, after=0, limit=2)

    with Receiver() as receiver:
        step(f"Partner registers a webhook to its receiver {receiver.url} (POST /v1/webhooks)")
        webhook = call(
            "POST /v1/webhooks",
            create_webhook,
            HTTPStatus.CREATED,
            WebhookCreated,
            client=partner,
            body=CreateWebhookRequest(url=receiver.url),
        )
        expect(bool(webhook.secret), "no signing secret in the answer")
        # No kinds asked for: the answer lists none, which the server treats as "every kind the
        # client's scopes allow" (CreateWebhookRequest says so; WebhookDto.kinds does not).
        expect(
            not webhook.kinds or EventKindDto.POST_CREATED in webhook.kinds,
            f"webhook kinds {webhook.kinds}",
        )
        kinds = ", ".join(str(kind) for kind in webhook.kinds) or "all the scopes allow"
        detail(f"webhook {webhook.id}, status {webhook.status}, kinds: {kinds}")

        step("A resident registers (POST /v1/auth/register)")
        resident_token = sign_in(
            "POST /v1/auth/register",
            register,
            HTTPStatus.CREATED,
            anonymous,
            RegisterRequest(
                email=f"resident-{run_id}@journey.example.nl",
                password=f"journey-resident-{run_id}",
                display_name="Journey Resident",
            ),
        )
        resident = AuthenticatedClient(
            base_url=base_url, token=resident_token, timeout=timeout, raise_on_unexpected_status=True
        )

        step("Admin creates an invite (POST /v1/neighbourhoods/{id}/invites)")
        invite = call(
            "POST /v1/neighbourhoods/{id}/invites",
            create_invite,
            HTTPStatus.CREATED,
            InviteDto,
            client=admin,
            id=neighbourhood.id,
            body=CreateInviteRequest(max_uses=1, valid_days=1),
        )
        detail(f"invite code {invite.code}")

        step("Resident joins with the invite code (POST /v1/neighbourhoods/{id}/join)")
        membership = call(
            "POST /v1/neighbourhoods/{id}/join",
            join_neighbourhood,
            HTTPStatus.CREATED,
            MembershipDto,
            client=resident,
            id=neighbourhood.id,
            body=JoinRequest(invite_code=invite.code),
        )
        expect(membership.status == MembershipStatusDto.ACTIVE, f"membership {membership.status}")

        step("Resident posts a public request (POST /v1/neighbourhoods/{id}/posts)")
        post = call(
            "POST /v1/neighbourhoods/{id}/posts",
            create_post,
            HTTPStatus.CREATED,
            PostDto,
            client=resident,
            id=neighbourhood.id,
            body=CreatePostRequest(
                kind=PostKindDto.REQUEST,
                title="Wie helpt mij met boodschappen?",
                body="Ik ben deze week slecht ter been. Wie neemt zaterdag boodschappen mee?",
                category=CategoryDto.HELP,
                visibility=VisibilityDto.PUBLIC,
            ),
        )
        detail(f"post {post.id}")

        step(f"Receiver waits up to {WEBHOOK_WAIT_SECONDS:.0f} s for a signed post.created delivery")
        problems: list[str] = []

        def signed_post_created() -> tuple[EventDto, dict[str, str]] | None:
            problems.clear()
            for path, headers, body in receiver.snapshot():
                lowered = {key.lower(): value for key, value in headers.items()}
                ok, why = verify_signature(lowered.get("buurt-signature"), body, webhook.secret)
                if not ok:
                    problems.append(f"a delivery to {path} failed verification: {why}")
                    continue
                event = payload_event(body)
                if event.kind == EventKindDto.POST_CREATED and event.post_id == post.id:
                    return event, lowered
            return None

        try:
            event, headers = wait_for("a signed post.created delivery", WEBHOOK_WAIT_SECONDS, signed_post_created)
        except JourneyFailed as error:
            got = len(receiver.snapshot())
            raise JourneyFailed(f"{error}; the receiver got {got} request(s). {' '.join(problems)}") from None
        expect(
            event.municipality_code == MUNICIPALITY and event.neighbourhood_id == neighbourhood.id,
            f"event for {event.municipality_code}/{event.neighbourhood_id}",
        )
        detail(f"event {event.id} seq {event.seq}, signature {headers['buurt-signature'][:24]}… verified")

    step("Partner catches up from the events feed after its cursor (GET /v1/events?after=…)")
    events, cursor = page_events(partner, after=cursor, limit=1)
    fed = [e for e in events if e.kind == EventKindDto.POST_CREATED and e.post_id == post.id]
    expect(len(fed) == 1, f"the feed has {len(fed)} post.created event(s) for the post, expected 1")
    expect(fed[0].id == event.id and fed[0].seq == event.seq, "the feed's event is not the delivered one")
    expect(
        all(e.municipality_code == MUNICIPALITY for e in events),
        "the feed shows events of another municipality",
    )

    step("Partner lists the webhook's deliveries (GET /v1/webhooks/{id}/deliveries)")

    def delivered() -> Any:
        page = call(
            "GET /v1/webhooks/{id}/deliveries",
            list_deliveries,
            HTTPStatus.OK,
            DeliveryList,
            client=partner,
            id=webhook.id,
        )
        mine = [d for d in page.items if d.event_seq == event.seq]
        if mine and mine[0].status == DeliveryStatusDto.DELIVERED:
            return page, mine[0]
        return None

    page, delivery = wait_for("the delivery recorded as delivered", 5.0, delivered)
    detail(
        f"{len(page.items)} deliver(y/ies); seq {delivery.event_seq}: {delivery.status} after "
        f"{delivery.attempts} attempt(s), receiver answered {delivery.last_status}"
    )


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--base-url", required=True)
    parser.add_argument("--admin-email", required=True)
    parser.add_argument("--admin-password", required=True)
    args = parser.parse_args()
    try:
        journey(args.base_url.rstrip("/"), args.admin_email, args.admin_password)
    except JourneyFailed as error:
        print(f"\nJOURNEY FAILED: {error}", file=sys.stderr)
        return 1
    except Exception:  # noqa: BLE001 (a crash in the generated client or here fails the journey too)
        traceback.print_exc()
        print("\nJOURNEY FAILED: unexpected error (traceback above)", file=sys.stderr)
        return 1
    print("\nJourney passed: every call went through the generated client's typed API.")
    return 0


if __name__ == "__main__":
    sys.exit(main())
