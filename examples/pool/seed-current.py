# dash_app/database/connection.py — the pool as the seed audit found it ("Current").
import os

from sqlalchemy import create_engine

DATABASE_URL = os.environ["DATABASE_URL"]

engine = create_engine(
    DATABASE_URL,
    pool_pre_ping=True,        # ✓ Verify connection health
    pool_size=50,
    max_overflow=50,
    pool_recycle=3600,         # ✓ Recycle every hour
    echo=False,                # ✓ Disable query logging in production
)
