"""initial schema

Revision ID: 0001
Revises:
Create Date: 2026-11-23
"""

from __future__ import annotations

import sqlalchemy as sa
from alembic import op

revision = "0001"
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "audit_event",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column("user_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("action", sa.String(length=60), nullable=False),
        sa.Column("record_type", sa.String(length=40), nullable=True),
        sa.Column("record_id", sa.LargeBinary(length=16), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_audit_event_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_audit_event_record_id"), ["record_id"], unique=False)

    op.create_table(
        "business",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("address_line1", sa.String(length=120), nullable=True),
        sa.Column("address_line2", sa.String(length=120), nullable=True),
        sa.Column("town", sa.String(length=80), nullable=True),
        sa.Column("postcode", sa.String(length=8), nullable=True),
        sa.Column("contact_name", sa.String(length=120), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column("website", sa.String(length=200), nullable=True),
        sa.Column("category", sa.String(length=60), nullable=True),
        sa.Column("sticker_given_on", sa.Date(), nullable=True),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("business", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_business_name"), ["name"], unique=False)
        batch_op.create_index(batch_op.f("ix_business_town"), ["town"], unique=False)

    op.create_table(
        "carer",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("search_key", sa.Integer(), nullable=True),
        sa.Column("title", sa.String(length=20), nullable=True),
        sa.Column("first_name", sa.String(length=80), nullable=True),
        sa.Column("last_name", sa.String(length=80), nullable=True),
        sa.Column("preferred_name", sa.String(length=80), nullable=True),
        sa.Column("date_of_birth", sa.Date(), nullable=True),
        sa.Column("address_line1", sa.String(length=120), nullable=True),
        sa.Column("address_line2", sa.String(length=120), nullable=True),
        sa.Column("address_line3", sa.String(length=120), nullable=True),
        sa.Column("town", sa.String(length=80), nullable=True),
        sa.Column("postcode", sa.String(length=8), nullable=True),
        sa.Column("phone", sa.String(length=20), nullable=True),
        sa.Column("phone_other", sa.String(length=20), nullable=True),
        sa.Column("email", sa.String(length=200), nullable=True),
        sa.Column(
            "preferred_contact",
            sa.Enum(
                "not_stated",
                "phone",
                "text",
                "email",
                "letter",
                "no_contact",
                name="preferredcontact",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "carer_type",
            sa.Enum(
                "adult",
                "young_carer",
                "young_adult_carer",
                "parent_carer",
                "former_carer",
                name="carertype",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("area", sa.String(length=80), nullable=True),
        sa.Column("consent_given_on", sa.Date(), nullable=True),
        sa.Column("consent_recorded_by", sa.LargeBinary(length=16), nullable=True),
        sa.Column("consent_keep_record", sa.Boolean(), nullable=False),
        sa.Column("consent_contact", sa.Boolean(), nullable=False),
        sa.Column("consent_share_gp", sa.Boolean(), nullable=False),
        sa.Column("consent_share_partners", sa.Boolean(), nullable=False),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.Column(
            "status",
            sa.Enum(
                "active",
                "moved",
                "deceased",
                "withdrawn",
                name="carerstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("registered_on", sa.Date(), nullable=True),
        sa.Column("closed_on", sa.Date(), nullable=True),
        sa.Column("closed_reason", sa.String(length=200), nullable=True),
        sa.Column(
            "gender",
            sa.Enum(
                "not_stated",
                "woman",
                "man",
                "non_binary",
                "other",
                "prefer_not_to_say",
                name="gender",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "ethnicity",
            sa.Enum(
                "not_stated",
                "asian_bangladeshi",
                "asian_chinese",
                "asian_indian",
                "asian_pakistani",
                "asian_other",
                "black_african",
                "black_caribbean",
                "black_other",
                "mixed_white_asian",
                "mixed_white_black_african",
                "mixed_white_black_caribbean",
                "mixed_other",
                "white_british",
                "white_irish",
                "white_gypsy_traveller",
                "white_roma",
                "white_other",
                "other_arab",
                "other_any",
                name="ethnicity",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "caring_hours",
            sa.Enum(
                "not_stated",
                "up_to_9",
                "10_19",
                "20_34",
                "35_49",
                "50_plus",
                name="caringhours",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "lives_with_cared_for",
            sa.Enum("not_stated", "yes", "no", name="yesno", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column(
            "own_disability",
            sa.Enum("not_stated", "yes", "no", name="yesno", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column(
            "employment",
            sa.Enum(
                "not_stated",
                "full_time",
                "part_time",
                "self_employed",
                "unemployed",
                "retired",
                "education",
                "unable_to_work",
                "other",
                name="employment",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "referral_source",
            sa.Enum(
                "not_stated",
                "self",
                "family_friend",
                "gp",
                "hospital",
                "social_care",
                "school",
                "voluntary_sector",
                "other",
                name="referralsource",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("gp_practice", sa.String(length=120), nullable=True),
        sa.Column("assessment_offered_on", sa.Date(), nullable=True),
        sa.Column("assessment_completed_on", sa.Date(), nullable=True),
        sa.Column("assessment_review_on", sa.Date(), nullable=True),
        sa.Column("young_carer_allowances", sa.Text(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
        sa.UniqueConstraint("search_key"),
    )
    with op.batch_alter_table("carer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_carer_date_of_birth"), ["date_of_birth"], unique=False)
        batch_op.create_index(batch_op.f("ix_carer_postcode"), ["postcode"], unique=False)
        batch_op.create_index(
            "ix_carer_search_order",
            ["search_key", "status", "last_name", "first_name", "preferred_name"],
            unique=False,
        )

    op.create_table(
        "local_info",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("database_id", sa.String(length=36), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "print_batch",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("printed_at", sa.BigInteger(), nullable=False),
        sa.Column("printed_by", sa.LargeBinary(length=16), nullable=True),
        sa.Column("layout", sa.String(length=40), nullable=False),
        sa.Column("card_count", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "scheme_settings",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("primary_colour", sa.String(length=9), nullable=False),
        sa.Column("accent_colour", sa.String(length=9), nullable=False),
        sa.Column("logo_png", sa.LargeBinary(), nullable=True),
        sa.Column("card_validity_years", sa.Integer(), nullable=False),
        sa.Column("young_carer_max_age", sa.Integer(), nullable=False),
        sa.Column("young_adult_min_age", sa.Integer(), nullable=False),
        sa.Column("young_adult_max_age", sa.Integer(), nullable=False),
        sa.Column("photos_required", sa.Boolean(), nullable=False),
        sa.Column("contact_phone", sa.String(length=40), nullable=True),
        sa.Column("contact_email", sa.String(length=200), nullable=True),
        sa.Column("website", sa.String(length=200), nullable=True),
        sa.Column("small_count_threshold", sa.Integer(), nullable=False),
        sa.Column("idle_lock_minutes", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    op.create_table(
        "site",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("code", sa.String(length=8), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=False),
        sa.Column("next_card_serial", sa.Integer(), nullable=False),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_site_code"), ["code"], unique=True)

    op.create_table(
        "user_account",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("username", sa.String(length=40), nullable=False),
        sa.Column("display_name", sa.String(length=120), nullable=False),
        sa.Column(
            "role",
            sa.Enum("volunteer", "staff", "coordinator", name="role", native_enum=False, length=40),
            nullable=False,
        ),
        sa.Column("disabled", sa.Boolean(), nullable=False),
        sa.Column("must_change_password", sa.Boolean(), nullable=False),
        sa.Column("last_sign_in", sa.BigInteger(), nullable=True),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_user_account_username"), ["username"], unique=True)

    op.create_table(
        "card",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("number", sa.String(length=24), nullable=False),
        sa.Column("carer_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "standard",
                "young_carer",
                "emergency",
                name="cardkind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "status",
            sa.Enum(
                "queued",
                "printed",
                "issued",
                "lost",
                "stolen",
                "revoked",
                "expired",
                "replaced",
                name="cardstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("queued_on", sa.Date(), nullable=True),
        sa.Column("issued_on", sa.Date(), nullable=True),
        sa.Column("expires_on", sa.Date(), nullable=True),
        sa.Column("replaces_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("replaced_by_id", sa.LargeBinary(length=16), nullable=True),
        sa.Column("batch_id", sa.LargeBinary(length=16), nullable=True),
        sa.ForeignKeyConstraint(
            ["batch_id"],
            ["print_batch.id"],
        ),
        sa.ForeignKeyConstraint(
            ["carer_id"],
            ["carer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_carer_id"), ["carer_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_card_expires_on"), ["expires_on"], unique=False)
        batch_op.create_index(batch_op.f("ix_card_number"), ["number"], unique=True)
        batch_op.create_index(batch_op.f("ix_card_status"), ["status"], unique=False)

    op.create_table(
        "cared_for",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("carer_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("name", sa.String(length=120), nullable=True),
        sa.Column(
            "relationship",
            sa.Enum(
                "partner",
                "parent",
                "child",
                "sibling",
                "grandparent",
                "other_relative",
                "friend",
                "neighbour",
                "other",
                name="relationship",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "age_group",
            sa.Enum(
                "not_stated",
                "under_18",
                "18_25",
                "26_64",
                "65_84",
                "85_plus",
                name="agegroup",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column(
            "main_need",
            sa.Enum(
                "not_stated",
                "dementia",
                "mental_health",
                "learning_disability",
                "physical_disability",
                "long_term_illness",
                "sensory_loss",
                "palliative",
                "substance_misuse",
                "frailty",
                "other",
                name="mainneed",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("area", sa.String(length=80), nullable=True),
        sa.Column("notes", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["carer_id"],
            ["carer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("cared_for", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_cared_for_carer_id"), ["carer_id"], unique=False)

    op.create_table(
        "carer_photo",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("carer_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("jpeg", sa.LargeBinary(), nullable=True),
        sa.ForeignKeyConstraint(
            ["carer_id"],
            ["carer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("carer_photo", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_carer_photo_carer_id"), ["carer_id"], unique=True)

    op.create_table(
        "contact_log",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("carer_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column(
            "kind",
            sa.Enum(
                "drop_in",
                "phone",
                "home_visit",
                "mediated_help",
                "email_letter",
                "other",
                name="contactkind",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("minutes", sa.Integer(), nullable=False),
        sa.Column("by_user", sa.LargeBinary(length=16), nullable=True),
        sa.Column("what_was_done", sa.Text(), nullable=True),
        sa.Column("referred_to", sa.String(length=120), nullable=True),
        sa.ForeignKeyConstraint(
            ["carer_id"],
            ["carer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_contact_log_at"), ["at"], unique=False)
        batch_op.create_index(batch_op.f("ix_contact_log_carer_id"), ["carer_id"], unique=False)

    op.create_table(
        "emergency_plan",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("carer_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("contact_name", sa.String(length=120), nullable=True),
        sa.Column("contact_relationship", sa.String(length=80), nullable=True),
        sa.Column("contact_phone", sa.String(length=20), nullable=True),
        sa.Column("backup_name", sa.String(length=120), nullable=True),
        sa.Column("backup_phone", sa.String(length=20), nullable=True),
        sa.Column("needs_to_know", sa.Text(), nullable=True),
        sa.ForeignKeyConstraint(
            ["carer_id"],
            ["carer.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("emergency_plan", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_emergency_plan_carer_id"), ["carer_id"], unique=True)

    op.create_table(
        "offer",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("business_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("text", sa.String(length=300), nullable=False),
        sa.Column("terms", sa.Text(), nullable=True),
        sa.Column("categories", sa.JSON(), nullable=False),
        sa.Column("areas", sa.JSON(), nullable=False),
        sa.Column("eligible", sa.JSON(), nullable=False),
        sa.Column("starts_on", sa.Date(), nullable=True),
        sa.Column("ends_on", sa.Date(), nullable=True),
        sa.Column("last_checked_on", sa.Date(), nullable=True),
        sa.Column("review_due_on", sa.Date(), nullable=True),
        sa.Column("retired_on", sa.Date(), nullable=True),
        sa.ForeignKeyConstraint(
            ["business_id"],
            ["business.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_offer_business_id"), ["business_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_offer_review_due_on"), ["review_due_on"], unique=False)

    op.create_table(
        "card_event",
        sa.Column("id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("created_at", sa.BigInteger(), nullable=False),
        sa.Column("updated_at", sa.BigInteger(), nullable=False),
        sa.Column("site_code", sa.String(length=8), nullable=False),
        sa.Column("version", sa.Integer(), nullable=False),
        sa.Column("deleted", sa.Boolean(), nullable=False),
        sa.Column("card_id", sa.LargeBinary(length=16), nullable=False),
        sa.Column("at", sa.BigInteger(), nullable=False),
        sa.Column(
            "from_status",
            sa.Enum(
                "queued",
                "printed",
                "issued",
                "lost",
                "stolen",
                "revoked",
                "expired",
                "replaced",
                name="cardstatus",
                native_enum=False,
                length=40,
            ),
            nullable=True,
        ),
        sa.Column(
            "to_status",
            sa.Enum(
                "queued",
                "printed",
                "issued",
                "lost",
                "stolen",
                "revoked",
                "expired",
                "replaced",
                name="cardstatus",
                native_enum=False,
                length=40,
            ),
            nullable=False,
        ),
        sa.Column("by_user", sa.LargeBinary(length=16), nullable=True),
        sa.Column("note", sa.String(length=200), nullable=True),
        sa.ForeignKeyConstraint(
            ["card_id"],
            ["card.id"],
        ),
        sa.PrimaryKeyConstraint("id"),
    )
    with op.batch_alter_table("card_event", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_card_event_card_id"), ["card_id"], unique=False)

    # Full-text index over carers; rowid = carer.search_key. Contentless, so
    # names are held only once (in the carer table) and deletions purge them.
    # Column detail only (no word positions) and prefix indexes for 1-2 letters:
    # a third of the size, and every prefix query still takes about a millisecond.
    op.execute(
        "CREATE VIRTUAL TABLE carer_search USING fts5("
        "names, postcode, place, phones, cards, "
        "content='', contentless_delete=1, detail=column, "
        "tokenize='unicode61 remove_diacritics 2', prefix='1 2')"
    )


def downgrade() -> None:
    op.execute("DROP TABLE carer_search")
    with op.batch_alter_table("card_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_event_card_id"))

    op.drop_table("card_event")
    with op.batch_alter_table("offer", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_offer_review_due_on"))
        batch_op.drop_index(batch_op.f("ix_offer_business_id"))

    op.drop_table("offer")
    with op.batch_alter_table("emergency_plan", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_emergency_plan_carer_id"))

    op.drop_table("emergency_plan")
    with op.batch_alter_table("contact_log", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_contact_log_carer_id"))
        batch_op.drop_index(batch_op.f("ix_contact_log_at"))

    op.drop_table("contact_log")
    with op.batch_alter_table("carer_photo", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_carer_photo_carer_id"))

    op.drop_table("carer_photo")
    with op.batch_alter_table("cared_for", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_cared_for_carer_id"))

    op.drop_table("cared_for")
    with op.batch_alter_table("card", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_card_status"))
        batch_op.drop_index(batch_op.f("ix_card_number"))
        batch_op.drop_index(batch_op.f("ix_card_expires_on"))
        batch_op.drop_index(batch_op.f("ix_card_carer_id"))

    op.drop_table("card")
    with op.batch_alter_table("user_account", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_user_account_username"))

    op.drop_table("user_account")
    with op.batch_alter_table("site", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_site_code"))

    op.drop_table("site")
    op.drop_table("scheme_settings")
    op.drop_table("print_batch")
    op.drop_table("local_info")
    with op.batch_alter_table("carer", schema=None) as batch_op:
        batch_op.drop_index("ix_carer_search_order")
        batch_op.drop_index(batch_op.f("ix_carer_postcode"))
        batch_op.drop_index(batch_op.f("ix_carer_date_of_birth"))

    op.drop_table("carer")
    with op.batch_alter_table("business", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_business_town"))
        batch_op.drop_index(batch_op.f("ix_business_name"))

    op.drop_table("business")
    with op.batch_alter_table("audit_event", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_audit_event_record_id"))
        batch_op.drop_index(batch_op.f("ix_audit_event_at"))

    op.drop_table("audit_event")
