"""Several nodes on one database: the ingest leader per mailbox, change counters for each node's caches and
the last run of each periodic job.

Revision ID: 0005_cluster
Revises: 0004_parse_notes
"""

import sqlalchemy as sa
from alembic import op

revision = "0005_cluster"
down_revision = "0004_parse_notes"
branch_labels = None
depends_on = None


def upgrade():
    with op.batch_alter_table("mailbox_states") as batch:
        batch.add_column(sa.Column("leader_host", sa.String(300), nullable=True))
        batch.add_column(sa.Column("leader_pid", sa.Integer(), nullable=True))
        batch.add_column(sa.Column("leader_since", sa.DateTime(), nullable=True))
    counters = op.create_table(
        "change_counters",
        sa.Column("name", sa.String(50), primary_key=True),
        sa.Column("value", sa.BigInteger(), nullable=False, server_default="0"),
    )
    op.bulk_insert(counters, [{"name": "kb", "value": 0}])
    op.create_table(
        "job_runs",
        sa.Column("name", sa.String(100), primary_key=True),
        sa.Column("last_run_at", sa.DateTime(), nullable=True),
        sa.Column("last_host", sa.String(300), nullable=True),
        sa.Column("last_result", sa.String(2000), nullable=True),
    )


def downgrade():
    op.drop_table("job_runs")
    op.drop_table("change_counters")
    with op.batch_alter_table("mailbox_states") as batch:
        batch.drop_column("leader_since")
        batch.drop_column("leader_pid")
        batch.drop_column("leader_host")
