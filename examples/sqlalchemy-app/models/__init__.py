"""The example application's SQLAlchemy models: one MetaData, one declarative Base.

The naming convention gives every index and unique constraint a predictable name, so Alembic
revisions and dbdoctor's findings name the same objects the database has.
"""
from sqlalchemy import MetaData
from sqlalchemy.orm import declarative_base

metadata = MetaData(
    naming_convention={
        "ix": "ix_%(table_name)s_%(column_0_name)s",
        "uq": "uq_%(table_name)s_%(column_0_name)s",
    }
)
Base = declarative_base(metadata=metadata)

# Imported after Base exists: each module registers its tables on Base.metadata.
from . import (  # noqa: E402,F401
    api_key,
    dataset,
    email_log,
    experiment,
    notification_preference,
    user,
    webhook_configuration,
    webhook_log,
)
