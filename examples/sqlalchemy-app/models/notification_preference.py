from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String, UniqueConstraint

from . import Base


class NotificationPreference(Base):
    __tablename__ = "notification_preferences"
    __table_args__ = (
        UniqueConstraint("user_id", "event_type", name="uq_user_event_type"),
        Index("ix_notification_preferences_user_event", "user_id", "event_type"),
        {"comment": "one row per user and event"},
    )

    id = Column(Integer, primary_key=True)
    user_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False, index=True)
    event_type = Column(String(50), nullable=False, index=True)
    enabled = Column(Boolean, nullable=False, default=True)
