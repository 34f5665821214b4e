"""The SQL store: models, sessions, migrations, schemas of stored data, seed data and import parsing.

Nothing here imports the other packages of the project.
"""
