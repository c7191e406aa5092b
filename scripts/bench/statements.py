#!/usr/bin/env python3
"""Counts the SQL statements each call of one checkout sends, from the host's
log (RUST_LOG=sqlx::query=debug, JSON lines), after warm-up checkouts.

usage: [VERBOSE=N] statements.py BASE_URL PUBLISHABLE_KEY HOST_LOG
Each call's line also sums the time sqlx measured for its statements
(round trip included). The event dispatcher's idle polls (outbox and delivery reads) are left out.
"""
import http.client
import json
import os
import sys
import time
import urllib.parse

base, key, log = sys.argv[1], sys.argv[2], sys.argv[3]
# VERBOSE=N also prints each statement, cut to N characters.
VERBOSE = int(os.environ.get("VERBOSE", "0"))
target = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(target.hostname, target.port)
HEADERS = {"x-publishable-api-key": key, "content-type": "application/json"}
POLLS = ('FROM "event_outbox" WHERE', 'FROM "event_delivery" WHERE')


def call(method, path, body=None):
    conn.request(method, path, body=json.dumps(body).encode() if body is not None else None, headers=HEADERS)
    res = conn.getresponse()
    payload = res.read()
    if res.status != 200:
        sys.exit(f"{method} {path}: {res.status} {payload[:300]!r}")
    return json.loads(payload)


def statements():
    time.sleep(0.3)  # the log is written asynchronously
    out = []
    with open(log, errors="replace") as f:
        for line in f:
            if '"sqlx::query"' not in line:
                continue
            entry = json.loads(line)
            sql = entry.get("db.statement") or ""
            if not any(p in sql for p in POLLS):
                out.append((" ".join(sql.split()), entry.get("elapsed_secs", 0.0) * 1000))
    return out


region = next(r for r in call("GET", "/store/regions")["regions"] if r["currency_code"] == "eur")
products = call("GET", f"/store/products?limit=20&region_id={region['id']}")["products"]
variant = products[0]["variants"][0]["id"]
address = {"first_name": "Bench", "address_1": "Street 1", "city": "Berlin", "country_code": "de", "postal_code": "10115"}
seen = len(statements())
total = 0


def step(name, method, path, body=None):
    global seen, total
    out = call(method, path, body)
    now = statements()
    spent = sum(ms for _, ms in now[seen:])
    print(f"{name:20} {len(now) - seen:3}   {spent:6.2f} ms in sqlx")
    if VERBOSE:
        for sql, ms in now[seen:]:
            print(f"    {ms:6.3f} ms  {sql[:VERBOSE]}")
    total += len(now) - seen
    seen = len(now)
    return out


cart = step("create cart", "POST", "/store/carts", {"region_id": region["id"]})["cart"]["id"]
step("add item", "POST", f"/store/carts/{cart}/line-items", {"variant_id": variant, "quantity": 1})
step("email + address", "POST", f"/store/carts/{cart}", {"email": "bench@example.com", "shipping_address": address})
option = step("shipping options", "GET", f"/store/shipping-options?cart_id={cart}")["shipping_options"][0]["id"]
step("shipping method", "POST", f"/store/carts/{cart}/shipping-methods", {"option_id": option})
pc = step("payment collection", "POST", "/store/payment-collections", {"cart_id": cart})["payment_collection"]["id"]
step("payment session", "POST", f"/store/payment-collections/{pc}/payment-sessions", {"provider_id": "pp_system_default"})
done = step("complete", "POST", f"/store/carts/{cart}/complete")
step("retrieve order", "GET", f"/store/orders/{done['order']['id']}")
print(f"{'total':20} {total:3}")
