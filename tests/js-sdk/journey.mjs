// The storefront journey through the official @medusajs/js-sdk, used exactly
// as its documentation shows, against a running medusa-rs host.
//
// env: MEDUSA_BACKEND_URL, MEDUSA_PUBLISHABLE_KEY, MEDUSA_PROMO_CODE (default WELCOME10)
import assert from "node:assert/strict"
import Medusa from "@medusajs/js-sdk"

const sdk = new Medusa({
  baseUrl: process.env.MEDUSA_BACKEND_URL,
  publishableKey: process.env.MEDUSA_PUBLISHABLE_KEY,
  auth: { type: "jwt", jwtTokenStorageMethod: "memory" },
})
const promo = process.env.MEDUSA_PROMO_CODE || "WELCOME10"
const ok = (step) => console.log(`ok - ${step}`)

async function main() {
  const { regions } = await sdk.store.region.list()
  const region = regions.find((r) => r.currency_code === "eur") ?? regions[0]
  assert.ok(region.countries.length > 0)
  ok("region.list")

  const { products, count } = await sdk.store.product.list({
    region_id: region.id,
    limit: 20,
    fields: "*variants.calculated_price,+variants.inventory_quantity",
  })
  assert.ok(count > 0)
  const inStock = products
    .map((p) => p.variants.find((v) => !v.manage_inventory || v.inventory_quantity > 0))
    .filter(Boolean)
  assert.ok(inStock.length >= 2)
  for (const v of inStock) assert.equal(typeof v.calculated_price.calculated_amount, "number")
  ok("product.list with prices")

  const { product } = await sdk.store.product.retrieve(products[0].id, { region_id: region.id })
  assert.equal(product.id, products[0].id)
  ok("product.retrieve")

  let { cart } = await sdk.store.cart.create({ region_id: region.id })
  ;({ cart } = await sdk.store.cart.createLineItem(cart.id, { variant_id: inStock[0].id, quantity: 1 }))
  ;({ cart } = await sdk.store.cart.createLineItem(cart.id, { variant_id: inStock[1].id, quantity: 1 }))
  ;({ cart } = await sdk.store.cart.updateLineItem(cart.id, cart.items[0].id, { quantity: 2 }))
  assert.equal(cart.items.length, 2)
  assert.ok(cart.total > 0 && typeof cart.item_subtotal === "number")
  ok("cart with two items")

  const country = region.countries[0].iso_2
  const email = `sdk+${Date.now()}@example.com`
  const address = { first_name: "Grace", last_name: "Hopper", address_1: "Street 1", city: "City", country_code: country, postal_code: "12345" }
  ;({ cart } = await sdk.store.cart.update(cart.id, { email, shipping_address: address, billing_address: address }))
  assert.equal(cart.email, email)
  ok("cart.update with addresses")

  const { shipping_options } = await sdk.store.fulfillment.listCartOptions({ cart_id: cart.id })
  assert.ok(shipping_options.length > 0)
  ;({ cart } = await sdk.store.cart.addShippingMethod(cart.id, { option_id: shipping_options[0].id }))
  assert.equal(cart.shipping_methods.at(-1).shipping_option_id, shipping_options[0].id)
  ok("shipping method")

  ;({ cart } = await sdk.store.cart.update(cart.id, { promo_codes: [promo] }))
  assert.ok(cart.discount_total > 0)
  assert.ok(cart.promotions.some((p) => p.code === promo))
  ok("promo code")

  const { payment_providers } = await sdk.store.payment.listPaymentProviders({ region_id: region.id })
  assert.ok(payment_providers.some((p) => p.id === "pp_system_default"))
  const { payment_collection } = await sdk.store.payment.initiatePaymentSession(cart, { provider_id: "pp_system_default" })
  assert.ok(payment_collection.payment_sessions.some((s) => s.status === "pending"))
  ok("payment session")

  await sdk.auth.register("customer", "emailpass", { email, password: "hopper123" })
  const { customer } = await sdk.store.customer.create({ email, first_name: "Grace", last_name: "Hopper" })
  assert.equal(customer.email, email)
  const token = await sdk.auth.login("customer", "emailpass", { email, password: "hopper123" })
  assert.equal(typeof token, "string")
  ;({ cart } = await sdk.store.cart.transferCart(cart.id))
  assert.equal(cart.customer_id, customer.id)
  ok("customer registered, logged in, cart transferred")

  const total = (await sdk.store.cart.retrieve(cart.id)).cart.total
  const result = await sdk.store.cart.complete(cart.id)
  assert.equal(result.type, "order")
  assert.ok(result.order.id.startsWith("order_"))
  ok("cart.complete")

  const { orders } = await sdk.store.order.list()
  assert.ok(orders.some((o) => o.id === result.order.id))
  const { order } = await sdk.store.order.retrieve(result.order.id)
  assert.equal(order.items.length, 2)
  assert.ok(order.display_id >= 1)
  assert.equal(order.total, total)
  const me = await sdk.store.customer.retrieve()
  assert.equal(me.customer.email, email)
  ok("orders of the customer")
}

main().catch((error) => {
  console.error(`not ok - ${error.status ?? ""} ${error.message}`)
  process.exit(1)
})
