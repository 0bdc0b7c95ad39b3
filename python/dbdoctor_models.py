"""Imports an application's SQLAlchemy models and prints the DDL SQLAlchemy emits for them.

Run by dbdoctor (``python3 dbdoctor_models.py PATH DIALECT``): every ``.py`` file under PATH is
imported as the application would import it (the folder above the outermost package goes on
``sys.path``), every ``MetaData`` the imported modules reach is collected, and ``create_all`` runs
on a mock engine of the dialect, which records each statement instead of executing it. Prints one
JSON document: the statements in order, the tables, and the modules that could not be imported.
Nothing is connected to and nothing is written.
"""
import importlib
import json
import os
import sys
import traceback


def package_root(path):
    """The folder to put on sys.path: the first ancestor of PATH that is not a package."""
    folder = path if os.path.isdir(path) else os.path.dirname(path)
    folder = os.path.abspath(folder)
    while os.path.exists(os.path.join(folder, '__init__.py')):
        folder = os.path.dirname(folder)
    return folder


def module_files(path):
    if os.path.isfile(path):
        return [os.path.abspath(path)]
    out = []
    for folder, dirs, files in os.walk(path):
        dirs[:] = sorted(d for d in dirs if not d.startswith('.') and d not in ('__pycache__', 'node_modules', 'venv', '.venv', 'migrations', 'alembic', 'tests'))
        out.extend(os.path.abspath(os.path.join(folder, f)) for f in sorted(files) if f.endswith('.py'))
    return out


def module_name(root, file):
    rel = os.path.relpath(file, root)[:-3].split(os.sep)
    if rel[-1] == '__init__':
        rel = rel[:-1]
    return '.'.join(rel)


def metadata_of(value, sqlalchemy):
    if isinstance(value, sqlalchemy.MetaData):
        return value
    if isinstance(value, sqlalchemy.Table):
        return value.metadata
    metadata = getattr(value, 'metadata', None)
    if isinstance(value, type) and isinstance(metadata, sqlalchemy.MetaData):
        return metadata
    return None


def enum_types(table, dialect):
    """CREATE TYPE for the named enums of a table's columns (PostgreSQL)."""
    if dialect.name != 'postgresql':
        return []
    try:
        from sqlalchemy.dialects.postgresql.named_types import CreateEnumType
    except ImportError:
        from sqlalchemy.dialects.postgresql.base import CreateEnumType
    import sqlalchemy
    out = []
    for column in table.columns:
        if isinstance(column.type, sqlalchemy.Enum) and column.type.name:
            out.append(CreateEnumType(column.type))
    return out


def each_table(metadata, dialect, unresolved):
    """Table by table, foreign keys last; those whose target no module defines go to `unresolved`."""
    from sqlalchemy.schema import AddConstraint, CreateIndex, CreateTable
    out, later, seen_types = [], [], set()
    for table in sorted(metadata.tables.values(), key=lambda t: t.fullname):
        for create_type in enum_types(table, dialect):
            if create_type.element.name not in seen_types:
                seen_types.add(create_type.element.name)
                out.append(create_type)
        out.append(CreateTable(table, include_foreign_key_constraints=[]))
        out.extend(CreateIndex(index) for index in table.indexes)
        for fk in table.foreign_key_constraints:
            try:
                fk.referred_table
                later.append(AddConstraint(fk))
            except Exception:
                unresolved.append({'table': table.name, 'schema': table.schema, 'name': fk.name,
                                   'columns': list(fk.column_keys),
                                   'references': [element.target_fullname for element in fk.elements]})
    return out + later


def main():
    path, dialect_name = sys.argv[1], sys.argv[2]
    import sqlalchemy
    root = package_root(path)
    sys.path.insert(0, root)
    failures = []
    modules = []
    for file in module_files(path):
        name = module_name(root, file)
        if not name:
            continue
        try:
            modules.append(importlib.import_module(name))
        except BaseException as error:  # a model module that cannot be imported is reported, not fatal
            failures.append({'module': name, 'file': file, 'error': '%s: %s' % (type(error).__name__, error),
                             'trace': traceback.format_exc(limit=3)})
    found = {}
    for module in modules:
        for value in list(vars(module).values()):
            metadata = metadata_of(value, sqlalchemy)
            if metadata is not None:
                found[id(metadata)] = metadata
    statements = []
    tables = []
    url = {'postgresql': 'postgresql://', 'mysql': 'mysql://', 'sqlite': 'sqlite://'}[dialect_name]

    elements = []

    def record(sql, *multiparams, **params):
        elements.append(sql)

    engine = sqlalchemy.create_mock_engine(url, record)
    unresolved = []
    for metadata in found.values():
        before = len(elements)
        try:
            metadata.create_all(engine, checkfirst=False)
        except sqlalchemy.exc.SQLAlchemyError:
            # A foreign key to a table no imported module defines: emit what resolves, list the rest.
            del elements[before:]
            elements.extend(each_table(metadata, engine.dialect, unresolved))
        tables.extend(t.fullname for t in metadata.tables.values())
    # A table's indexes are a set, iterated in memory order: sort each run of CREATE INDEX by name,
    # so that the same models always give the same statements (and the same report).
    from sqlalchemy.schema import CreateIndex
    ordered = []
    run = []
    for element in elements + [None]:
        if isinstance(element, CreateIndex):
            run.append(element)
            continue
        ordered.extend(sorted(run, key=lambda e: e.element.name or ''))
        run = []
        if element is not None:
            ordered.append(element)
    statements = [str(e.compile(dialect=engine.dialect)).strip() for e in ordered]
    json.dump({'sqlalchemy': sqlalchemy.__version__, 'statements': statements, 'tables': tables,
               'failures': failures, 'metadata': len(found), 'unresolvedForeignKeys': unresolved}, sys.stdout)


if __name__ == '__main__':
    main()
