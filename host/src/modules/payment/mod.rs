//! Payment module: payment collections, sessions per provider, payments with
//! their captures and refunds, and providers (`pp_system_default`).

use crate::framework::dml::{ModelDef, ModuleDef};

pub fn definition() -> ModuleDef {
    ModuleDef::new("payment")
        .model(
            ModelDef::new("payment_collection", "pay_col")
                .text("currency_code")
                .big_number("amount")
                .big_number("authorized_amount")
                .nullable()
                .big_number("captured_amount")
                .nullable()
                .big_number("refunded_amount")
                .nullable()
                .text("region_id")
                .nullable()
                .enumeration(
                    "status",
                    [
                        "not_paid",
                        "awaiting",
                        "authorized",
                        "partially_authorized",
                        "canceled",
                        "failed",
                        "completed",
                    ],
                )
                .default("not_paid")
                .date_time("completed_at")
                .nullable()
                .json("metadata")
                .nullable()
                .has_many(
                    "payment_sessions",
                    "payment_session",
                    "payment_collection_id",
                )
                .cascade()
                .has_many("payments", "payment", "payment_collection_id")
                .cascade(),
        )
        .model(
            ModelDef::new("payment_session", "payses")
                .text("provider_id")
                .text("currency_code")
                .big_number("amount")
                .json("data")
                .nullable()
                .json("context")
                .nullable()
                .enumeration(
                    "status",
                    [
                        "pending",
                        "authorized",
                        "captured",
                        "requires_more",
                        "error",
                        "canceled",
                    ],
                )
                .default("pending")
                .date_time("authorized_at")
                .nullable()
                .belongs_to(
                    "payment_collection",
                    "payment_collection",
                    "payment_collection_id",
                ),
        )
        .model(
            ModelDef::new("payment", "pay")
                .text("provider_id")
                .text("currency_code")
                .big_number("amount")
                .text("payment_session_id")
                .nullable()
                .json("data")
                .nullable()
                .date_time("captured_at")
                .nullable()
                .date_time("canceled_at")
                .nullable()
                .belongs_to(
                    "payment_collection",
                    "payment_collection",
                    "payment_collection_id",
                )
                .has_many("captures", "capture", "payment_id")
                .cascade()
                .has_many("refunds", "refund", "payment_id")
                .cascade(),
        )
        .model(
            ModelDef::new("capture", "capt")
                .big_number("amount")
                .text("created_by")
                .nullable()
                .belongs_to("payment", "payment", "payment_id"),
        )
        .model(
            ModelDef::new("refund", "ref")
                .big_number("amount")
                .text("note")
                .nullable()
                .text("created_by")
                .nullable()
                .belongs_to("payment", "payment", "payment_id"),
        )
        .model(
            ModelDef::new("payment_provider", "pp")
                .boolean("is_enabled")
                .default(true),
        )
}
