"""Shared input validation refuses bad input with messages that name the problem."""

import numpy as np
import pytest

from groundup._checks import (
    as_array,
    as_matrix,
    as_square_matrix,
    as_vector,
    check_positive,
    check_probability,
    check_same_length,
)


def test_valid_input_passes_through_as_float64():
    out = as_matrix([[1, 2], [3, 4]])
    assert out.dtype == np.float64 and out.shape == (2, 2)


@pytest.mark.parametrize(
    ("call", "message"),
    [
        (lambda: as_vector([1.0, np.nan], "x"), "x contains NaN or infinity"),
        (lambda: as_vector([1.0, np.inf], "x"), "x contains NaN or infinity"),
        (lambda: as_matrix([1.0, 2.0], "A"), "A must be 2-dimensional, got shape (2,)"),
        (lambda: as_vector(np.empty(0), "x"), "x is empty"),
        (lambda: as_square_matrix(np.ones((2, 3))), "A must be square, got shape (2, 3)"),
        (lambda: as_array([[1, 2], [3]], "X"), "X could not be converted"),
        (lambda: check_positive(-1.0, "std"), "std must be finite and > 0, got -1.0"),
        (lambda: check_probability(1.5, "p"), "p must lie in [0, 1], got 1.5"),
        (
            lambda: check_same_length(("X", np.ones((3, 2))), ("y", np.ones(4))),
            "X has 3, y has 4",
        ),
    ],
)
def test_bad_input_is_refused_with_a_precise_message(call, message):
    with pytest.raises(ValueError) as info:
        call()
    assert message in str(info.value)


def test_non_numeric_and_complex_are_type_errors():
    with pytest.raises(TypeError, match="must be numeric"):
        as_array(np.array(["a", "b"]), "labels")
    with pytest.raises(TypeError, match="must be real"):
        as_array(np.array([1 + 2j]), "z")
