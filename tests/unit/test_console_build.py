"""`make run` builds the console with scripts/build_console.sh; on a machine without Node.js it says so and lets
the API start alone (exit 0), rather than failing the start."""
import os
import shutil
import subprocess

from tests.platform import ROOT


def test_without_node_the_build_says_so_and_the_api_starts_alone(tmp_path):
    bin_dir = tmp_path / "bin"
    bin_dir.mkdir()
    for tool in ("bash", "dirname"):  # all the script needs before it looks for npm
        (bin_dir / tool).symlink_to(shutil.which(tool))
    run = subprocess.run([str(bin_dir / "bash"), str(ROOT / "scripts" / "build_console.sh")], capture_output=True,
                         text=True, env={**os.environ, "PATH": str(bin_dir)}, timeout=30)
    assert run.returncode == 0, run.stderr
    assert "Node.js (npm) not found" in run.stderr and "API starts alone" in run.stderr
