"""cluster: the index change log beside the `kb` counter, a `triage` counter, the database blob store

Revision ID: 0009_cluster
Revises: 0008_accounts
"""

import sqlalchemy as sa
from alembic import op

revision = "0009_cluster"
down_revision = "0008_accounts"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "index_changes",
        sa.Column("seq", sa.BigInteger(), nullable=False, autoincrement=False),
        sa.Column("slug", sa.String(length=200), nullable=False),
        sa.PrimaryKeyConstraint("seq", "slug", name=op.f("pk_index_changes")),
    )
    counters = sa.table("change_counters", sa.column("name", sa.String), sa.column("value", sa.BigInteger))
    op.bulk_insert(counters, [{"name": "triage", "value": 0}])
    op.create_table(
        "blobs",
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("size", sa.BigInteger(), nullable=False),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_blobs")),
    )
    op.create_table(
        "blob_chunks",
        sa.Column("key", sa.String(length=500), nullable=False),
        sa.Column("number", sa.Integer(), nullable=False, autoincrement=False),
        sa.Column("data", sa.LargeBinary(), nullable=False),
        sa.ForeignKeyConstraint(["key"], ["blobs.key"], name=op.f("fk_blob_chunks_key_blobs"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("key", "number", name=op.f("pk_blob_chunks")),
    )


def downgrade():
    op.drop_table("blob_chunks")
    op.drop_table("blobs")
    op.execute("DELETE FROM change_counters WHERE name = 'triage'")
    op.drop_table("index_changes")
