"""The library's ?page= is read as Paginator.get_page reads it, whatever was typed."""

import pytest

from hub.factories import case_study_create

pytestmark = pytest.mark.django_db


@pytest.mark.parametrize(
    ("page", "shown"),
    [("99999999999999999999", 2), (str(2**63), 2), ("0", 2), ("-1", 2), ("abc", 1), ("²", 1), ("1e309", 1), ("", 1)],
)
def test_a_library_page_out_of_range_or_not_a_number_shows_the_last_or_first_page(
    client, library, housing, page, shown
):
    for number in range(25):
        case_study_create(title=f"Tenancy sustainment {number:02d}", service_area=housing)
    response = client.get("/good-practice/", {"page": page})
    assert response.status_code == 200
    assert response.context["listing"].page_obj.number == shown
