#!/usr/bin/env python3
"""Times the serial 9-call storefront checkout against a running host.

usage: checkout.py BASE_URL PUBLISHABLE_KEY RUNS [WARMUP_RUNS]
Prints mean / p50 / p95 milliseconds per whole checkout, then the mean of each call.
"""
import http.client
import json
import statistics
import sys
import time
import urllib.parse

base, key, runs = sys.argv[1], sys.argv[2], int(sys.argv[3])
# Unmeasured checkouts first: every pooled connection prepares each statement
# once, and a serial client meets many connections before they all have.
warmup = int(sys.argv[4]) if len(sys.argv) > 4 else 0
# One kept-alive connection, as a storefront's server-side fetch keeps one.
target = urllib.parse.urlsplit(base)
conn = http.client.HTTPConnection(target.hostname, target.port)
HEADERS = {"x-publishable-api-key": key, "content-type": "application/json"}


def call(method, path, body=None):
    data = json.dumps(body).encode() if body is not None else None
    conn.request(method, path, body=data, headers=HEADERS)
    res = conn.getresponse()
    payload = res.read()
    if res.status != 200:
        sys.exit(f"{method} {path}: {res.status} {payload[:300]!r}")
    return json.loads(payload)


region = next(r for r in call("GET", "/store/regions")["regions"] if r["currency_code"] == "eur")
products = call("GET", f"/store/products?limit=20&region_id={region['id']}")["products"]
# Checkouts take turns over every variant so that stock lasts for long runs.
variants = [v["id"] for p in products for v in p["variants"]]
address = {"first_name": "Bench", "address_1": "Street 1", "city": "Berlin", "country_code": "de", "postal_code": "10115"}

STEPS = ["create cart", "add item", "email + address", "shipping options", "shipping method",
         "payment collection", "payment session", "complete", "retrieve order"]
timings = []
per_step = [[] for _ in STEPS]


def timed(i, method, path, body=None):
    t = time.perf_counter()
    out = call(method, path, body)
    per_step[i].append((time.perf_counter() - t) * 1000)
    return out


for run in range(warmup + runs):
    if run == warmup:
        timings.clear()
        for t in per_step:
            t.clear()
    variant = variants[run % len(variants)]
    start = time.perf_counter()
    cart = timed(0, "POST", "/store/carts", {"region_id": region["id"]})["cart"]["id"]
    timed(1, "POST", f"/store/carts/{cart}/line-items", {"variant_id": variant, "quantity": 1})
    timed(2, "POST", f"/store/carts/{cart}", {"email": "bench@example.com", "shipping_address": address})
    option = timed(3, "GET", f"/store/shipping-options?cart_id={cart}")["shipping_options"][0]["id"]
    timed(4, "POST", f"/store/carts/{cart}/shipping-methods", {"option_id": option})
    pc = timed(5, "POST", "/store/payment-collections", {"cart_id": cart})["payment_collection"]["id"]
    timed(6, "POST", f"/store/payment-collections/{pc}/payment-sessions", {"provider_id": "pp_system_default"})
    done = timed(7, "POST", f"/store/carts/{cart}/complete")
    timed(8, "GET", f"/store/orders/{done['order']['id']}")
    timings.append((time.perf_counter() - start) * 1000)

timings.sort()
print(f"checkout: runs={runs} mean={statistics.mean(timings):.1f}ms p50={timings[len(timings) // 2]:.1f}ms p95={timings[int(len(timings) * 0.95) - 1]:.1f}ms")
print("per call (mean ms): " + ", ".join(f"{name} {statistics.mean(t):.1f}" for name, t in zip(STEPS, per_step)))
