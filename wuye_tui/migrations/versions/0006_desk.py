"""desk: validity decided or not, manual collective opt-out, return-visit attempts

Revision ID: 0006_desk
Revises: 0005_merge_areas
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.*)


revision = "0006_desk"
down_revision = "0005_merge_areas"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.add_column(sa.Column("validity_decided_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("collective_opt_out", sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    with op.batch_alter_table("returnvisit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("attempts", sa.Integer(), nullable=False, server_default="0"))
        batch_op.add_column(sa.Column("last_attempt_at", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
    # complaints already decided invalid were judged by someone: keep that as decided
    op.execute("UPDATE complaint SET validity_decided_at = received_at WHERE valid = false")


def downgrade() -> None:
    with op.batch_alter_table("returnvisit", schema=None) as batch_op:
        batch_op.drop_column("last_attempt_at")
        batch_op.drop_column("attempts")
    with op.batch_alter_table("complaint", schema=None) as batch_op:
        batch_op.drop_column("collective_opt_out")
        batch_op.drop_column("validity_decided_at")
