from sqlalchemy import Column, ForeignKey, Integer, String, UniqueConstraint

from . import Base
from .mixins import TimestampMixin


class Dataset(TimestampMixin, Base):
    __tablename__ = "datasets"

    id = Column(Integer, primary_key=True)
    owner_id = Column(Integer, ForeignKey("users.id"), nullable=False, index=True)
    name = Column(String(200), nullable=False)
    row_count = Column(Integer)

    __table_args__ = (UniqueConstraint("owner_id", "name", name="uq_datasets_owner_name"),)
