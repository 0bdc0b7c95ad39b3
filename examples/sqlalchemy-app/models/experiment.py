import sqlalchemy as sa

from . import Base
from .mixins import TimestampMixin

# A junction table: its primary key (experiment_id, tag) already serves lookups by experiment.
experiment_tags = sa.Table(
    "experiment_tags",
    Base.metadata,
    sa.Column("experiment_id", sa.Integer, sa.ForeignKey("experiments.id", ondelete="CASCADE"), primary_key=True),
    sa.Column("tag", sa.String(40), primary_key=True),
    sa.Index("ix_experiment_tags_experiment_id", "experiment_id"),
)


class Experiment(TimestampMixin, Base):
    __tablename__ = "experiments"

    id = sa.Column(sa.Integer, primary_key=True)
    user_id = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False)
    created_by = sa.Column(sa.Integer, sa.ForeignKey("users.id"), nullable=False)
    dataset_id = sa.Column(sa.Integer, sa.ForeignKey("datasets.id"), index=True)
    status = sa.Column(sa.String(20), nullable=False, index=True)

    __table_args__ = {"comment": "one row per training experiment"}


# Declared after the class, the way the seed's application added them.
sa.Index("ix_experiments_user_status", Experiment.user_id, Experiment.status)
sa.Index("idx_experiments_dataset_id", Experiment.dataset_id)
sa.Index("ix_experiments_created_by", Experiment.created_by)
