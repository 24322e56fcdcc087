"""alarms: where an escalation is and how far up it went, the notification outbox, reminder claims

Revision ID: 0006_alarms
Revises: 0005_merge_areas
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401


revision = "0006_alarms"
down_revision = "0005_merge_areas"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.add_column(sa.Column("location", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False,
                                      server_default=""))
        batch_op.add_column(sa.Column("level", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("resolved_by", sa.Integer(), nullable=True))
        batch_op.create_foreign_key(batch_op.f("fk_escalation_resolved_by_staff"), "staff", ["resolved_by"], ["id"])
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.alter_column("location", server_default=None)
        batch_op.alter_column("level", server_default=None)

    op.create_table(
        "notify_outbox",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("created_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("event", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("channel", sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
        sa.Column("escalation_id", sa.Integer(), nullable=True),
        sa.Column("title", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("body", sqlmodel.sql.sqltypes.AutoString(length=4000), nullable=False),
        sa.Column("mentions", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("state", sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
        sa.Column("attempts", sa.Integer(), nullable=False),
        sa.Column("next_attempt_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("claimed_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("delivered_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.Column("last_error", sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
        sa.ForeignKeyConstraint(["escalation_id"], ["escalation.id"],
                                name=op.f("fk_notify_outbox_escalation_id_escalation")),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_notify_outbox")),
    )
    with op.batch_alter_table("notify_outbox", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_notify_outbox_created_at"), ["created_at"], unique=False)
        batch_op.create_index(batch_op.f("ix_notify_outbox_escalation_id"), ["escalation_id"], unique=False)
        batch_op.create_index(batch_op.f("ix_notify_outbox_state"), ["state"], unique=False)
        batch_op.create_index(batch_op.f("ix_notify_outbox_next_attempt_at"), ["next_attempt_at"], unique=False)

    op.create_table(
        "reminder_claim",
        sa.Column("id", sa.Integer(), nullable=False),
        sa.Column("key", sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
        sa.Column("rule", sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
        sa.Column("at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
        sa.Column("terminal", sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
        sa.Column("roles", sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
        sa.Column("text", sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
        sa.Column("dismissed_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
        sa.PrimaryKeyConstraint("id", name=op.f("pk_reminder_claim")),
        sa.UniqueConstraint("key", name="uq_reminder_claim_key"),
    )
    with op.batch_alter_table("reminder_claim", schema=None) as batch_op:
        batch_op.create_index(batch_op.f("ix_reminder_claim_rule"), ["rule"], unique=False)
        batch_op.create_index(batch_op.f("ix_reminder_claim_at"), ["at"], unique=False)


def downgrade() -> None:
    op.drop_table("reminder_claim")
    op.drop_table("notify_outbox")
    with op.batch_alter_table("escalation", schema=None) as batch_op:
        batch_op.drop_constraint(batch_op.f("fk_escalation_resolved_by_staff"), type_="foreignkey")
        batch_op.drop_column("resolved_by")
        batch_op.drop_column("level")
        batch_op.drop_column("location")
