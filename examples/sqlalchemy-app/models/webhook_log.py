from sqlalchemy import Column, ForeignKey, Index, Integer, String, Text

from . import Base
from .mixins import TimestampMixin


class WebhookLog(TimestampMixin, Base):
    """One row per delivery attempt: a write-heavy log table, indexed for time-range scans only."""

    __tablename__ = "webhook_logs"

    id = Column(Integer, primary_key=True)
    webhook_configuration_id = Column(
        Integer, ForeignKey("webhook_configurations.id", ondelete="CASCADE"), nullable=False
    )
    response_status = Column(Integer)
    response_body = Column(Text)
    endpoint = Column(String(500), nullable=False)

    __table_args__ = (Index("ix_webhook_logs_created_at", "created_at"),)
