"""s3sim works from a built wheel, from any working directory: configs travel inside it."""

import os
import subprocess
import sys
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent


@pytest.mark.slow
def test_the_wheel_carries_configs_and_runs_from_elsewhere(tmp_path):
    wheels = tmp_path / "wheels"
    subprocess.run(
        [
            sys.executable,
            "-m",
            "pip",
            "wheel",
            "--quiet",
            "--no-deps",
            "-w",
            str(wheels),
            str(ROOT),
        ],
        check=True,
        cwd=tmp_path,
        capture_output=True,
        timeout=300,
    )
    (wheel,) = wheels.glob("s3sim-*.whl")
    site = tmp_path / "site"
    with zipfile.ZipFile(wheel) as archive:
        names = set(archive.namelist())
        archive.extractall(site)
    for needed in (
        "sim/_configs/config.yaml",
        "sim/_configs/scenario/targeted.yaml",
        "sim/_configs/experiment/standard_comparison.yaml",
        "sim/data/examples/nace_mapping.yaml",
    ):
        assert needed in names
    assert not any(n.startswith("sim/_configs/experiment/") and n.endswith(".py") for n in names)
    # run from an unrelated folder, the unpacked wheel first on the path
    work = tmp_path / "elsewhere"
    work.mkdir()
    env = {**os.environ, "PYTHONPATH": str(site)}
    probe = subprocess.run(
        [
            sys.executable,
            "-c",
            "import sim, sim.config.paths as paths; print(sim.__file__); print(paths.config_dir())",
        ],
        check=True,
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
    )
    module, configs = probe.stdout.split()
    assert module.startswith(str(site)) and configs == str(site / "sim" / "_configs")
    proc = subprocess.run(
        [
            sys.executable,
            "-m",
            "sim.cli",
            "scenario=targeted",
            "economy.n_firms=1500",
            "years.start=2000",
            "years.end=2004",
            "years.burn_in=1",
            "output.plots=false",
            "hydra.run.dir=out",
        ],
        cwd=work,
        env=env,
        capture_output=True,
        text=True,
        timeout=300,
    )
    assert proc.returncode == 0, proc.stderr[-2000:]
    assert (work / "out" / "_COMPLETE").is_file()
    assert (work / "out" / "ledger.parquet").is_file()
