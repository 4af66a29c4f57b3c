#!/usr/bin/env python3
"""Finds the ids the benchmark needs through the API itself, and prints them as shell
assignments: bench/run evals the output.  Usage: discover.py BASE_URL DEEP_PAGES"""
import json
import os
import sys
import urllib.error
import urllib.request
from datetime import datetime, timedelta, timezone

BASE = sys.argv[1]
DEEP = int(sys.argv[2]) if len(sys.argv) > 2 else 50
PASSWORD = "buurt-demo-2026"


def call(method, path, token=None, body=None):
    data = json.dumps(body).encode() if body is not None else None
    req = urllib.request.Request(BASE + path, data=data, method=method)
    if data is not None:
        req.add_header("content-type", "application/json")
    if token:
        req.add_header("authorization", "Bearer " + token)
    with urllib.request.urlopen(req, timeout=60) as resp:
        return json.loads(resp.read() or b"null")


def login(email):
    return call("POST", "/v1/auth/login", body={"email": email, "password": PASSWORD})


def say(name, value):
    print(f"{name}='{value}'")


resident = login("bewoner@example.nl")
token, me = resident["access_token"], resident["user"]["id"]
mine = call("GET", "/v1/me/memberships", token)["items"]
nb = mine[0]["neighbourhood"]["id"]
say("NB_ID", nb)
say("NB_NAME", mine[0]["neighbourhood"]["name"])
say("RESIDENT_ID", me)
say("ACTIVITY_CREATED_BY", "")

# The feed: the first page, then follow next_cursor up to DEEP pages.
page = call("GET", f"/v1/neighbourhoods/{nb}/posts", token)
say("POST_ID", page["items"][0]["id"])
cursor, depth, total = None, 1, len(page["items"])
while page.get("next_cursor") and depth < DEEP:
    cursor = page["next_cursor"]
    page = call("GET", f"/v1/neighbourhoods/{nb}/posts?cursor={cursor}", token)
    depth += 1
    total += len(page["items"])
say("DEEP_CURSOR", cursor or "")
say("DEEP_PAGE", depth)
say("FEED_POSTS_SEEN", total)

# A request of the resident's own (suggestions are for its author), open if there is one.
best = None
cursor = None
while True:
    q = f"/v1/neighbourhoods/{nb}/posts?kind=request&limit=100"
    if cursor:
        q += f"&cursor={cursor}"
    page = call("GET", q, token)
    for post in page["items"]:
        if post["author"]["id"] == me:
            if best is None or (post["status"] == "open" and best["status"] != "open"):
                best = post
    cursor = page.get("next_cursor")
    if not cursor or (best and best["status"] == "open"):
        break
say("REQUEST_ID", best["id"] if best else "")
say("REQUEST_STATUS", best["status"] if best else "")

# An upcoming activity in the neighbourhood (RSVP).
now = datetime.now(timezone.utc)
activity = None
cursor = None
# BENCH_NEW_ACTIVITY=1: always a new one (and a way to try the path below).
while activity is None and not os.environ.get("BENCH_NEW_ACTIVITY"):
    q = f"/v1/neighbourhoods/{nb}/posts?kind=activity&limit=100"
    if cursor:
        q += f"&cursor={cursor}"
    page = call("GET", q, token)
    for post in page["items"]:
        starts = datetime.fromisoformat(post["activity"]["starts_at"].replace("Z", "+00:00"))
        if starts > now:
            activity = post
    cursor = page.get("next_cursor")
    if not cursor:
        break
if activity is None:
    # The seed's `--now` and this clock disagree (or the seed made none): make one through the
    # API, a week from now, as another member if one may (so the resident's RSVP is not the
    # organiser's), else as the resident. bench/run fails loudly when this does not work.
    starts = now + timedelta(days=7)
    body = {
        "kind": "activity",
        "title": "Buurtbenchmark: koffie in het buurthuis",
        "body": "Een activiteit die bench/run aanmaakt om aanmeldingen te meten.",
        "activity": {
            "starts_at": starts.strftime("%Y-%m-%dT%H:%M:%SZ"),
            "ends_at": (starts + timedelta(hours=2)).strftime("%Y-%m-%dT%H:%M:%SZ"),
            "location": "Buurthuis",
        },
    }
    errors = []
    for email in ("moderator@example.nl", "beheerder@example.nl", "bewoner@example.nl"):
        try:
            who = login(email)["access_token"]
            activity = call("POST", f"/v1/neighbourhoods/{nb}/posts", who, body)
            say("ACTIVITY_CREATED_BY", email)
            break
        except (urllib.error.HTTPError, KeyError) as error:
            errors.append(f"{email}: {error}")
    if activity is None:
        print("discover.py: no upcoming activity and none could be created: " + "; ".join(errors),
              file=sys.stderr)
        sys.exit(1)
say("ACTIVITY_ID", activity["id"])
