//! Customer module: customers (guests and registered), their addresses and groups.

use crate::framework::dml::{ModelDef, ModuleDef};
use crate::modules::common::with_address_fields;

pub fn definition() -> ModuleDef {
    ModuleDef::new("customer")
        .model(
            ModelDef::new("customer", "cus")
                .text("email")
                .nullable()
                .searchable()
                .index()
                .text("first_name")
                .nullable()
                .searchable()
                .text("last_name")
                .nullable()
                .searchable()
                .text("company_name")
                .nullable()
                .text("phone")
                .nullable()
                .boolean("has_account")
                .default(false)
                .text("created_by")
                .nullable()
                .json("metadata")
                .nullable()
                .has_many("addresses", "customer_address", "customer_id")
                .cascade()
                .many_to_many("groups", "customer_group", "customer_group_customer"),
        )
        .model(
            with_address_fields(
                ModelDef::new("customer_address", "cuaddr")
                    .text("address_name")
                    .nullable()
                    .boolean("is_default_shipping")
                    .default(false)
                    .boolean("is_default_billing")
                    .default(false),
            )
            .belongs_to("customer", "customer", "customer_id"),
        )
        .model(
            ModelDef::new("customer_group", "cusgroup")
                .text("name")
                .unique()
                .searchable()
                .json("metadata")
                .nullable()
                .many_to_many("customers", "customer", "customer_group_customer"),
        )
}
