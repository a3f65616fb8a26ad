import copy

import numpy as np
import pytest

from sim.model.firms import Firms
from sim.model.streams import initial_keys


def test_add_assigns_ids_in_order_and_grows_by_doubling():
    firms = Firms(capacity=2)
    firms.add(
        key=initial_keys(3),
        region=np.array([0, 1, 1]),
        sector=np.array([2, 0, 1]),
        employment=np.array([1.0, 2.0, 3.0]),
    )
    assert firms.n == 3 and firms.capacity == 4  # 2 doubled
    firms.add(
        key=initial_keys(1), region=np.array([0]), sector=np.array([0]), employment=np.array([4.0])
    )
    assert firms.capacity == 4  # fits
    firms.add(
        key=initial_keys(1), region=np.array([1]), sector=np.array([1]), employment=np.array([5.0])
    )
    assert firms.capacity == 8  # doubled again, old values kept
    np.testing.assert_array_equal(firms.firm_id, [0, 1, 2, 3, 4])
    np.testing.assert_array_equal(firms.employment, [1, 2, 3, 4, 5])
    # columns not given start neutral: no project, no cluster
    assert (firms.project_stage == -1).all() and (firms.cluster == -1).all()


def test_keep_compacts_and_ids_are_never_reused():
    firms = Firms()
    firms.add(
        key=initial_keys(4),
        region=np.zeros(4, int),
        sector=np.arange(4),
        employment=np.arange(1.0, 5.0),
    )
    firms.keep(np.array([True, False, True, False]))
    np.testing.assert_array_equal(firms.firm_id, [0, 2])
    np.testing.assert_array_equal(firms.employment, [1.0, 3.0])
    firms.add(
        key=initial_keys(1), region=np.zeros(1, int), sector=np.zeros(1, int), employment=np.ones(1)
    )
    np.testing.assert_array_equal(firms.firm_id, [0, 2, 4])


def test_by_cell_sums_per_region_and_sector():
    firms = Firms()
    firms.add(
        key=initial_keys(4),
        region=np.array([0, 0, 1, 1]),
        sector=np.array([1, 1, 0, 2]),
        employment=np.array([1.0, 2.0, 5.0, 7.0]),
    )
    np.testing.assert_array_equal(firms.by_cell(firms.employment, 2, 3), [[0, 3, 0], [5, 0, 7]])
    np.testing.assert_array_equal(firms.by_cell(None, 2, 3), [[0, 2, 0], [1, 0, 1]])


def test_ids_cannot_be_given():
    with pytest.raises(ValueError, match="assigned"):
        Firms().add(firm_id=np.array([3]), employment=np.array([1.0]))


def test_a_deep_copy_has_columns_of_its_own():
    firms = Firms(capacity=4)
    firms.add(
        region=np.array([0, 1]),
        sector=np.array([2, 3]),
        employment=np.array([5.0, 7.0]),
        key=np.array([10, 11], dtype=np.uint64),
    )
    twin = copy.deepcopy(firms)
    twin.employment[0] = 99.0
    twin.add(
        region=np.array([1]),
        sector=np.array([0]),
        employment=np.array([1.0]),
        key=np.array([12], dtype=np.uint64),
    )
    assert firms.employment.tolist() == [5.0, 7.0] and firms.n == 2
    assert twin.employment.tolist() == [99.0, 7.0, 1.0] and twin.firm_id.tolist() == [0, 1, 2]
    # the copy's views are views of its own columns, which keep/add then change
    twin.keep(np.array([False, True, True]))
    assert twin.employment.tolist() == [7.0, 1.0] and firms.firm_id.tolist() == [0, 1]
