//! Keyset paging: the condition "after this cursor" of every list, written once.
//!
//! A list ordered by `(created_at, id)` continues after the cursor's `(at, id)`. Written as
//! `created_at < at OR (created_at = at AND id < id)`, neither database turns the `OR` into an
//! index range, so a deep page reads (and throws away) every row before it. The row-value
//! comparison `(created_at, id) < (at, id)` (PostgreSQL, SQLite ≥ 3.15) is one range on an
//! index over `(…, created_at, id)`: page 500 reads what page 1 reads.

use diesel::QueryResult;
use diesel::backend::Backend;
use diesel::expression::{
    AppearsOnTable, AsExpression, Expression, SelectableExpression, ValidGrouping,
};
use diesel::query_builder::{AstPass, QueryFragment, QueryId};
use diesel::sql_types::{SingleValue, SqlType};

/// The SQL type of a row value `(a, b)`: only ever compared with another row value.
#[derive(Debug, Clone, Copy, Default, QueryId, SqlType)]
pub struct RowValue;

/// A row value `(first, second)`.
#[derive(Debug, Clone, Copy, QueryId, ValidGrouping)]
pub struct Row<A, B>(A, B);

impl<A: Expression, B: Expression> Expression for Row<A, B> {
    type SqlType = RowValue;
}

impl<A, B, QS> AppearsOnTable<QS> for Row<A, B>
where
    A: AppearsOnTable<QS>,
    B: AppearsOnTable<QS>,
{
}

impl<A, B, QS> SelectableExpression<QS> for Row<A, B>
where
    A: SelectableExpression<QS>,
    B: SelectableExpression<QS>,
{
}

impl<A, B, DB> QueryFragment<DB> for Row<A, B>
where
    DB: Backend,
    A: QueryFragment<DB>,
    B: QueryFragment<DB>,
{
    fn walk_ast<'b>(&'b self, mut out: AstPass<'_, 'b, DB>) -> QueryResult<()> {
        out.push_sql("(");
        self.0.walk_ast(out.reborrow())?;
        out.push_sql(", ");
        self.1.walk_ast(out.reborrow())?;
        out.push_sql(")");
        Ok(())
    }
}

diesel::infix_operator!(RowBefore, " < ");
diesel::infix_operator!(RowAfter, " > ");

/// The row value of two bound values, typed as the columns they are compared with.
type Bounds<A, B, X, Y> = Row<
    <X as AsExpression<<A as Expression>::SqlType>>::Expression,
    <Y as AsExpression<<B as Expression>::SqlType>>::Expression,
>;

/// `(first, second) < (at, id)`: what follows the cursor in a list ordered by both, descending.
pub fn before<A, B, X, Y>(
    (first, second): (A, B),
    (at, id): (X, Y),
) -> RowBefore<Row<A, B>, Bounds<A, B, X, Y>>
where
    A: Expression,
    B: Expression,
    A::SqlType: SqlType + SingleValue,
    B::SqlType: SqlType + SingleValue,
    X: AsExpression<A::SqlType>,
    Y: AsExpression<B::SqlType>,
{
    RowBefore::new(
        Row(first, second),
        Row(at.as_expression(), id.as_expression()),
    )
}

/// `(first, second) > (at, id)`: what follows the cursor in a list ordered by both, ascending.
pub fn after<A, B, X, Y>(
    (first, second): (A, B),
    (at, id): (X, Y),
) -> RowAfter<Row<A, B>, Bounds<A, B, X, Y>>
where
    A: Expression,
    B: Expression,
    A::SqlType: SqlType + SingleValue,
    B::SqlType: SqlType + SingleValue,
    X: AsExpression<A::SqlType>,
    Y: AsExpression<B::SqlType>,
{
    RowAfter::new(
        Row(first, second),
        Row(at.as_expression(), id.as_expression()),
    )
}
