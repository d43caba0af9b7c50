"""notifications: which mails each agent asks for (assigned to them, a requester's answer, an @mention)

Revision ID: 0014_notifications
Revises: 0013_macros
"""

import sqlalchemy as sa
from alembic import op

revision = "0014_notifications"
down_revision = "0013_macros"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "notification_settings",
        sa.Column("user_id", sa.Integer(), nullable=False),
        sa.Column("assigned", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("reply", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("mention", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.ForeignKeyConstraint(["user_id"], ["users.id"], name=op.f("fk_notification_settings_user_id_users"),
                                ondelete="CASCADE"),
        sa.PrimaryKeyConstraint("user_id", name=op.f("pk_notification_settings")),
    )


def downgrade():
    op.drop_table("notification_settings")
