# Runs an Alembic revision online with the real Alembic and SQLAlchemy against a database, recording
# the operations it calls (the originals still run): python3 alembic-online.py REVISION.py URL upgrade|downgrade
import contextlib, importlib.util, json, sys
import sqlalchemy as sa
from alembic.migration import MigrationContext
from alembic.operations import Operations

calls = []
def plain(value):
    if isinstance(value, sa.sql.elements.TextClause): return {'text': value.text}
    if isinstance(value, (list, tuple)): return [plain(v) for v in value]
    if isinstance(value, dict): return {k: plain(v) for k, v in value.items()}
    return value
def spy(name, with_options):
    original = getattr(Operations, name)
    def recorded(self, *args, **kw):
        calls.append([name, *plain(list(args))] + ([plain(kw)] if with_options else []))
        return original(self, *args, **kw)
    setattr(Operations, name, recorded)
spy('create_index', True)
spy('drop_index', True)
spy('execute', False)
original_block = MigrationContext.autocommit_block
@contextlib.contextmanager
def block(self):
    calls.append(['begin autocommit'])
    with original_block(self):
        yield
    calls.append(['end autocommit'])
MigrationContext.autocommit_block = block

spec = importlib.util.spec_from_file_location('revision', sys.argv[1])
module = importlib.util.module_from_spec(spec)
spec.loader.exec_module(module)
engine = sa.create_engine(sys.argv[2])
with engine.connect() as connection:
    context = MigrationContext.configure(connection)
    with context.begin_transaction():
        with Operations.context(context):
            getattr(module, sys.argv[3])()
print(json.dumps({'revision': module.revision, 'down_revision': module.down_revision, 'calls': calls}))
