"""The example application: a few writes and the queries its indexes are meant for.

    export DATABASE_URL=postgresql+psycopg2://postgres@127.0.0.1:5432/app
    alembic upgrade head && python app.py
"""
import os

from sqlalchemy import create_engine, select
from sqlalchemy.orm import Session

from models.api_key import ApiKey
from models.email_log import EmailLog
from models.user import User

# The seed's recommended pool: 30 + 30 connections, health-checked and recycled hourly.
engine = create_engine(
    os.environ["DATABASE_URL"],
    pool_pre_ping=True,
    pool_size=30,
    max_overflow=30,
    pool_recycle=3600,
    pool_timeout=30,
)


def main():
    with Session(engine) as session, session.begin():
        user = User(email=f"user{os.getpid()}@example.com", name="Example")
        session.add(user)
        session.flush()
        key = ApiKey(user_id=user.id, key_hash=f"hash-{os.getpid()}")
        session.add(key)
        session.flush()
        session.add(EmailLog(user_id=user.id, api_key_id=key.id, event_type="welcome", status="sent", recipient=user.email))
        user_id = user.id
    with Session(engine) as session:
        # Served by ix_api_keys_user_active (user_id, is_active).
        active = session.scalars(select(ApiKey).where(ApiKey.user_id == user_id, ApiKey.is_active.is_(True))).all()
        # Served by ix_email_logs_status: (user_id, status) cannot serve a filter on status alone.
        failed = session.scalars(select(EmailLog).where(EmailLog.status == "failed")).all()
        print(f"user {user_id}: {len(active)} active API key(s); {len(failed)} failed email(s) in the log")


if __name__ == "__main__":
    main()
