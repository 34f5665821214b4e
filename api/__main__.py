from api.cli import cli

cli(prog_name="python -m api")
