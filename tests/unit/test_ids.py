"""Record ids: 26 Crockford base32 characters, time-ordered, unique."""
from hypothesis import given
from hypothesis import strategies as st

from app.ids import _ALPHABET, encode, new_id


def _reference(value: int) -> str:
    """The ULID layout written out digit by digit."""
    chars = []
    for _ in range(26):
        chars.append(_ALPHABET[value & 31])
        value >>= 5
    return "".join(reversed(chars))


@given(st.integers(min_value=0, max_value=2**128 - 1))
def test_fast_encoding_equals_the_digit_by_digit_layout(value):
    assert encode(value) == _reference(value)


def test_ids_are_unique_and_sort_in_creation_order():
    ids = [new_id() for _ in range(20_000)]
    assert len(set(ids)) == len(ids)
    assert ids == sorted(ids)
    assert all(len(i) == 26 and set(i) <= set(_ALPHABET) for i in ids[:100])
