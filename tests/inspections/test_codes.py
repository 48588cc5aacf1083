"""Loose recommendation codes, as plans print them, read into clean codes."""

import pytest

from inspections.codes import clean_code, split_codes


@pytest.mark.parametrize(
    ("printed", "clean"),
    [
        ("R5", "R5"),
        ("R 5", "R5"),
        ("r5", "R5"),
        ("R10", "R10"),
        ("R 6a", "R6a"),
        ("r6A", "R6a"),
        ("R6 b", "R6b"),
        ("R-4", "R4"),
        ("AFI 22", "AFI 22"),
        ("AFI22", "AFI 22"),
        ("afi22", "AFI 22"),
        ("AF1 18", "AFI 18"),
        ("AF 17", "AFI 17"),
        ("AFI 07", "AFI 7"),
        ("  AFI   3 ", "AFI 3"),
    ],
)
def test_it_reads_loose_codes(printed, clean):
    assert clean_code(printed) == clean


@pytest.mark.parametrize("printed", ["R", "AFI", "X1", "R 6ab", "R5 and R6", "7&8", "Recommendation 5"])
def test_it_rejects_what_is_not_one_code(printed):
    with pytest.raises(ValueError, match=r"is not a recommendation code: expected R and a number"):
        clean_code(printed)


def test_an_empty_code_says_so():
    with pytest.raises(ValueError, match="^an empty code"):
        clean_code("  ")


def test_it_splits_a_list_dropping_blanks_and_repeats():
    assert split_codes("R 5; AFI22;; r5 ; AF1 18") == ["R5", "AFI 22", "AFI 18"]


def test_it_names_the_bad_code_in_a_list():
    with pytest.raises(ValueError, match='^"Q7" is not a recommendation code'):
        split_codes("R5; Q7")
