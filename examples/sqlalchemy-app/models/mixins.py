from sqlalchemy import Column, DateTime, func


class TimestampMixin:
    """created_at / updated_at on every table that records when a row changed."""

    created_at = Column(DateTime(timezone=True), server_default=func.now(), nullable=False)
    updated_at = Column(DateTime(timezone=True), onupdate=func.now())
