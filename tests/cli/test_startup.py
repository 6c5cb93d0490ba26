"""``accord --help`` stays fast: building the CLI imports no numeric or web library."""

import subprocess
import sys

HEAVY = ["numpy", "scipy", "pydantic", "yaml", "pandas", "fastapi", "sqlalchemy", "matplotlib", "dask", "SALib"]


def test_cli_import_is_light():
    code = (
        "import sys, accord.cli.app\n"
        f"print(','.join(m for m in {HEAVY!r} if m in sys.modules))"
    )
    out = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, check=True)
    assert out.stdout.strip() == ""
