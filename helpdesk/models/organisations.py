"""The institutions behind requesters: an organisation per mail domain, several domains for a school board."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Boolean, DateTime, ForeignKey, String
from sqlalchemy.orm import Mapped, mapped_column, relationship

from ..extensions import db
from ._base import utcnow


class Organisation(db.Model):
    __tablename__ = "organisations"

    id: Mapped[int] = mapped_column(primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    named: Mapped[bool] = mapped_column(Boolean, default=False)  # an admin chose the name: kept without requesters
    created_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(DateTime, default=utcnow, onupdate=utcnow)

    domains: Mapped[list[OrganisationDomain]] = relationship(back_populates="organisation",
                                                             order_by="OrganisationDomain.domain")


class OrganisationDomain(db.Model):
    __tablename__ = "organisation_domains"

    id: Mapped[int] = mapped_column(primary_key=True)
    domain: Mapped[str] = mapped_column(String(253), unique=True)
    organisation_id: Mapped[int] = mapped_column(ForeignKey("organisations.id"), index=True)

    organisation: Mapped[Organisation] = relationship(back_populates="domains")
