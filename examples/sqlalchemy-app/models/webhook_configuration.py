from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String

from . import Base
from .mixins import TimestampMixin


class WebhookConfiguration(TimestampMixin, Base):
    __tablename__ = "webhook_configurations"

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    provider_type = Column(String(30), nullable=False, index=True)
    url = Column(String(500), nullable=False)
    is_active = Column(Boolean, nullable=False, default=True, index=True)

    __table_args__ = (
        Index("idx_webhook_configurations_user", "user_id"),
        Index("ix_webhook_configurations_user_provider", "user_id", "provider_type"),
        Index("ix_webhook_configurations_active_provider", "is_active", "provider_type"),
    )
