"""Fixed choices used across the data model, with plain-English labels.

Values are stable short strings: they are stored in the database and written
to exchange spreadsheets, so never rename a value (add a new one instead).
"""

from __future__ import annotations

from enum import StrEnum


class Choice(StrEnum):
    """A StrEnum whose members carry a human label."""

    @property
    def label(self) -> str:
        # Keyed by (enum, value): members of different enums may share a value.
        return _LABELS.get((type(self), self.value), self.value.replace("_", " ").capitalize())

    @classmethod
    def parse(cls, text: str) -> Choice:
        """Match a value or label, ignoring case, spaces, hyphens and underscores."""
        want = _squash(text)
        for member in cls:
            if want in (_squash(member.value), _squash(member.label)):
                return member
        raise ValueError(text)


def _squash(text: str) -> str:
    return "".join(ch for ch in text.lower() if ch.isalnum())


class Role(Choice):
    VOLUNTEER = "volunteer"
    STAFF = "staff"
    COORDINATOR = "coordinator"


class CarerType(Choice):
    ADULT = "adult"
    YOUNG_CARER = "young_carer"
    YOUNG_ADULT_CARER = "young_adult_carer"
    PARENT_CARER = "parent_carer"
    FORMER_CARER = "former_carer"


class CarerStatus(Choice):
    ACTIVE = "active"
    MOVED = "moved"
    DECEASED = "deceased"
    WITHDRAWN = "withdrawn"


class PreferredContact(Choice):
    NOT_STATED = "not_stated"
    PHONE = "phone"
    TEXT = "text"
    EMAIL = "email"
    LETTER = "letter"
    NO_CONTACT = "no_contact"


class Gender(Choice):
    NOT_STATED = "not_stated"
    WOMAN = "woman"
    MAN = "man"
    NON_BINARY = "non_binary"
    OTHER = "other"
    PREFER_NOT_TO_SAY = "prefer_not_to_say"


class Ethnicity(Choice):
    """The 19 ethnic groups of the 2021 Census (England and Wales)."""

    NOT_STATED = "not_stated"
    ASIAN_BANGLADESHI = "asian_bangladeshi"
    ASIAN_CHINESE = "asian_chinese"
    ASIAN_INDIAN = "asian_indian"
    ASIAN_PAKISTANI = "asian_pakistani"
    ASIAN_OTHER = "asian_other"
    BLACK_AFRICAN = "black_african"
    BLACK_CARIBBEAN = "black_caribbean"
    BLACK_OTHER = "black_other"
    MIXED_WHITE_ASIAN = "mixed_white_asian"
    MIXED_WHITE_BLACK_AFRICAN = "mixed_white_black_african"
    MIXED_WHITE_BLACK_CARIBBEAN = "mixed_white_black_caribbean"
    MIXED_OTHER = "mixed_other"
    WHITE_BRITISH = "white_british"
    WHITE_IRISH = "white_irish"
    WHITE_GYPSY_TRAVELLER = "white_gypsy_traveller"
    WHITE_ROMA = "white_roma"
    WHITE_OTHER = "white_other"
    OTHER_ARAB = "other_arab"
    OTHER_ANY = "other_any"

    @property
    def group(self) -> str:
        """The five high-level groups used in returns."""
        if self is Ethnicity.NOT_STATED:
            return "Not stated"
        return {
            "asian": "Asian, Asian British or Asian Welsh",
            "black": "Black, Black British, Black Welsh, Caribbean or African",
            "mixed": "Mixed or Multiple ethnic groups",
            "white": "White",
            "other": "Other ethnic group",
        }[self.value.split("_", 1)[0]]


class CaringHours(Choice):
    """ONS bands of unpaid care a week."""

    NOT_STATED = "not_stated"
    UP_TO_9 = "up_to_9"
    H10_19 = "10_19"
    H20_34 = "20_34"
    H35_49 = "35_49"
    H50_PLUS = "50_plus"


class YesNo(Choice):
    NOT_STATED = "not_stated"
    YES = "yes"
    NO = "no"


class Employment(Choice):
    NOT_STATED = "not_stated"
    FULL_TIME = "full_time"
    PART_TIME = "part_time"
    SELF_EMPLOYED = "self_employed"
    UNEMPLOYED = "unemployed"
    RETIRED = "retired"
    EDUCATION = "education"
    UNABLE_TO_WORK = "unable_to_work"
    OTHER = "other"


class ReferralSource(Choice):
    NOT_STATED = "not_stated"
    SELF = "self"
    FAMILY_FRIEND = "family_friend"
    GP = "gp"
    HOSPITAL = "hospital"
    SOCIAL_CARE = "social_care"
    SCHOOL = "school"
    VOLUNTARY_SECTOR = "voluntary_sector"
    OTHER = "other"


class Relationship(Choice):
    PARTNER = "partner"
    PARENT = "parent"
    CHILD = "child"
    SIBLING = "sibling"
    GRANDPARENT = "grandparent"
    OTHER_RELATIVE = "other_relative"
    FRIEND = "friend"
    NEIGHBOUR = "neighbour"
    OTHER = "other"


class AgeGroup(Choice):
    NOT_STATED = "not_stated"
    UNDER_18 = "under_18"
    A18_25 = "18_25"
    A26_64 = "26_64"
    A65_84 = "65_84"
    A85_PLUS = "85_plus"


class MainNeed(Choice):
    NOT_STATED = "not_stated"
    DEMENTIA = "dementia"
    MENTAL_HEALTH = "mental_health"
    LEARNING_DISABILITY = "learning_disability"
    PHYSICAL_DISABILITY = "physical_disability"
    LONG_TERM_ILLNESS = "long_term_illness"
    SENSORY_LOSS = "sensory_loss"
    PALLIATIVE = "palliative"
    SUBSTANCE_MISUSE = "substance_misuse"
    FRAILTY = "frailty"
    OTHER = "other"


class CardKind(Choice):
    STANDARD = "standard"
    YOUNG_CARER = "young_carer"
    EMERGENCY = "emergency"


class CardStatus(Choice):
    QUEUED = "queued"
    PRINTED = "printed"
    ISSUED = "issued"
    LOST = "lost"
    STOLEN = "stolen"
    REVOKED = "revoked"
    EXPIRED = "expired"
    REPLACED = "replaced"

    @property
    def is_live(self) -> bool:
        """Whether a card in this state may still be shown as valid."""
        return self in (CardStatus.QUEUED, CardStatus.PRINTED, CardStatus.ISSUED)


class ContactKind(Choice):
    DROP_IN = "drop_in"
    PHONE = "phone"
    HOME_VISIT = "home_visit"
    MEDIATED_HELP = "mediated_help"
    EMAIL_LETTER = "email_letter"
    OTHER = "other"


_LABEL_LIST: list[tuple[Choice, str]] = [
    (CarerType.YOUNG_CARER, "Young carer (under 18)"),
    (CarerType.YOUNG_ADULT_CARER, "Young adult carer (16–25)"),
    (CaringHours.UP_TO_9, "9 hours or less"),
    (CaringHours.H10_19, "10 to 19 hours"),
    (CaringHours.H20_34, "20 to 34 hours"),
    (CaringHours.H35_49, "35 to 49 hours"),
    (CaringHours.H50_PLUS, "50 hours or more"),
    (AgeGroup.UNDER_18, "Under 18"),
    (AgeGroup.A18_25, "18 to 25"),
    (AgeGroup.A26_64, "26 to 64"),
    (AgeGroup.A65_84, "65 to 84"),
    (AgeGroup.A85_PLUS, "85 or over"),
    (Ethnicity.ASIAN_BANGLADESHI, "Asian: Bangladeshi"),
    (Ethnicity.ASIAN_CHINESE, "Asian: Chinese"),
    (Ethnicity.ASIAN_INDIAN, "Asian: Indian"),
    (Ethnicity.ASIAN_PAKISTANI, "Asian: Pakistani"),
    (Ethnicity.ASIAN_OTHER, "Asian: any other Asian background"),
    (Ethnicity.BLACK_AFRICAN, "Black: African"),
    (Ethnicity.BLACK_CARIBBEAN, "Black: Caribbean"),
    (Ethnicity.BLACK_OTHER, "Black: any other Black, Black British or Caribbean background"),
    (Ethnicity.MIXED_WHITE_ASIAN, "Mixed: White and Asian"),
    (Ethnicity.MIXED_WHITE_BLACK_AFRICAN, "Mixed: White and Black African"),
    (Ethnicity.MIXED_WHITE_BLACK_CARIBBEAN, "Mixed: White and Black Caribbean"),
    (Ethnicity.MIXED_OTHER, "Mixed: any other Mixed or multiple ethnic background"),
    (Ethnicity.WHITE_BRITISH, "White: English, Welsh, Scottish, Northern Irish or British"),
    (Ethnicity.WHITE_IRISH, "White: Irish"),
    (Ethnicity.WHITE_GYPSY_TRAVELLER, "White: Gypsy or Irish Traveller"),
    (Ethnicity.WHITE_ROMA, "White: Roma"),
    (Ethnicity.WHITE_OTHER, "White: any other White background"),
    (Ethnicity.OTHER_ARAB, "Other: Arab"),
    (Ethnicity.OTHER_ANY, "Other: any other ethnic group"),
    (Employment.FULL_TIME, "Employed full-time"),
    (Employment.PART_TIME, "Employed part-time"),
    (Employment.EDUCATION, "In education or training"),
    (ReferralSource.SELF, "Self-referral"),
    (ReferralSource.FAMILY_FRIEND, "Family or friend"),
    (ReferralSource.GP, "GP or primary care"),
    (ReferralSource.SOCIAL_CARE, "Social care"),
    (ReferralSource.VOLUNTARY_SECTOR, "Voluntary sector organisation"),
    (MainNeed.SENSORY_LOSS, "Sight or hearing loss"),
    (MainNeed.PALLIATIVE, "Palliative or terminal illness"),
    (ContactKind.DROP_IN, "Drop-in"),
    (ContactKind.MEDIATED_HELP, "Mediated help"),
    (ContactKind.EMAIL_LETTER, "Email or letter"),
    (PreferredContact.TEXT, "Text message"),
    (PreferredContact.NO_CONTACT, "Do not contact"),
]

_LABELS: dict[tuple[type, str], str] = {(type(m), m.value): text for m, text in _LABEL_LIST}
