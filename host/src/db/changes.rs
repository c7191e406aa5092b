//! Which committed writes can change what the catalogue shows.
//!
//! Every write statement passes through [`Transaction`](super::Transaction),
//! which asks [`touches_catalogue`] about the table it writes. A transaction that
//! wrote such a table bumps the process-wide [`generation`] twice: when it
//! writes (so readers that start afterwards do not keep what they read) and
//! when it commits (so what a reader read before the commit is discarded too).
//! Read caches compare generations instead of tracking tables themselves, and
//! [`subscribe`] lets the runtime forward local changes to other hosts.

use std::sync::OnceLock;
use std::sync::atomic::{AtomicU64, Ordering};

use tokio::sync::broadcast;

static GENERATION: AtomicU64 = AtomicU64::new(1);
static STOCK_GENERATION: AtomicU64 = AtomicU64::new(1);
static PROMOTION_GENERATION: AtomicU64 = AtomicU64::new(1);
static COMMITTED: OnceLock<broadcast::Sender<()>> = OnceLock::new();

/// Tables (and, ending in `_`, table-name prefixes) whose rows the cached
/// store reads never show: carts, payments, orders, returns, customers,
/// auth and the framework's own bookkeeping. Link tables are named after their
/// left model, so `cart_…` and `order_…` links fall under the same entries.
const VOLATILE: &[&str] = &[
    "cart",
    "cart_",
    "order",
    "order_",
    "customer",
    "customer_",
    "payment",
    "payment_collection",
    "payment_collection_",
    "payment_session",
    "capture",
    "refund",
    "return",
    "return_item",
    "fulfillment",
    "fulfillment_item",
    "user",
    "invite",
    "auth_identity",
    "auth_session",
    "provider_identity",
    "workflow_",
    "event_",
    "scheduled_job",
    "medusa_schema",
    "_sqlx_",
];

/// Tables of stock levels and reservations: every order writes them, so they
/// do not move the catalogue generation (the cached rows of carts, regions
/// and variants never show stock); they move the stock generation, which
/// cached store answers (that may show `inventory_quantity`) also check.
const STOCK: &[&str] = &["inventory_level", "reservation_item"];

/// Promotions, their rules and campaigns with budgets (entries as in
/// [`VOLATILE`]): completing a cart that used one writes them, so they move
/// the promotion generation (and the stock one, which the same transactions
/// move), never the catalogue's.
const PROMOTIONS: &[&str] = &[
    "promotion",
    "promotion_",
    "application_method",
    "application_method_",
    "campaign",
    "campaign_",
];

/// What a write statement may change.
#[derive(Debug, Clone, Copy, PartialEq, Eq, PartialOrd, Ord)]
pub enum Reach {
    /// Nothing cached (carts, orders, the framework's bookkeeping...).
    Volatile,
    /// Stock levels and reservations.
    Stock,
    /// Promotions (and, to be safe, stock: one transaction often writes both).
    Promotion,
    /// What the catalogue shows.
    Catalogue,
}

/// Before a write that may change `reach`: nothing computed meanwhile is kept.
pub fn starting(reach: Reach) {
    match reach {
        Reach::Catalogue => bump(),
        Reach::Promotion => bump_promotions(),
        Reach::Stock => bump_stock(),
        Reach::Volatile => {}
    }
}

/// After a write that changed `reach` committed: moves the generations and
/// tells the other hosts.
pub fn finished(reach: Reach) {
    match reach {
        Reach::Catalogue => committed(),
        Reach::Promotion => {
            bump_promotions();
            announce();
        }
        Reach::Stock => {
            bump_stock();
            announce();
        }
        Reach::Volatile => {}
    }
}

/// What a write statement (as SQL text) may change. Unknown shapes count as
/// catalogue changes: over-invalidating is safe, missing one is not.
pub fn reach(sql: &str) -> Reach {
    let sql = sql.trim_start();
    if sql
        .get(..5)
        .is_some_and(|head| head.eq_ignore_ascii_case("WITH "))
    {
        return batch_reach(sql);
    }
    written_table(sql).map_or(Reach::Catalogue, table_reach)
}

fn table_reach(table: &str) -> Reach {
    let table = table.to_ascii_lowercase();
    if STOCK.contains(&table.as_str()) {
        Reach::Stock
    } else if is_listed(PROMOTIONS, &table) {
        Reach::Promotion
    } else if is_listed(VOLATILE, &table) {
        Reach::Volatile
    } else {
        Reach::Catalogue
    }
}

/// A batch of writes (`WITH write_0 AS (INSERT INTO "a" …) UPDATE "b" …`,
/// as [`super::Write`]s are sent): the furthest reach of the tables it
/// writes, each named right after `INSERT INTO`, `UPDATE` or `DELETE FROM`
/// (sea-query quotes them, so `DO UPDATE SET` is not taken for one).
fn batch_reach(sql: &str) -> Reach {
    let mut reach = None;
    for keyword in ["INSERT INTO \"", "UPDATE \"", "DELETE FROM \""] {
        for (at, _) in sql.match_indices(keyword) {
            let name = sql[at + keyword.len()..]
                .split('"')
                .next()
                .unwrap_or_default();
            let this = if name.is_empty() {
                Reach::Catalogue
            } else {
                table_reach(name)
            };
            reach = Some(reach.map_or(this, |r: Reach| r.max(this)));
        }
    }
    reach.unwrap_or(Reach::Catalogue)
}

fn is_listed(entries: &[&str], table: &str) -> bool {
    entries.iter().any(|entry| match entry.strip_suffix('_') {
        Some(_) => table.starts_with(entry),
        None => table == *entry,
    })
}

/// The current catalogue generation: it changes whenever catalogue data may have.
pub fn generation() -> u64 {
    GENERATION.load(Ordering::Acquire)
}

/// The current stock generation: it changes whenever stock may have.
pub fn stock_generation() -> u64 {
    STOCK_GENERATION.load(Ordering::Acquire)
}

/// The current promotion generation: it changes whenever promotions may have.
pub fn promotion_generation() -> u64 {
    PROMOTION_GENERATION.load(Ordering::Acquire)
}

/// Marks catalogue data (and so stock too) as changed: a local write, or a
/// peer host's notice.
pub fn bump() {
    GENERATION.fetch_add(1, Ordering::AcqRel);
    bump_promotions();
}

/// Marks promotions (and stock) as changed.
pub fn bump_promotions() {
    PROMOTION_GENERATION.fetch_add(1, Ordering::AcqRel);
    bump_stock();
}

/// Marks stock as changed.
pub fn bump_stock() {
    STOCK_GENERATION.fetch_add(1, Ordering::AcqRel);
}

/// Called after a transaction that touched catalogue tables committed.
pub(super) fn committed() {
    bump();
    announce();
}

fn announce() {
    if let Some(tx) = COMMITTED.get() {
        // No receiver is fine: nobody forwards changes on a single host.
        let _ = tx.send(());
    }
}

/// Commits of catalogue changes made by this process, for forwarding to peers.
pub fn subscribe() -> broadcast::Receiver<()> {
    COMMITTED
        .get_or_init(|| broadcast::channel(64).0)
        .subscribe()
}

/// Whether a write statement (as SQL text) can change catalogue data.
pub fn touches_catalogue(sql: &str) -> bool {
    reach(sql) == Reach::Catalogue
}

/// The table an `INSERT INTO`, `UPDATE` or `DELETE FROM` statement writes.
fn written_table(sql: &str) -> Option<&str> {
    let sql = sql.trim_start();
    let upper_prefix = |p: &str| {
        sql.get(..p.len())
            .is_some_and(|head| head.eq_ignore_ascii_case(p))
    };
    let rest = if upper_prefix("INSERT INTO ") {
        &sql["INSERT INTO ".len()..]
    } else if upper_prefix("UPDATE ") {
        &sql["UPDATE ".len()..]
    } else if upper_prefix("DELETE FROM ") {
        &sql["DELETE FROM ".len()..]
    } else {
        return None;
    };
    let rest = rest.trim_start();
    let name = if let Some(quoted) = rest.strip_prefix('"') {
        quoted.split('"').next()?
    } else {
        rest.split(|c: char| c.is_whitespace() || c == '(').next()?
    };
    (!name.is_empty()).then_some(name)
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn a_batch_reaches_as_far_as_its_furthest_table() {
        let journal = r#"WITH "write_0" AS (INSERT INTO "workflow_execution" ("id") VALUES ($1)), "write_1" AS (INSERT INTO "event_outbox" ("id") VALUES ($2)) INSERT INTO "workflow_step" ("id") VALUES ($3) ON CONFLICT ("id") DO UPDATE SET "state" = "excluded"."state""#;
        assert_eq!(reach(journal), Reach::Volatile);
        let stock = r#"WITH "write_0" AS (UPDATE "inventory_level" SET x = 1) INSERT INTO "cart" ("id") VALUES ($1)"#;
        assert_eq!(reach(stock), Reach::Stock);
        let catalogue = r#"WITH "write_0" AS (DELETE FROM "product" WHERE id = $1) INSERT INTO "cart" ("id") VALUES ($1)"#;
        assert_eq!(reach(catalogue), Reach::Catalogue);
        assert_eq!(reach("WITH x AS (SELECT 1) SELECT 2"), Reach::Catalogue);
    }

    #[test]
    fn promotion_writes_move_the_promotion_and_stock_generations_only() {
        for sql in [
            r#"UPDATE "promotion" SET used = 1"#,
            r#"UPDATE "campaign_budget" SET used = 1"#,
            r#"INSERT INTO "promotion_rule" ("id") VALUES ($1)"#,
            r#"DELETE FROM "application_method_target_rules" WHERE id = $1"#,
        ] {
            assert_eq!(reach(sql), Reach::Promotion, "{sql}");
        }
        let batch = r#"WITH "write_0" AS (UPDATE "inventory_level" SET x = 1) UPDATE "campaign_budget" SET used = 1"#;
        assert_eq!(reach(batch), Reach::Promotion);
        assert!(Reach::Stock < Reach::Promotion && Reach::Promotion < Reach::Catalogue);
        let (promotions, stock) = (promotion_generation(), stock_generation());
        starting(Reach::Promotion);
        assert!(promotion_generation() > promotions);
        assert!(stock_generation() > stock);
    }

    #[test]
    fn catalogue_tables_count_and_volatile_ones_do_not() {
        assert!(touches_catalogue(
            r#"INSERT INTO "product" ("id") VALUES ($1)"#
        ));
        assert!(!touches_catalogue(r#"UPDATE "inventory_level" SET x = 1"#));
        assert_eq!(reach(r#"UPDATE "inventory_level" SET x = 1"#), Reach::Stock);
        assert_eq!(
            reach(r#"INSERT INTO "reservation_item" (id) VALUES ($1)"#),
            Reach::Stock
        );
        assert_eq!(reach(r#"UPDATE "cart" SET x = 1"#), Reach::Volatile);
        assert_eq!(
            reach(r#"UPDATE "inventory_item" SET x = 1"#),
            Reach::Catalogue
        );
        assert!(touches_catalogue(r#"DELETE FROM "brand" WHERE id = $1"#));
        assert!(touches_catalogue("update price set amount = 1"));
        assert!(touches_catalogue(
            r#"UPDATE "payment_provider" SET is_enabled = $1"#
        ));
        assert!(touches_catalogue(
            r#"INSERT INTO "product_product_pricing_price_set" ("id") VALUES ($1)"#
        ));
        assert!(!touches_catalogue(
            r#"INSERT INTO "cart_line_item" ("id") VALUES ($1)"#
        ));
        assert!(!touches_catalogue(
            r#"UPDATE "workflow_execution" SET state = $1"#
        ));
        assert!(!touches_catalogue(
            r#"DELETE FROM "event_outbox" WHERE id = $1"#
        ));
        assert!(!touches_catalogue(
            r#"INSERT INTO "return_item" ("id") VALUES ($1)"#
        ));
        assert!(touches_catalogue(
            r#"INSERT INTO "return_reason" ("id") VALUES ($1)"#
        ));
        // Unknown statements invalidate.
        assert!(touches_catalogue(
            "WITH x AS (SELECT 1) UPDATE product SET a = 1"
        ));
    }

    #[test]
    fn bump_moves_the_generation() {
        let before = generation();
        bump();
        assert!(generation() > before);
    }
}
