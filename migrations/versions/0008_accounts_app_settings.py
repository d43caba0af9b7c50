"""accounts: settings an admin sets in the application (retention periods), the environment as defaults

Revision ID: 0008_accounts
Revises: 0007_security
"""

import sqlalchemy as sa
from alembic import op

revision = "0008_accounts"
down_revision = "0007_security"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "app_settings",
        sa.Column("key", sa.String(length=100), nullable=False),
        sa.Column("value", sa.String(length=500), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.Column("updated_by_id", sa.Integer(), nullable=True),
        sa.ForeignKeyConstraint(["updated_by_id"], ["users.id"], name=op.f("fk_app_settings_updated_by_id_users"),
                                ondelete="SET NULL"),
        sa.PrimaryKeyConstraint("key", name=op.f("pk_app_settings")),
    )


def downgrade():
    op.drop_table("app_settings")
