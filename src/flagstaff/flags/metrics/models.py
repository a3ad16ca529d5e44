"""Evaluations SDKs report, per flag, application, environment and hour. Written in batches by
``applications.buffer.MetricsBuffer``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, String
from sqlalchemy.orm import Mapped, mapped_column

from flagstaff.core.db import ID_LENGTH, NAME_LENGTH, Base, UTCDateTime


class ClientMetric(Base):
    """Evaluations of one flag by one application in one environment during one hour. No
    foreign key to the flag: metrics outlive an archived flag, as Unleash's do."""

    __tablename__ = "client_metrics"
    __table_args__ = (CheckConstraint("yes >= 0 AND no >= 0", name="counts_not_negative"),)

    feature_name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    app_name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    environment: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True, index=True)
    yes: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
    no: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)


class ClientMetricVariant(Base):
    __tablename__ = "client_metric_variants"
    __table_args__ = (CheckConstraint("count >= 0", name="count_not_negative"),)

    feature_name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    app_name: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    environment: Mapped[str] = mapped_column(String(ID_LENGTH), primary_key=True)
    timestamp: Mapped[datetime] = mapped_column(UTCDateTime, primary_key=True)
    variant: Mapped[str] = mapped_column(String(NAME_LENGTH), primary_key=True)
    count: Mapped[int] = mapped_column(BigInteger, nullable=False, default=0)
