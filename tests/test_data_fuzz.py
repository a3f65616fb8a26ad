"""Fuzz the readers: any bytes either load or raise DataError (one line), never another error."""

import tempfile
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from sim.data import DataError, example_path, load_initial_employment, read_observations

EXAMPLES = {
    "example_eurostat_nama_10r_2x10e.csv": (["BE21", "BE22"], "EU27_2020"),
    "example_oecd_regional.csv": (["DE1", "DE3"], "DEU"),
    "example_long.csv": (["BE21", "BE24"], "BE2"),
    "example_eurostat_nama_10r_3empers.tsv": (["BE21", "BE22"], "EU27_2020"),
    "example_eurostat_nama_10r_2x10e.tsv.gz": (["BE21", "BE22"], "EU27_2020"),
}
FILTERS = {"example_eurostat_nama_10r_3empers.tsv": {"wstatus": "EMP"}}
ORIGINALS = {name: example_path(name).read_bytes() for name in EXAMPLES}
FUZZ = settings(
    max_examples=200,
    deadline=None,
    suppress_health_check=[HealthCheck.too_slow, HealthCheck.data_too_large],
)
TOKENS = [
    "", ":", "..", "NaN", "inf", "-1", "1e400", "12.5", "0", "007", "1_000", "2008", "2008-Q1",
    "A", "C", "C10-C12", "C10T12", "_T", "TOTAL", "B-E", "BTE", "Z9", "C24A", "BE21", "EU27_2020",
    "DE1", "DEU", "THS_PER", "PS", "THS_HW", "p", "c", "E", '"', '""', "a:b", "\u2028", "\r",
    "food", "chemicals", "12.3 p", ": c", "1.0 bp", "1 2", "1.5 \t", "\\time",
]  # fmt: skip


def attempt(data: bytes, regions: list[str], reference: str, filters=None) -> None:
    with tempfile.TemporaryDirectory() as folder:
        path = Path(folder) / "fuzzed.csv"
        path.write_bytes(data)
        for call in (
            lambda: read_observations(path),
            lambda: read_observations(path, filters=filters, years=[2009], regions=regions),
            lambda: load_initial_employment(path, None, 2008, regions, reference, filters=filters),
            lambda: load_initial_employment(
                path, None, 2009, regions, "all", missing="impute_from_aggregate",
                unknown_codes="ignore", filters=filters,
            ),
        ):  # fmt: skip
            try:
                call()
            except DataError as err:
                assert len(str(err).splitlines()) == 1
                assert "fuzzed.csv" in str(err)


@FUZZ
@given(st.binary(max_size=3000))
def test_any_bytes(data):
    attempt(data, ["BE21"], "EU27_2020")


@st.composite
def mutated(draw):
    name = draw(st.sampled_from(sorted(EXAMPLES)))
    data = bytearray(ORIGINALS[name])
    # A compressed file is corrupted as bytes; the text edits apply to the others.
    text_kinds = [] if name.endswith(".gz") else ["drop_column", "drop_lines", "tokens"]
    kind = draw(st.sampled_from(["flip", "truncate", *text_kinds]))
    sep = "\t" if name.endswith(".tsv") else ","
    if kind == "flip":
        for _ in range(draw(st.integers(1, 8))):
            data[draw(st.integers(0, len(data) - 1))] = draw(st.integers(0, 255))
    elif kind == "truncate":
        data = data[: draw(st.integers(0, len(data)))]
    elif kind == "drop_column":
        column = draw(st.integers(0, 21))
        cut = sep.encode()
        lines = [line.split(cut) for line in bytes(data).split(b"\n")]
        data = bytearray(b"\n".join(cut.join(p[:column] + p[column + 1 :]) for p in lines))
    elif kind == "drop_lines":
        lines = bytes(data).split(b"\n")
        drop = set(draw(st.lists(st.integers(0, len(lines) - 1), max_size=5)))
        data = bytearray(b"\n".join(line for i, line in enumerate(lines) if i not in drop))
    else:
        lines = bytes(data).decode().split("\n")
        width = lines[0].count(sep) + 1
        i = draw(st.integers(1, len(lines) - 2))
        cells = lines[i].split(sep)
        for _ in range(draw(st.integers(1, 4))):
            j = draw(st.integers(0, min(width, len(cells)) - 1))
            cells[j] = draw(st.sampled_from(TOKENS))
        lines[i] = sep.join(cells)
        data = bytearray("\n".join(lines).encode())
    return name, bytes(data)


@FUZZ
@given(mutated())
def test_mutated_examples(case):
    name, data = case
    regions, reference = EXAMPLES[name]
    attempt(data, regions, reference, FILTERS.get(name))


@pytest.mark.parametrize("name", sorted(EXAMPLES))
def test_unmutated_examples_load(name):
    regions, reference = EXAMPLES[name]
    init = load_initial_employment(
        example_path(name), None, 2008, regions, reference, filters=FILTERS.get(name)
    )
    assert init.employment.sum() > 0
