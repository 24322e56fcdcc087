"""guard: duty roster, sealed handover, who acknowledged, session heartbeat, key approver

Revision ID: 0006_guard
Revises: 0005_merge_areas
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401


revision = "0006_guard"
down_revision = "0005_merge_areas"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table(
        "guard_duty",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("duty_date", sa.Date(), nullable=False),
        sa.Column("shift", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("post", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("staff_id", sa.Integer(), nullable=False),
        sa.ForeignKeyConstraint(["staff_id"], ["staff.id"], name=op.f("fk_guard_duty_staff_id_staff")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_guard_duty")),
        sa.UniqueConstraint("duty_date", "shift", "post", name="uq_guard_duty_date_shift_post"),
    )
    with op.batch_alter_table("guard_duty", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_guard_duty_duty_date"), ["duty_date"], unique=False)
        batch_op.create_index(batch_op.f("ix_guard_duty_staff_id"), ["staff_id"], unique=False)

    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.add_column(sa.Column("content_hash", sqlmodel.sql.sqltypes.AutoString(length=64),
                                      nullable=False, server_default=""))

    with op.batch_alter_table("handover_item", schema=None) as batch_op:
        batch_op.add_column(sa.Column("acknowledged_by", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("acknowledged_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("added_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("reset_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_handover_item_acknowledged_by_staff"), "staff",
                                    ["acknowledged_by"], ["id"])

    with op.batch_alter_table("staffsession", schema=None) as batch_op:
        batch_op.add_column(sa.Column("last_seen", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f("ix_staffsession_last_seen"), ["last_seen"], unique=False)

    with op.batch_alter_table("key_loan", schema=None) as batch_op:
        batch_op.add_column(sa.Column("authorised_staff_id", sa.Integer(), nullable=True))
        batch_op.add_column(sa.Column("authorised_resident_id", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_key_loan_authorised_staff_id_staff"), "staff",
                                    ["authorised_staff_id"], ["id"])
        batch_op.create_foreign_key(batch_op.f("fk_key_loan_authorised_resident_id_resident"), "resident",
                                    ["authorised_resident_id"], ["id"])


def downgrade() -> None:
    with op.batch_alter_table("key_loan", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_key_loan_authorised_resident_id_resident"), type_="foreignkey")
        batch_op.drop_constraint(batch_op.f("fk_key_loan_authorised_staff_id_staff"), type_="foreignkey")
        batch_op.drop_column("authorised_resident_id")
        batch_op.drop_column("authorised_staff_id")
    with op.batch_alter_table("staffsession", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_staffsession_last_seen"))
        batch_op.drop_column("last_seen")
    with op.batch_alter_table("handover_item", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_handover_item_acknowledged_by_staff"), type_="foreignkey")
        batch_op.drop_column("reset_at")
        batch_op.drop_column("added_at")
        batch_op.drop_column("acknowledged_at")
        batch_op.drop_column("acknowledged_by")
    with op.batch_alter_table("handover", schema=None) as batch_op:
        batch_op.drop_column("content_hash")
    with op.batch_alter_table("guard_duty", schema=None) as batch_op:
        batch_op.drop_index(batch_op.f("ix_guard_duty_staff_id"))
        batch_op.drop_index(batch_op.f("ix_guard_duty_duty_date"))
    op.drop_table("guard_duty")
