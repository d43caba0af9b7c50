"""features: organisations from the requester's mail domain

Revision ID: 0011_features
Revises: 0010_perftickets
"""

import sqlalchemy as sa
from alembic import op

from mail_ingest.addresses import organisation_domain

revision = "0011_features"
down_revision = "0010_perftickets"
branch_labels = None
depends_on = None


def upgrade():
    op.create_table(
        "organisations",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("name", sa.String(length=200), nullable=False),
        sa.Column("named", sa.Boolean(), nullable=False, server_default=sa.false()),
        sa.Column("created_at", sa.DateTime(), nullable=False),
        sa.Column("updated_at", sa.DateTime(), nullable=False),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisations")),
    )
    op.create_table(
        "organisation_domains",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("domain", sa.String(length=253), nullable=False),
        sa.Column("organisation_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["organisation_id"], ["organisations.id"],
                                name=op.f("fk_organisation_domains_organisation_id_organisations")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_organisation_domains")),
        sa.UniqueConstraint("domain", name=op.f("uq_organisation_domains_domain")),
    )
    with op.batch_alter_table("organisation_domains") as batch_op:
        batch_op.create_index(batch_op.f("ix_organisation_domains_organisation_id"), ["organisation_id"])
    if op.get_bind().dialect.name == "sqlite":
        # in place: a batch rebuild of `requesters` would drop a table that tickets refer to (refused with
        # foreign keys on) and that 0010's search triggers name
        op.execute("ALTER TABLE requesters ADD COLUMN organisation_id INTEGER CONSTRAINT "
                   "fk_requesters_organisation_id_organisations REFERENCES organisations (id)")
        op.create_index(op.f("ix_requesters_organisation_id"), "requesters", ["organisation_id"])
    else:
        with op.batch_alter_table("requesters") as batch_op:
            batch_op.add_column(sa.Column("organisation_id", sa.Integer(), nullable=True))
            batch_op.create_foreign_key(batch_op.f("fk_requesters_organisation_id_organisations"), "organisations",
                                        ["organisation_id"], ["id"])
            batch_op.create_index(batch_op.f("ix_requesters_organisation_id"), ["organisation_id"])
    _organisations_for_existing_requesters()


def _organisations_for_existing_requesters():
    """Every stored requester with an organisation's address gets the organisation of its domain."""
    bind = op.get_bind()
    requesters = sa.table("requesters", sa.column("id", sa.Integer), sa.column("email", sa.String),
                          sa.column("organisation_id", sa.Integer))
    organisations = sa.table("organisations", sa.column("id", sa.Integer), sa.column("name", sa.String),
                             sa.column("named", sa.Boolean), sa.column("created_at", sa.DateTime),
                             sa.column("updated_at", sa.DateTime))
    domains = sa.table("organisation_domains", sa.column("domain", sa.String),
                       sa.column("organisation_id", sa.Integer))
    by_domain: dict[str, list[int]] = {}
    for requester_id, email in bind.execute(sa.select(requesters.c.id, requesters.c.email)):
        domain = organisation_domain(email or "")
        if domain and domain.rpartition(".")[2] != "invalid":
            by_domain.setdefault(domain[:253], []).append(requester_id)
    now = sa.func.current_timestamp()
    for domain, ids in sorted(by_domain.items()):
        organisation_id = bind.execute(sa.insert(organisations).values(name=domain, named=False, created_at=now,
                                                                       updated_at=now)
                                       .returning(organisations.c.id)).scalar_one()
        bind.execute(sa.insert(domains).values(domain=domain, organisation_id=organisation_id))
        bind.execute(sa.update(requesters).where(requesters.c.id.in_(ids)).values(organisation_id=organisation_id))


def downgrade():
    if op.get_bind().dialect.name == "sqlite":  # in place, as in the upgrade
        op.drop_index(op.f("ix_requesters_organisation_id"), table_name="requesters")
        op.execute("ALTER TABLE requesters DROP COLUMN organisation_id")
    else:
        with op.batch_alter_table("requesters") as batch_op:
            batch_op.drop_index(batch_op.f("ix_requesters_organisation_id"))
            batch_op.drop_constraint(batch_op.f("fk_requesters_organisation_id_organisations"), type_="foreignkey")
            batch_op.drop_column("organisation_id")
    op.drop_table("organisation_domains")
    op.drop_table("organisations")
