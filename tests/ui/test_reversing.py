import pytest
from django.urls import NoReverseMatch, reverse, set_script_prefix

from ui.reversing import reverse_id


@pytest.fixture
def prefix():
    yield set_script_prefix
    set_script_prefix("/")


@pytest.mark.parametrize("pk", [1, 7, 42, 918273, 2**40])
def test_an_id_url_is_what_reverse_gives(pk):
    assert reverse_id("plans:action", pk) == reverse("plans:action", args=[pk])
    assert reverse_id("plans:theme", pk) == reverse("plans:theme", args=[pk])


def test_a_script_prefix_is_kept(prefix):
    plain = reverse_id("plans:action", 5)
    prefix("/tracker/")
    assert reverse_id("plans:action", 5) == reverse("plans:action", args=[5])
    assert reverse_id("plans:action", 5) == "/tracker" + plain


def test_a_url_without_one_integer_id_is_refused():
    with pytest.raises(NoReverseMatch):  # plans:register takes no argument
        reverse_id("plans:register", 5)
    with pytest.raises(ValueError):
        reverse_id("plans:action", "5/../admin")
