"""faqperf: the related questions of each published article revision, computed once and shared by every node

Revision ID: 0016_faqperf_related
Revises: 0015_dashboard_rollup
"""

import sqlalchemy as sa
from alembic import op

revision = "0016_faqperf_related"
down_revision = "0015_dashboard_rollup"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "article_related",
        sa.Column("revision_id", sa.Integer(), nullable=False),
        sa.Column("article_ids", sa.Text(), nullable=False),
        sa.Column("computed_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["revision_id"], ["article_revisions.id"],
                                name=op.f("fk_article_related_revision_id_article_revisions"), ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("revision_id", name=op.f("pk_article_related")),
    )


def downgrade():
    op.drop_table("article_related")
