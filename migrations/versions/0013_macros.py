"""macros: a canned reply may also set status, category and assignee; shared is a flag beside its owner

Revision ID: 0013_macros
Revises: 0012_feedback_previous
"""

import sqlalchemy as sa
from alembic import op

revision = "0013_macros"
down_revision = "0012_feedback_previous"
branch_labels = None
depends_on = None

TABLE = "canned_replies"
FK_ASSIGNEE = "fk_canned_replies_assignee_id_users"
# (name, SQL type, SQLAlchemy column) of the plain columns; the assignee's foreign key is added apart
COLUMNS = [
    ("shared", "BOOLEAN NOT NULL DEFAULT 0", sa.Column("shared", sa.Boolean(), nullable=False,
                                                       server_default=sa.false())),
    ("status", "VARCHAR(20)", sa.Column("status", sa.String(length=20), nullable=True)),
    ("snooze_days", "INTEGER", sa.Column("snooze_days", sa.Integer(), nullable=True)),
    ("category", "VARCHAR(20)", sa.Column("category", sa.String(length=20), nullable=True)),
    ("assign_self", "BOOLEAN NOT NULL DEFAULT 0", sa.Column("assign_self", sa.Boolean(), nullable=False,
                                                            server_default=sa.false())),
]


def upgrade():
    if op.get_bind().dialect.name == "sqlite":
        # in place, without a batch rebuild of the table (see 0011: rebuilding a table is where SQLite breaks)
        for name, sql_type, _column in COLUMNS:
            op.execute(f"ALTER TABLE {TABLE} ADD COLUMN {name} {sql_type}")
        op.execute(f"ALTER TABLE {TABLE} ADD COLUMN assignee_id INTEGER CONSTRAINT {FK_ASSIGNEE} "
                   "REFERENCES users (id)")
    else:
        with op.batch_alter_table(TABLE) as batch_op:
            for _name, _sql_type, column in COLUMNS:
                batch_op.add_column(column)
            batch_op.add_column(sa.Column("assignee_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(FK_ASSIGNEE, "users", ["assignee_id"], ["id"])
    # until now a shared text was one without an owner
    replies = sa.table(TABLE, sa.column("owner_id", sa.Integer), sa.column("shared", sa.Boolean))
    op.get_bind().execute(sa.update(replies).where(replies.c.owner_id.is_(None)).values(shared=True))


def downgrade():
    # the old meaning of shared: no owner (a shared text's creator is forgotten)
    replies = sa.table(TABLE, sa.column("owner_id", sa.Integer), sa.column("shared", sa.Boolean))
    op.get_bind().execute(sa.update(replies).where(replies.c.shared.is_(True)).values(owner_id=None))
    if op.get_bind().dialect.name == "sqlite":  # in place, as in the upgrade
        for name in ["assignee_id", *(name for name, _t, _c in reversed(COLUMNS))]:
            op.execute(f"ALTER TABLE {TABLE} DROP COLUMN {name}")
    else:
        with op.batch_alter_table(TABLE) as batch_op:
            batch_op.drop_constraint(FK_ASSIGNEE, type_="foreignkey")
            batch_op.drop_column("assignee_id")
            for name, _sql_type, _column in reversed(COLUMNS):
                batch_op.drop_column(name)
