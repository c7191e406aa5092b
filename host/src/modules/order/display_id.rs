//! Orders are numbered 1, 2, 3…: the next number is read from the highest
//! in the statement that inserts the order (deleted orders count, so a
//! number is never given twice). Two orders placed at once may read the
//! same number; the unique index refuses the second, which tries again.

use sea_query::{Alias, Expr, Func, Query, SimpleExpr};

/// `(SELECT COALESCE(MAX(display_id), 0) + 1 FROM "order")`
pub fn next() -> SimpleExpr {
    let mut highest = Query::select();
    highest
        .expr(
            SimpleExpr::from(Func::coalesce([
                Func::max(Expr::col((Alias::new("order"), Alias::new("display_id")))).into(),
                Expr::val(0).into(),
            ]))
            .add(1),
        )
        .from(Alias::new("order"));
    SimpleExpr::SubQuery(None, Box::new(highest.into_sub_query_statement()))
}

#[cfg(test)]
mod tests {
    use sea_query::{PostgresQueryBuilder, Query, SqliteQueryBuilder};

    use super::*;

    #[test]
    fn the_next_number_is_read_in_the_statement() {
        let mut select = Query::select();
        select.expr(next());
        let pg = select.to_string(PostgresQueryBuilder);
        assert_eq!(
            pg,
            r#"SELECT (SELECT COALESCE(MAX("order"."display_id"), 0) + 1 FROM "order")"#
        );
        assert!(
            select
                .to_string(SqliteQueryBuilder)
                .contains("COALESCE(MAX(")
        );
    }
}
