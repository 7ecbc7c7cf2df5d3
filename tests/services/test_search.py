"""The one search box: names, postcodes, towns, phones and card numbers."""

from __future__ import annotations

import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from datetime import UTC, date, datetime

import pytest

from carerdesk.cardnumbers import format_card_number
from carerdesk.desk import Desk, create_database, open_desk
from carerdesk.models.enums import CardStatus, CarerStatus
from carerdesk.services import cards, carers, erasure, search
from carerdesk.services.carers import CarerFields

TODAY = date(2026, 3, 2)
PASSWORD = "admin-password-1"


def _at(day: date) -> Callable[[], datetime]:
    return lambda: datetime(day.year, day.month, day.day, 10, 0, tzinfo=UTC)


def _add(desk: Desk, **fields: object) -> uuid.UUID:
    with desk.transaction() as tx:
        return carers.register(tx, CarerFields(**fields), allow_duplicate=True).id


def _issued_card(desk: Desk, carer_id: uuid.UUID) -> str:
    with desk.transaction() as tx:
        card = cards.queue_card(tx, carer_id)
    with desk.transaction() as tx:
        cards.mark_printed(tx, [card.id])
    with desk.transaction() as tx:
        cards.mark_issued(tx, [card.id])
    return card.number


@dataclass
class Population:
    desk: Desk
    testy: uuid.UUID
    sian: uuid.UUID
    nguyen: uuid.UUID
    zoe: uuid.UUID
    rank_closed: uuid.UUID
    rank_active: uuid.UUID
    card: str
    lost_card: str


@pytest.fixture(scope="module")
def pop(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Population]:
    """One database of fake carers shared by the read-only tests below."""
    path = tmp_path_factory.mktemp("search") / "carerdesk.db"
    create_database(
        path,
        scheme_name="Testshire Carer Passport",
        site_code="TST",
        admin_username="admin",
        admin_password=PASSWORD,
    )
    desk = open_desk(path, "admin", PASSWORD)
    desk.clock = _at(TODAY)
    testy = _add(
        desk,
        first_name="Testy",
        last_name="McTestface",
        preferred_name="Tess",
        postcode="SG1 1AA",
        phone="07700 900123",
        town="Stevenage",
        consent_keep_record=True,
    )
    sian = _add(
        desk,
        first_name="Siân",
        last_name="O'Brien",
        postcode="SG2 2BB",
        phone="07700 900456",
        town="Hitchin",
        consent_keep_record=True,
    )
    nguyen = _add(desk, first_name="Thị", last_name="Nguyễn", postcode="AL1 3ZZ", town="St Albans")
    zoe = _add(desk, first_name="Zoë", last_name="Exampleton", town="Letchworth Garden City")
    # The closed carer matches the query better, so only status puts them second.
    rank_closed = _add(desk, first_name="Rankly", last_name="Rankly", preferred_name="Rankly")
    rank_active = _add(desk, first_name="Rankly", last_name="Ordinaryperson")
    with desk.transaction() as tx:
        carers.close_record(tx, rank_closed, CarerStatus.MOVED)
    for n in range(6):
        _add(desk, first_name="Limitless", last_name=f"Samplecarer{'abcdef'[n]}")
    card = _issued_card(desk, testy)
    lost_card = _issued_card(desk, sian)
    with desk.transaction() as tx:
        cards.report_lost(tx, cards.find_card(tx, lost_card).id)
    yield Population(desk, testy, sian, nguyen, zoe, rank_closed, rank_active, card, lost_card)
    desk.close()


def _find(desk: Desk, query: str, limit: int = search.DEFAULT_LIMIT) -> search.SearchResult:
    with desk.read() as tx:
        return search.find_carers(tx, query, limit=limit)


def _ids(desk: Desk, query: str) -> list[uuid.UUID]:
    return [h.carer_id for h in _find(desk, query).hits]


# -- names -------------------------------------------------------------------------


@pytest.mark.parametrize(
    "query",
    [
        "tes",
        "TESTY",
        "mctest",
        "McTestface",
        "testy mctestface",
        "McTestface Testy",
        "tess",
        "Tess McT",
        "  testy   mct  ",
    ],
)
def test_partial_names_in_any_order_find_the_carer(pop: Population, query: str) -> None:
    assert _ids(pop.desk, query) == [pop.testy]


def test_accents_are_ignored_both_ways(pop: Population) -> None:
    assert _ids(pop.desk, "sian") == [pop.sian]
    assert _ids(pop.desk, "Siân") == [pop.sian]
    assert _ids(pop.desk, "nguyen") == [pop.nguyen]
    assert _ids(pop.desk, "Nguyễn thi") == [pop.nguyen]
    assert _ids(pop.desk, "zoe") == [pop.zoe]


def test_name_with_apostrophe_is_found_typed_with_it_or_a_space(pop: Population) -> None:
    assert _ids(pop.desk, "O'Brien") == [pop.sian]
    assert _ids(pop.desk, "o brien") == [pop.sian]
    assert _ids(pop.desk, "sian o'b") == [pop.sian]


def test_name_typed_without_its_apostrophe_finds_the_carer(pop: Population) -> None:
    assert _ids(pop.desk, "obrien") == [pop.sian]


def test_hit_shows_enough_to_recognise_the_carer(pop: Population) -> None:
    (hit,) = _find(pop.desk, "mctestface").hits
    assert hit.name == "Testy McTestface"
    assert (hit.preferred_name, hit.postcode, hit.town) == ("Tess", "SG1 1AA", "Stevenage")
    assert hit.status is CarerStatus.ACTIVE
    assert (hit.card_number, hit.card_status) == (pop.card, CardStatus.ISSUED)


# -- places and phones -------------------------------------------------------------


@pytest.mark.parametrize("query", ["SG1 1AA", "sg11aa", "sg1 1aa", "SG11AA", "sg1"])
def test_postcode_typed_any_way_finds_the_carer(pop: Population, query: str) -> None:
    assert _ids(pop.desk, query) == [pop.testy]


def test_partial_postcode_district_finds_everyone_there(pop: Population) -> None:
    assert set(_ids(pop.desk, "sg")) == {pop.testy, pop.sian}
    assert _ids(pop.desk, "al1 3") == [pop.nguyen]


def test_town_finds_the_carer(pop: Population) -> None:
    assert _ids(pop.desk, "stevenage") == [pop.testy]
    assert _ids(pop.desk, "hitch") == [pop.sian]
    assert _ids(pop.desk, "st albans") == [pop.nguyen]
    assert _ids(pop.desk, "garden city") == [pop.zoe]


@pytest.mark.parametrize(
    "query",
    ["07700 900123", "07700900123", "7700900123", "07700-900-123", "(07700) 900123", "0770090012"],
)
def test_phone_typed_any_way_finds_the_carer(pop: Population, query: str) -> None:
    assert _ids(pop.desk, query) == [pop.testy]


# -- card numbers ------------------------------------------------------------------


@pytest.mark.parametrize(
    "how",
    [
        str,
        lambda n: n.replace("-", ""),
        str.lower,
        lambda n: " " + n.lower().replace("-", "") + " ",
    ],
)
def test_card_number_jumps_straight_to_the_carer(
    pop: Population, how: Callable[[str], str]
) -> None:
    result = _find(pop.desk, how(pop.card))
    assert result.direct is not None
    assert result.direct.carer_id == pop.testy
    assert (result.card_number, result.card_status) == (pop.card, CardStatus.ISSUED)
    assert result.message is None


def test_card_number_with_one_digit_changed_finds_nothing_and_says_so(pop: Population) -> None:
    site, serial, check = pop.card.split("-")
    wrong_digit = "9" if serial[-1] != "9" else "8"
    for typo in (
        f"{site}-{serial[:-1]}{wrong_digit}-{check}",
        f"{site}-{serial}-{(int(check) + 1) % 100:02d}",
    ):
        result = _find(pop.desk, typo)
        assert result.hits == [] and result.direct is None
        assert result.message is not None and "not valid" in result.message


def test_valid_number_of_a_card_never_issued_says_no_carer_has_it(pop: Population) -> None:
    result = _find(pop.desk, format_card_number("TST", 999_999))
    assert result.hits == []
    assert result.message == "No carer has a card with that number."


def test_lost_card_still_finds_its_carer_with_a_warning(pop: Population) -> None:
    result = _find(pop.desk, pop.lost_card)
    assert result.direct is not None and result.direct.carer_id == pop.sian
    assert result.card_status is CardStatus.LOST
    assert result.message is not None and "lost" in result.message
    assert "no longer valid" in result.message


def test_card_warning_covers_expired_and_cancelled_cards() -> None:
    assert search.card_warning(CardStatus.ISSUED, date(2026, 3, 2), TODAY) is None
    assert (
        search.card_warning(CardStatus.ISSUED, date(2026, 3, 1), TODAY) == "This card has expired."
    )
    assert "stolen" in (search.card_warning(CardStatus.STOLEN, None, TODAY) or "")
    assert "no longer valid" in (search.card_warning(CardStatus.REVOKED, None, TODAY) or "")


# -- ordering, limits and odd input ---------------------------------------------------


def test_active_carers_come_before_closed_ones(pop: Population) -> None:
    assert _ids(pop.desk, "rankly") == [pop.rank_active, pop.rank_closed]


def test_limit_is_honoured(pop: Population) -> None:
    assert len(_find(pop.desk, "limitless").hits) == 6
    assert len(_find(pop.desk, "limitless", limit=3).hits) == 3
    assert len(_find(pop.desk, "limitless", limit=0).hits) == 1


@pytest.mark.parametrize("query", ["", "   ", "-", "'", "()", "***", "^", '"', "!?.,;:", "\t\n"])
def test_empty_or_punctuation_only_query_returns_nothing(pop: Population, query: str) -> None:
    result = _find(pop.desk, query)
    assert result.hits == [] and result.message is None


@pytest.mark.parametrize(
    "query",
    [
        '"testy',
        'testy"',
        "test*",
        "*test",
        "^testy",
        "testy^2",
        "(testy",
        "testy)",
        "testy AND mctestface",
        "testy OR nobody",
        "NOT testy",
        "testy NOT",
        "NEAR(testy mct)",
        "names:testy",
        "phones:0",
        "{names}: testy",
        "testy + mct",
        "AND",
        "OR",
        "NOT",
        "NEAR",
        "_",
        "__init__",
        "x" * 300,
        "\u0301",
        "a\x00b",
        "te'sty",
        "07700 9001*",
        "+",
    ],
)
def test_search_syntax_characters_never_raise(pop: Population, query: str) -> None:
    _find(pop.desk, query)


def test_search_operators_are_taken_as_words(pop: Population) -> None:
    assert _ids(pop.desk, "testy AND mctestface") == []
    assert _ids(pop.desk, "NOT testy") == []
    assert _ids(pop.desk, "(testy)") == [pop.testy]
    assert _ids(pop.desk, '"mctestface"') == [pop.testy]


# -- keeping up with changes -----------------------------------------------------------


@pytest.fixture
def fresh(desk: Desk) -> Desk:
    desk.clock = _at(TODAY)
    return desk


def test_results_follow_edits(fresh: Desk) -> None:
    carer_id = _add(
        fresh, first_name="Testy", last_name="McTestface", postcode="SG1 1AA", phone="07700 900123"
    )
    with fresh.transaction() as tx:
        carers.update(
            tx,
            carer_id,
            CarerFields(last_name="Renamedperson", postcode="SG5 5XY", phone="07700 900999"),
        )
    assert _ids(fresh, "mctestface") == []
    assert _ids(fresh, "sg11aa") == []
    assert _ids(fresh, "07700 900123") == []
    assert _ids(fresh, "renamedp") == [carer_id]
    assert _ids(fresh, "sg5 5xy") == [carer_id]
    assert _ids(fresh, "7700900999") == [carer_id]


def test_a_new_card_is_searchable_at_once(fresh: Desk) -> None:
    carer_id = _add(fresh, first_name="Testy", last_name="McTestface", consent_keep_record=True)
    with fresh.transaction() as tx:
        number = cards.queue_card(tx, carer_id).number
    result = _find(fresh, number)
    assert result.direct is not None and result.direct.carer_id == carer_id
    assert result.card_status is CardStatus.QUEUED
    # Typing the start of a card number finds it by prefix too.
    assert _ids(fresh, number.replace("-", "")[:8]) == [carer_id]


def test_rolled_back_registration_leaves_no_search_hit(fresh: Desk) -> None:
    with pytest.raises(RuntimeError), fresh.transaction() as tx:
        carers.register(tx, CarerFields(first_name="Testy", last_name="Rollbackington"))
        raise RuntimeError("the user cancelled")
    assert _ids(fresh, "rollbackington") == []


def test_erased_carers_are_not_found(fresh: Desk) -> None:
    carer_id = _add(
        fresh,
        first_name="Testy",
        last_name="McTestface",
        postcode="SG1 1AA",
        phone="07700 900123",
        consent_keep_record=True,
    )
    number = _issued_card(fresh, carer_id)
    with fresh.transaction() as tx:
        erasure.erase_carer(tx, carer_id)
    for query in ("testy", "mctestface", "SG1 1AA", "07700 900123", number.replace("-", "")):
        assert _ids(fresh, query) == []
    assert _find(fresh, number).direct is None


def test_international_form_of_a_uk_phone_finds_the_carer(desk: Desk) -> None:
    with desk.transaction() as tx:
        made = carers.register(
            tx, carers.CarerFields(first_name="Testy", last_name="Phoneson", phone="07700 900555")
        )
    with desk.read() as tx:
        hits = search.find_carers(tx, "+44 7700 900555").hits
    assert [h.carer_id for h in hits] == [made.id]


def test_an_erased_carers_card_reads_as_cancelled(desk: Desk) -> None:
    with desk.transaction() as tx:
        made = carers.register(
            tx, carers.CarerFields(first_name="Testy", last_name="Gone", consent_keep_record=True)
        )
        number = cards.queue_card(tx, made.id).number
    with desk.transaction() as tx:
        erasure.erase_carer(tx, made.id)
    with desk.read() as tx:
        result = search.find_carers(tx, number)
    assert result.hits == []
    assert result.message == "This card has been cancelled: it is no longer valid."
