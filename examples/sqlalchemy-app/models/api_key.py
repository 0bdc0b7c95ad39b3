from sqlalchemy import Boolean, Column, ForeignKey, Index, Integer, String

from . import Base
from .mixins import TimestampMixin


class ApiKey(TimestampMixin, Base):
    __tablename__ = "api_keys"

    id = Column(Integer, primary_key=True)
    # The seed assumed a foreign key is indexed automatically; PostgreSQL does not do that.
    user_id = Column(Integer, ForeignKey("users.id", ondelete="CASCADE"), nullable=False)
    key_hash = Column(String(128), nullable=False, unique=True)
    is_active = Column(Boolean, nullable=False, default=True, index=True)

    __table_args__ = (
        Index("ix_api_keys_user_id", "user_id"),
        Index("ix_api_keys_user_active", "user_id", "is_active"),
        Index("ix_api_keys_created_at", "created_at"),
    )
