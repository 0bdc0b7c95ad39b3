# The application's side of the models round trip, with the real SQLAlchemy and Alembic:
#   python3 models-alembic.py FOLDER URL create    create the schema the models declare
#   python3 models-alembic.py FOLDER URL compare   print Alembic autogenerate's differences (JSON)
# FOLDER holds the `models` package; it is imported fresh in each process.
import json
import sys

import sqlalchemy as sa

folder, url, command = sys.argv[1], sys.argv[2], sys.argv[3]
sys.path.insert(0, folder)
import models  # noqa: E402

metadata = models.Base.metadata
engine = sa.create_engine(url)
if command == 'create':
    metadata.create_all(engine)
else:
    from alembic.autogenerate import compare_metadata
    from alembic.migration import MigrationContext

    with engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata)
    print(json.dumps([repr(d) for d in differences]))
