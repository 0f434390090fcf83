"""paper(sizes=...): NumPy arrays and scalars work exactly as the equal Python values; values that cannot be
recorded in a figure's run description are refused before anything is computed, naming the parameter."""

import json

import numpy as np
import pytest
from natspike import experiments as ex

PYTHON = {"samples": 5, "rates": [5.0, 25.0], "curve_q": 78.0}  # Fig 10 at a smoke size: seconds


def test_numpy_sizes_are_the_python_values(tmp_path):
    store = tmp_path / "store"
    given = {"samples": np.int64(5), "rates": np.array([5.0, 25.0]), "curve_q": np.float64(78.0)}
    (row,) = ex.paper(
        tmp_path / "a", store=store, only=["10"], sizes={"10": given}, seed=np.int64(2022), progress=False
    )
    assert row["status"] == "computed"
    (record,) = (store / "figures").glob("10-*.json")
    assert json.loads(record.read_text())["description"]["options"] == {"full": False, "seed": 2022, **PYTHON}
    (again,) = ex.paper(tmp_path / "b", store=store, only=["10"], sizes={"10": PYTHON}, progress=False)
    assert again["status"] == "stored"  # the same run description: the same key
    assert len(list((store / "figures").glob("10-*.json"))) == 1
    assert (tmp_path / "a" / "figure10.nc").read_bytes() == (tmp_path / "b" / "figure10.nc").read_bytes()


@pytest.mark.parametrize(
    ("sizes", "seed", "where"),
    [
        ({"curve_q": object()}, 2022, r"sizes\['10'\]\['curve_q'\]: a value of type object"),
        ({"rates": [5.0, {1, 2}]}, 2022, r"sizes\['10'\]\['rates'\]\[1\]: a value of type set"),
        (
            {"rates": np.array([5.0, None, complex(1, 2)], dtype=object)},
            2022,
            r"sizes\['10'\]\['rates'\]\[2\]: a value of type complex",
        ),
        ({}, np.datetime64("2022-01-01T00:00:00"), r"seed: a value of type datetime"),
    ],
)
def test_sizes_without_a_json_form_are_refused_before_computing(tmp_path, sizes, seed, where):
    with pytest.raises(TypeError, match=where):
        ex.paper(tmp_path / "out", only=["10"], sizes={"10": {"samples": 5, **sizes}}, seed=seed, progress=False)
    assert not (tmp_path / "out" / "store").exists() and not list((tmp_path / "out").iterdir())
