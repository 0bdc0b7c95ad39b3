from sqlalchemy import Boolean, Column, Integer, String

from . import Base
from .mixins import TimestampMixin


class User(TimestampMixin, Base):
    __tablename__ = "users"

    id = Column(Integer, primary_key=True)
    email = Column(String(255), nullable=False, unique=True)
    name = Column(String(120))
    is_active = Column(Boolean, nullable=False, default=True, index=True)
