"""params_file=PATH: a calibration's best.yaml applied by one override of s3sim."""

import subprocess
import sys

import pandas as pd
import pytest
import yaml

from sim.cli import run
from sim.config.params_file import apply_params_file
from sim.errors import ConfigError
from tests.conftest import compose_config

TINY = ["economy.n_firms=400", "years.start=2000", "years.end=2004", "years.burn_in=2",
        "output.plots=false"]  # fmt: skip
VALUES = {"dynamics.competition.selection": 1.3, "dynamics.competition.adjustment": 0.7}


def best_file(folder, values=VALUES, name="best.yaml"):
    path = folder / name
    path.write_text(yaml.safe_dump({"parameters": values}))
    return path


def test_a_run_with_the_file_equals_the_run_with_the_values_as_overrides(tmp_path):
    path = best_file(tmp_path)
    with_file = run(compose_config([*TINY, f"params_file={path}"]), tmp_path / "file")
    overrides = [f"{key}={value}" for key, value in VALUES.items()]
    by_hand = run(compose_config([*TINY, *overrides]), tmp_path / "overrides")
    for name in ("employment.parquet", "specialisation.parquet", "summary.json"):
        if name.endswith(".json"):
            a, b = ((d / name).read_text() for d in (with_file, by_hand))
            a = a.split('"wall_time_s"')[0]
            b = b.split('"wall_time_s"')[0]
            assert a == b
        else:
            pd.testing.assert_frame_equal(
                pd.read_parquet(with_file / name), pd.read_parquet(by_hand / name)
            )
    written = yaml.safe_load((with_file / "config.yaml").read_text())
    assert written["dynamics"]["competition"]["selection"] == 1.3
    assert written["dynamics"]["competition"]["adjustment"] == 0.7
    assert written["params_file"] == str(path)
    default = run(compose_config(TINY), tmp_path / "default")
    assert not pd.read_parquet(default / "employment.parquet").equals(
        pd.read_parquet(with_file / "employment.parquet")
    )  # the values matter: the comparison above can fail


@pytest.mark.parametrize(
    ("content", "words"),
    [
        (None, "cannot read the file"),
        ("parameters: [1, 2\n", "not YAML"),
        ("- 1\n- 2\n", "one mapping 'parameters:'"),
        ("parameters: {}\n", "one mapping 'parameters:'"),
        ("parameters: {dynamics.competition.x: 1}\n", "competition.x: not a key"),
        ("parameters: {data.year: 2001}\n", "parameters.data.year: not a parameter"),
        ("parameters: {dynamics.competition.adjustment: 0}\n",
         "dynamics.competition.adjustment = 0.0: must be > 0"),
        ("parameters: {seed: -2}\n", "seed = -2: must be >= 0"),
    ],
)  # fmt: skip
def test_a_bad_file_is_one_line_naming_the_file(tmp_path, content, words):
    path = tmp_path / "best.yaml"
    if content is not None:
        path.write_text(content)
    with pytest.raises(ConfigError) as err:
        apply_params_file(compose_config([*TINY, f"params_file={path}"]))
    text = str(err.value)
    assert text.startswith(f"params_file={path}: ") and words in text
    assert "\n" not in text


def test_a_key_in_the_file_and_on_the_command_line_is_refused(tmp_path):
    path = best_file(tmp_path)
    config = compose_config([*TINY, f"params_file={path}"])
    with pytest.raises(ConfigError, match="selection: also set on the command line"):
        apply_params_file(config, ["dynamics.competition.selection=0.9"])


@pytest.mark.parametrize("values", [VALUES | {"dynamics.competition.adjustment": -1}, None])
def test_cli_one_line_and_exit_status_2(tmp_path, values):
    path = best_file(tmp_path, values) if values else tmp_path / "missing.yaml"
    proc = subprocess.run(
        [sys.executable, "-m", "sim.cli", f"params_file={path}", f"hydra.run.dir={tmp_path / 'r'}",
         *TINY],
        capture_output=True, text=True, cwd=tmp_path, timeout=120,
    )  # fmt: skip
    assert proc.returncode == 2
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert len(lines) == 1 and lines[0].startswith(f"s3sim: config error: params_file={path}: ")
    assert not (tmp_path / "r").exists()  # nothing of a refused run is left behind
