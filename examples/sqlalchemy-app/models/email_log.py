from sqlalchemy import Column, DateTime, ForeignKey, Index, Integer, String

from . import Base
from .mixins import TimestampMixin


class EmailLog(TimestampMixin, Base):
    """One row per email sent: a write-heavy log table."""

    __tablename__ = "email_logs"

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id"), index=True)
    api_key_id = Column(Integer, ForeignKey("api_keys.id", ondelete="SET NULL"))
    event_type = Column(String(50), nullable=False, index=True)
    status = Column(String(20), nullable=False, index=True)
    recipient = Column(String(255), nullable=False)
    sent_at = Column(DateTime(timezone=True))

    __table_args__ = (
        Index("ix_email_logs_user_status", "user_id", "status"),
        Index("ix_email_logs_event_sent", "event_type", "sent_at"),
        Index("idx_email_logs_sent_at", "sent_at"),
    )
