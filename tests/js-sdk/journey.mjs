// The storefront journey through the official @medusajs/js-sdk, used as its
// documentation shows, against a running medusa-rs host with the demo store.
//
//   MEDUSA_BACKEND_URL=http://127.0.0.1:9000 MEDUSA_PUBLISHABLE_KEY=pk_... node journey.mjs
//
// Optional: MEDUSA_PROMO_CODE (default WELCOME10).
// Prints "ok - <step>" per step; on the first failure prints "not ok - <step>: ..."
// (with the HTTP status for a FetchError) and exits with 1.
import assert from "node:assert/strict"
import Medusa, { FetchError } from "@medusajs/js-sdk"

const baseUrl = process.env.MEDUSA_BACKEND_URL
const publishableKey = process.env.MEDUSA_PUBLISHABLE_KEY
const promoCode = process.env.MEDUSA_PROMO_CODE || "WELCOME10"
if (!baseUrl || !publishableKey) {
  console.error("not ok - setup: set MEDUSA_BACKEND_URL and MEDUSA_PUBLISHABLE_KEY")
  process.exit(1)
}

const sdk = new Medusa({
  baseUrl,
  publishableKey,
  // Outside a browser the SDK's default token storage is "nostore" (no
  // localStorage), so the token from register/login would never be sent.
  // "memory" is the documented choice for server-side use.
  auth: { type: "jwt", jwtTokenStorageMethod: "memory" },
})

let current = "setup"
let steps = 0
async function step(name, fn) {
  current = name
  const value = await fn()
  steps += 1
  console.log(`ok - ${name}`)
  return value
}

const isNumber = (v) => typeof v === "number" && Number.isFinite(v)
const close = (a, b) => Math.abs(a - b) < 1e-6
/** Units a variant can be sold from stock (Infinity when stock is not tracked). */
const stock = (v) =>
  v.manage_inventory === false || v.allow_backorder === true ? Infinity : v.inventory_quantity ?? 0

async function journey() {
  const stamp = Date.now()
  const email = `js-sdk+${stamp}@example.com`
  const password = `pw-${stamp}`

  const region = await step("region.list", async () => {
    const { regions } = await sdk.store.region.list()
    const withCountries = regions.filter((r) => r.countries?.length > 0)
    assert.ok(withCountries.length > 0, "no region has countries")
    return withCountries.find((r) => r.currency_code === "eur") ?? withCountries[0]
  })
  const country = region.countries[0].iso_2
  assert.match(country, /^[a-z]{2}$/, "iso_2 is lower-case")

  const [first, second] = await step("product.list with prices and stock", async () => {
    const { products, count } = await sdk.store.product.list({
      region_id: region.id,
      limit: 20,
      fields: "*variants.calculated_price,+variants.inventory_quantity",
    })
    assert.ok(count > 0, `count is ${count}`)
    assert.ok(products.length > 0 && products.length <= 20, `${products.length} products`)
    for (const p of products) {
      for (const v of p.variants ?? []) {
        assert.ok(isNumber(v.calculated_price?.calculated_amount), `variant ${v.id} has no calculated_amount`)
        assert.equal(v.calculated_price.currency_code, region.currency_code)
      }
    }
    // The first variant gets quantity 2, so it needs two units in stock.
    const candidates = products.flatMap((p) =>
      (p.variants ?? []).filter((v) => stock(v) > 0).map((v) => ({ ...v, productId: p.id }))
    )
    const a = candidates.find((v) => stock(v) >= 2)
    assert.ok(a, "no variant with two units in stock")
    const b =
      candidates.find((v) => v.productId !== a.productId) ?? candidates.find((v) => v.id !== a.id)
    assert.ok(b, "no second variant in stock")
    return [a, b]
  })

  await step("product.retrieve", async () => {
    const { product } = await sdk.store.product.retrieve(first.productId, { region_id: region.id })
    assert.equal(product.id, first.productId)
    const variant = product.variants.find((v) => v.id === first.id)
    assert.ok(variant, "retrieved product lacks the listed variant")
    assert.ok(isNumber(variant.calculated_price?.calculated_amount), "region_id alone prices the variants")
  })

  let cart = await step("cart.create", async () => {
    const { cart } = await sdk.store.cart.create({ region_id: region.id })
    assert.ok(cart.id.startsWith("cart_"), cart.id)
    assert.equal(cart.region_id, region.id)
    assert.equal(cart.currency_code, region.currency_code)
    return cart
  })

  cart = await step("cart.createLineItem twice, updateLineItem", async () => {
    let { cart: c } = await sdk.store.cart.createLineItem(cart.id, { variant_id: first.id, quantity: 1 })
    ;({ cart: c } = await sdk.store.cart.createLineItem(cart.id, { variant_id: second.id, quantity: 1 }))
    assert.equal(c.items.length, 2)
    const line = c.items.find((i) => i.variant_id === first.id)
    assert.ok(line, "no line for the first variant")
    ;({ cart: c } = await sdk.store.cart.updateLineItem(cart.id, line.id, { quantity: 2 }))
    assert.equal(c.items.length, 2)
    assert.equal(c.items.find((i) => i.id === line.id).quantity, 2)
    for (const key of ["total", "subtotal", "item_total", "item_subtotal", "tax_total", "discount_total", "shipping_total"]) {
      assert.ok(isNumber(c[key]), `cart.${key} is ${c[key]}`)
    }
    assert.ok(c.total > 0, `cart.total is ${c.total}`)
    if (c.items.every((i) => !i.is_tax_inclusive)) {
      const expected = c.items.reduce((sum, i) => sum + i.unit_price * i.quantity, 0)
      assert.ok(close(c.item_subtotal, expected), `item_subtotal ${c.item_subtotal}, expected ${expected}`)
    }
    return c
  })

  const address = {
    first_name: "Grace",
    last_name: "Hopper",
    address_1: "1 Harbour Street",
    city: "Arlington",
    country_code: country,
    postal_code: "12345",
    phone: "",
  }
  cart = await step("cart.update with email and addresses", async () => {
    const { cart: c } = await sdk.store.cart.update(cart.id, {
      email,
      shipping_address: address,
      billing_address: { ...address, address_1: "2 Billing Road" },
    })
    assert.equal(c.email, email)
    assert.equal(c.shipping_address?.country_code, country)
    assert.equal(c.shipping_address?.city, "Arlington")
    assert.equal(c.billing_address?.address_1, "2 Billing Road")
    return c
  })

  cart = await step("fulfillment.listCartOptions, cart.addShippingMethod", async () => {
    const { shipping_options } = await sdk.store.fulfillment.listCartOptions({ cart_id: cart.id })
    assert.ok(shipping_options.length > 0, "no shipping options for the cart")
    const option = shipping_options.find((o) => isNumber(o.amount)) ?? shipping_options[0]
    const { cart: c } = await sdk.store.cart.addShippingMethod(cart.id, { option_id: option.id })
    assert.equal(c.shipping_methods.length, 1)
    assert.equal(c.shipping_methods.at(-1).shipping_option_id, option.id)
    assert.ok(isNumber(c.shipping_total), `shipping_total is ${c.shipping_total}`)
    return c
  })

  cart = await step(`promo code ${promoCode}`, async () => {
    const before = cart.total
    const { cart: c } = await sdk.store.cart.update(cart.id, { promo_codes: [promoCode] })
    assert.ok(c.discount_total > 0, `discount_total is ${c.discount_total}`)
    assert.ok(c.promotions?.some((p) => p.code === promoCode), "cart.promotions lacks the code")
    assert.ok(c.total < before, `total ${c.total} not below ${before}`)
    return c
  })

  await step("payment.listPaymentProviders", async () => {
    const { payment_providers } = await sdk.store.payment.listPaymentProviders({ region_id: region.id })
    assert.ok(
      payment_providers.some((p) => p.id === "pp_system_default"),
      `providers: ${payment_providers.map((p) => p.id)}`
    )
  })

  cart = await step("payment.initiatePaymentSession", async () => {
    const { payment_collection } = await sdk.store.payment.initiatePaymentSession(cart, {
      provider_id: "pp_system_default",
    })
    assert.ok(payment_collection.id.startsWith("pay_col_"), payment_collection.id)
    const session = payment_collection.payment_sessions?.find((s) => s.provider_id === "pp_system_default")
    assert.equal(session?.status, "pending")
    // The starter reads the session back from the cart.
    const { cart: c } = await sdk.store.cart.retrieve(cart.id)
    assert.equal(c.payment_collection?.id, payment_collection.id)
    assert.ok(c.payment_collection.payment_sessions?.some((s) => s.status === "pending"))
    return c
  })

  const customer = await step("auth.register, customer.create, auth.login", async () => {
    const registration = await sdk.auth.register("customer", "emailpass", { email, password })
    assert.equal(typeof registration, "string")
    const { customer } = await sdk.store.customer.create({ email, first_name: "Grace", last_name: "Hopper" })
    assert.ok(customer.id.startsWith("cus_"), customer.id)
    assert.equal(customer.email, email)
    const token = await sdk.auth.login("customer", "emailpass", { email, password })
    assert.equal(typeof token, "string", `login returned ${JSON.stringify(token)}`)
    return customer
  })

  if (typeof sdk.store.cart.transferCart === "function") {
    cart = await step("cart.transferCart", async () => {
      const { cart: c } = await sdk.store.cart.transferCart(cart.id)
      assert.equal(c.customer_id, customer.id)
      return c
    })
  } else {
    console.log("# skipped cart.transferCart: not in this SDK version")
  }

  const order = await step("cart.complete", async () => {
    const { cart: latest } = await sdk.store.cart.retrieve(cart.id)
    const result = await sdk.store.cart.complete(cart.id)
    assert.equal(result.type, "order", `completion returned a cart: ${result.error?.message}`)
    assert.ok(result.order.id.startsWith("order_"), result.order.id)
    return { id: result.order.id, cartTotal: latest.total }
  })

  await step("order.list as the customer", async () => {
    const { orders } = await sdk.store.order.list()
    assert.ok(orders.some((o) => o.id === order.id), "the customer's orders lack the new order")
  })

  await step("order.retrieve", async () => {
    const { order: o } = await sdk.store.order.retrieve(order.id)
    assert.equal(o.id, order.id)
    assert.equal(o.items.length, 2)
    assert.ok(Number.isInteger(o.display_id) && o.display_id >= 1, `display_id ${o.display_id}`)
    assert.equal(o.total, order.cartTotal, "order total equals the cart total at completion")
    assert.equal(o.email, email)
  })

  await step("customer.retrieve", async () => {
    const { customer: me } = await sdk.store.customer.retrieve()
    assert.equal(me.id, customer.id)
    assert.equal(me.email, email)
  })
}

try {
  await journey()
  console.log(`# journey complete: ${steps} steps`)
} catch (error) {
  let detail = error?.message ?? String(error)
  if (error instanceof FetchError) {
    detail += ` (HTTP ${error.status} ${error.statusText})`
  } else if (!(error instanceof assert.AssertionError)) {
    // A TypeError on a missing field, or a network failure ("fetch failed").
    detail += `\n${error?.stack ?? ""}`
    if (error?.cause) detail += `\ncause: ${error.cause.message ?? error.cause}`
  }
  console.error(`not ok - ${current}: ${detail}`)
  process.exit(1)
}
