"""triage feedback remembers the category before a correction, for the admins' review of lessons

Revision ID: 0012_feedback_previous
Revises: 0011_features
"""

import sqlalchemy as sa
from alembic import op

revision = "0012_feedback_previous"
down_revision = "0011_features"
branch_labels = None
depends_on = None


def upgrade():
    # a nullable column without constraints: a plain ALTER TABLE ADD COLUMN on SQLite and PostgreSQL alike
    op.add_column("triage_feedback", sa.Column("previous_category", sa.String(length=20), nullable=True))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":
        # in place (SQLite 3.35+), as 0011 does: no batch rebuild of the table
        op.execute("ALTER TABLE triage_feedback DROP COLUMN previous_category")
    else:
        op.drop_column("triage_feedback", "previous_category")
