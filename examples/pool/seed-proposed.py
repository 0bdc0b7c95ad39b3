# dash_app/database/connection.py — the seed audit's "Optimized Configuration", verbatim.
import os

from sqlalchemy import create_engine

DATABASE_URL = os.environ["DATABASE_URL"]

engine = create_engine(
    DATABASE_URL,
    pool_pre_ping=True,        # ✓ Verify connection health
    pool_size=30,              # Reduced from 50 (sufficient for 26 callbacks)
    max_overflow=30,           # Reduced from 50
    pool_recycle=3600,         # ✓ Recycle every hour
    pool_timeout=30,           # NEW: Wait 30s for connection
    echo=False,                # ✓ Disable query logging in production
    max_identifier_length=128, # NEW: PostgreSQL compatibility
)
