"""The table of mediation applications (勞資爭議調解申請): one row per case of kind 'mediation'.

The application's fields are one JSON document (cases/mediation.py describes and checks it), so that
the form can gain a field without a migration; the case row carries status, channel and times like
every other case. Created by migration 0008. Deleted with its case (foreign key ON DELETE CASCADE, and
explicitly by cases.service.purge).
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Optional

from sqlalchemy import JSON, ForeignKey, Integer
from sqlalchemy.orm import Mapped, mapped_column

from cases.models import Base, UTCDateTime, utcnow


class MediationApplication(Base):
    __tablename__ = "mediation_applications"

    case_id: Mapped[int] = mapped_column(ForeignKey("cases.id", ondelete="CASCADE"), primary_key=True)
    data: Mapped[dict[str, Any]] = mapped_column(JSON)
    # 1 as the worker sent it; +1 for every correction by staff (who is in updated_by and the audit log)
    revision: Mapped[int] = mapped_column(Integer, default=1)
    created_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(UTCDateTime, default=utcnow)
    updated_by: Mapped[Optional[int]] = mapped_column(ForeignKey("staff_users.id", ondelete="SET NULL"))
