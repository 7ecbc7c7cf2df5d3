"""The shape of the demo population: made-up towns, names, spreads and texts."""

from __future__ import annotations

import random
from bisect import bisect
from collections.abc import Callable
from dataclasses import dataclass
from itertools import accumulate
from typing import Any

from faker.providers.person.en_GB import Provider as GbNames

from carerdesk.models.enums import (
    AgeGroup,
    CarerStatus,
    CarerType,
    CaringHours,
    Choice,
    ContactKind,
    Employment,
    Ethnicity,
    Gender,
    MainNeed,
    PreferredContact,
    ReferralSource,
    Relationship,
    YesNo,
)

# -- the shape of the demo population -----------------------------------------


class Weighted:
    """Pick one of several values, each with its own weight."""

    def __init__(self, weights: dict[Any, float]) -> None:
        self.values = list(weights)
        self.cum = list(accumulate(weights.values()))
        self.total = self.cum[-1]

    def __call__(self, rng: random.Random) -> Any:
        return self.values[bisect(self.cum, rng.random() * self.total)]


def _w(enum: type[Choice], spec: str) -> Weighted:
    """``_w(YesNo, "yes:55 no:35")``: weights for enum values, written compactly."""
    pairs = (item.rsplit(":", 1) for item in spec.split())
    return Weighted({enum(value): float(weight) for value, weight in pairs})


def _age_group(relationship: Relationship, carer_age: int, rng: random.Random) -> AgeGroup:
    if rng.random() < 0.05:
        return AgeGroup.NOT_STATED
    gap = {Relationship.PARENT: 28, Relationship.GRANDPARENT: 52}.get(relationship, 0)
    if relationship is Relationship.CHILD:
        age = rng.randint(2, 17) if carer_age < 45 else rng.randint(5, max(6, carer_age - 20))
    else:
        age = max(5, carer_age + gap + rng.randint(-8, 8))
    for top, group in (
        (17, AgeGroup.UNDER_18),
        (25, AgeGroup.A18_25),
        (64, AgeGroup.A26_64),
        (84, AgeGroup.A65_84),
    ):
        if age <= top:
            return group
    return AgeGroup.A85_PLUS


@dataclass(frozen=True)
class Town:
    name: str
    area: str  # the local authority
    outward: tuple[str, ...]
    weight: int


TOWNS = (
    Town("Stevenage", "Hertfordshire", ("SG1", "SG2"), 16),
    Town("Hitchin", "Hertfordshire", ("SG4", "SG5"), 8),
    Town("Watford", "Hertfordshire", ("WD17", "WD18", "WD24", "WD25"), 18),
    Town("St Albans", "Hertfordshire", ("AL1", "AL3", "AL4"), 14),
    Town("Hatfield", "Hertfordshire", ("AL10",), 8),
    Town("Hemel Hempstead", "Hertfordshire", ("HP1", "HP2", "HP3"), 16),
    Town("Bedford", "Bedford", ("MK40", "MK41", "MK42"), 10),
    Town("Luton", "Luton", ("LU1", "LU2", "LU3", "LU4"), 10),
)
_TOWN = Weighted({t: t.weight for t in TOWNS})
_LAST_NAME = Weighted(GbNames.last_names)
_OTHER_AREAS = (
    "Hertfordshire",
    "Bedford",
    "Luton",
    "Central Bedfordshire",
    "Buckinghamshire",
    "Essex",
    "Cambridgeshire",
    "Barnet",
)
_STREET_KINDS = (
    "Road",
    "Close",
    "Avenue",
    "Way",
    "Lane",
    "Gardens",
    "Crescent",
    "Drive",
    "Street",
    "Court",
    "Grove",
    "Walk",
    "Place",
    "Mews",
    "Rise",
    "View",
)
_STREET_STEMS = (
    "Oak",
    "Beech",
    "Meadow",
    "Church",
    "Mill",
    "Station",
    "Park",
    "Orchard",
    "Willow",
    "Manor",
    "Highfield",
    "Chestnut",
    "Hawthorn",
    "Queens",
    "Kings",
)
_INWARD_LETTERS = "ABDEFGHJLNPQRSTUWXYZ"

_CARER_TYPE = _w(
    CarerType, "adult:70 young_carer:8 young_adult_carer:7 parent_carer:11 former_carer:4"
)
_ADULT_BAND = Weighted({(26, 44): 14, (45, 64): 38, (65, 79): 32, (80, 96): 16})
_AGE: dict[CarerType, Callable[[random.Random], int]] = {
    CarerType.YOUNG_CARER: lambda r: r.randint(8, 17),
    CarerType.YOUNG_ADULT_CARER: lambda r: r.randint(18, 25),
    CarerType.PARENT_CARER: lambda r: r.randint(24, 62),
    CarerType.FORMER_CARER: lambda r: r.randint(35, 90),
    CarerType.ADULT: lambda r: r.randint(*_ADULT_BAND(r)),
}
_GENDER = _w(Gender, "woman:62 man:33 non_binary:1 prefer_not_to_say:1 not_stated:3")
_TITLES = {
    Gender.WOMAN: ("Mrs", "Ms", "Miss", "Mrs", "Dr"),
    Gender.MAN: ("Mr", "Mr", "Dr"),
    Gender.NON_BINARY: ("Mx",),
    Gender.PREFER_NOT_TO_SAY: ("Mx",),
    Gender.NOT_STATED: ("Mr", "Mrs", "Ms"),
}
_STATUS = _w(CarerStatus, "active:88 moved:5 deceased:3 withdrawn:4")
_CONTACT_EMAIL = _w(PreferredContact, "phone:35 text:25 email:30 letter:5 not_stated:5")
_CONTACT = _w(PreferredContact, "phone:50 text:25 letter:15 not_stated:8 no_contact:2")
_ETHNICITY = _w(
    Ethnicity,
    "white_british:72 white_other:5 white_irish:1.5 asian_indian:4 "
    "asian_pakistani:3 asian_bangladeshi:1 asian_chinese:0.7 asian_other:1 black_african:2.5 "
    "black_caribbean:1.5 black_other:0.4 mixed_white_asian:0.8 mixed_white_black_african:0.5 "
    "mixed_white_black_caribbean:0.8 mixed_other:0.5 white_gypsy_traveller:0.2 white_roma:0.2 "
    "other_arab:0.5 other_any:0.5 not_stated:6",
)
_HOURS = _w(CaringHours, "not_stated:12 up_to_9:12 10_19:13 20_34:13 35_49:12 50_plus:38")
_HOURS_YOUNG = _w(CaringHours, "not_stated:20 up_to_9:30 10_19:25 20_34:15 35_49:6 50_plus:4")
_LIVES_WITH = _w(YesNo, "yes:55 no:35 not_stated:10")
_DISABILITY = _w(YesNo, "yes:18 no:65 not_stated:17")
_EMPLOYMENT = {
    "young": _w(Employment, "education:95 not_stated:5"),
    "yac": _w(Employment, "education:40 full_time:20 part_time:20 unemployed:15 not_stated:5"),
    "adult": _w(
        Employment,
        "full_time:30 part_time:22 self_employed:7 unemployed:10 "
        "unable_to_work:8 retired:5 other:3 not_stated:15",
    ),
    "older": _w(Employment, "retired:80 part_time:4 other:4 not_stated:12"),
}
_REFERRAL = _w(
    ReferralSource,
    "self:30 family_friend:10 gp:18 hospital:9 social_care:13 "
    "voluntary_sector:10 other:3 not_stated:7",
)
_REFERRAL_YOUNG = _w(
    ReferralSource, "school:60 self:10 family_friend:10 social_care:10 gp:5 not_stated:5"
)
_CARD_PLAN = Weighted(
    {
        "issued": 76,
        "queued": 3,
        "printed": 3,
        "expired": 4,
        "renewed": 5,
        "lost": 4,
        "stolen": 1.5,
        "replaced": 2,
        "revoked": 1,
    }
)
_CARD_NOTES = {
    "lost": "Reported lost by phone",
    "stolen": "Reported stolen",
    "replaced": "Card damaged",
    "revoked": "Cancelled by the coordinator",
}
_CLOSED_NOTE = "Carer's record closed"
_CLOSED_REASONS = {
    CarerStatus.MOVED: ("Moved out of the area", "Moved to be nearer family", "Moved abroad"),
    CarerStatus.DECEASED: ("Died; family told the centre", "Died"),
    CarerStatus.WITHDRAWN: (
        "No longer caring",
        "Asked to leave the scheme",
        "The person they cared for moved into a care home",
        "The person they cared for died",
    ),
}
_CARER_NOTES = (
    "Prefers calls after 6pm.",
    "Hard of hearing: speak clearly, face to face.",
    "Needs large-print letters.",
    "Welsh speaker.",
    "Happy to take part in surveys.",
    "Comes to the Tuesday drop-in at the library.",
)
_ALLOWANCES = (
    "May leave class to phone home at lunchtime.",
    "May collect prescriptions for a parent.",
    "Homework deadlines may be extended by agreement with school.",
    "May keep a mobile phone switched on in school.",
)

_CARED_FOR_COUNT = Weighted({0: 22, 1: 60, 2: 15, 3: 3})
_RELATIONSHIP = {
    CarerType.YOUNG_CARER: _w(Relationship, "parent:60 sibling:30 grandparent:10"),
    CarerType.YOUNG_ADULT_CARER: _w(Relationship, "parent:55 sibling:25 grandparent:15 partner:5"),
    CarerType.PARENT_CARER: _w(Relationship, "child:100"),
    CarerType.ADULT: _w(
        Relationship,
        "partner:38 parent:32 child:12 sibling:5 other_relative:4 "
        "friend:5 neighbour:2 grandparent:1 other:1",
    ),
}
_RELATIONSHIP[CarerType.FORMER_CARER] = _RELATIONSHIP[CarerType.ADULT]
_NEED = _w(
    MainNeed,
    "dementia:22 frailty:15 physical_disability:14 mental_health:13 "
    "learning_disability:8 long_term_illness:14 sensory_loss:4 palliative:4 substance_misuse:2 "
    "other:2 not_stated:2",
)
_NEED_CHILD = _w(
    MainNeed,
    "learning_disability:40 physical_disability:18 mental_health:15 "
    "long_term_illness:15 sensory_loss:5 other:5 not_stated:2",
)
_CARED_FOR_NOTES = (
    "Uses a wheelchair outside the home.",
    "Goes to a day centre on Wednesdays.",
    "Has carers visiting twice a day.",
    "Does not like loud places.",
)
_PLAN_RELATIONSHIPS = ("Sister", "Brother", "Son", "Daughter", "Neighbour", "Friend", "Cousin")
_PLAN_NEEDS = (
    "Needs tablets at 8am and 6pm; the blister pack is in the kitchen.",
    "Cannot be left alone overnight. Spare key with the neighbour at number 12.",
    "Diabetic: insulin in the fridge. Gets anxious with strangers, speak calmly.",
    "Uses a hoist to get out of bed: needs two people.",
    "Has a dog that needs feeding twice a day.",
)

_CONTACT_COUNT = Weighted({0: 38, 1: 25, 2: 15, 3: 10, 4: 6, 5: 3, 6: 2, 8: 1})
_CONTACT_KIND = _w(ContactKind, "drop_in:35 phone:35 home_visit:8 mediated_help:10 email_letter:12")
_WORK_DONE = {
    ContactKind.DROP_IN: (
        "Registered and took photo for card",
        "Helped find offers near home",
        "Renewed card",
        "Talked through respite options",
        "Gave carers' leaflet and offers list",
        "Checked benefits; signposted to Carer's Allowance",
    ),
    ContactKind.PHONE: (
        "Called to see how things are going",
        "Reported lost card; queued another",
        "Asked about an emergency plan",
        "Booked onto the wellbeing course",
        "Wanted to know which offers apply in another area",
    ),
    ContactKind.HOME_VISIT: (
        "Home visit to complete carer's assessment",
        "Went through the emergency plan together",
    ),
    ContactKind.MEDIATED_HELP: (
        "Printed offers list for their area (no internet at home)",
        "Read through the offers booklet together by phone",
        "Posted a printed offers list",
    ),
    ContactKind.EMAIL_LETTER: (
        "Sent renewal letter",
        "Emailed the offers list",
        "Sent newsletter and events list",
    ),
}
_REFERRED_TO = (
    "Citizens Advice",
    "Adult social care",
    "Young carers service",
    "GP surgery",
    "Benefits advice line",
    "Carers' support group",
    "Memory clinic",
    "Mental health carers group",
)

_BRANCHES = ("North", "South", "East", "West", "Central", "Old Town", "Retail Park")
_NAME_WORDS = ("Green", "Bright", "Little", "Corner", "Riverside", "Old Mill", "Willow")
_BUSINESS_NAMES = {
    "Food and drink": (
        "{last}'s Café",
        "The {word} Kitchen",
        "{town} Tea Rooms",
        "{last} & Sons Bakery",
        "The {word} Arms",
    ),
    "Shopping": ("{last}'s Hardware", "{town} Bookshop", "{word} Gifts", "{last} Shoes"),
    "Health and wellbeing": (
        "{town} Physiotherapy",
        "{last} Pharmacy",
        "{word} Yoga Studio",
        "{last} Opticians",
        "{town} Foot Clinic",
    ),
    "Leisure": (
        "{town} Leisure Centre",
        "{town} Picture House",
        "{word} Bowling",
        "{town} Museum",
        "{last} Golf Club",
    ),
    "Travel": ("{town} Cars", "{last} Coaches", "{town} Community Transport"),
    "Services": (
        "{last} Dry Cleaners",
        "{last} & Co Solicitors",
        "{town} Computer Repairs",
        "{last} Locksmiths",
    ),
    "Hair and beauty": ("{first}'s Hair Studio", "{word} Nails", "{last} Barbers"),
    "Garden": ("{town} Garden Centre", "{last} Nurseries", "{word} Garden Services"),
}
_OFFERS = {
    "Food and drink": (
        "10% off food and drink",
        "Free hot drink with any cake",
        "2 for 1 on main meals, Monday to Thursday",
        "Free coffee refills",
    ),
    "Shopping": ("10% off everything", "15% off full-price items", "Free gift wrapping and 5% off"),
    "Health and wellbeing": (
        "20% off your first treatment",
        "Free eye test",
        "£5 off a 30-minute massage",
        "Free blood pressure check",
    ),
    "Leisure": (
        "Free entry for the person you care for when you pay",
        "Half-price swimming",
        "2 for 1 cinema tickets (not Saturday evenings)",
    ),
    "Travel": ("10% off taxi fares to hospital appointments", "Free travel for a companion"),
    "Services": ("10% off labour", "Free quote and 10% off", "Free second key"),
    "Hair and beauty": ("15% off cuts on weekdays", "Free fringe trim", "10% off all treatments"),
    "Garden": ("10% off plants", "Free delivery within 5 miles", "15% off garden tools"),
}
_YOUNG_OFFERS = (
    "Free milkshake with any meal for young carers",
    "Free game of bowling for young carers on Saturdays",
    "Half-price cinema ticket for young carers",
    "Free taster session for young carers",
)
_OFFER_TERMS = (
    "Show your Carer Passport card when you pay.",
    "Show your card. Cannot be used with other offers.",
    "Weekdays only. Show your card.",
    None,
)
