"""gate: watch-list entries carry a validity period; a visit records that an ID was
checked (for the id_storage setting) (#10)

Revision ID: 0006_gate
Revises: 0005_merge_areas
Create Date: 2026-12-01
"""

import sqlalchemy as sa
import sqlmodel
from alembic import op

revision = "0006_gate"
down_revision = "0005_merge_areas"
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table("gate_visit", schema=None) as batch_op:
        batch_op.add_column(sa.Column("id_checked", sa.Boolean(), nullable=False, server_default=sa.false()))
    with op.batch_alter_table("gate_watch", schema=None) as batch_op:
        batch_op.add_column(sa.Column("valid_from", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column("valid_until", sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table("gate_visit", schema=None) as batch_op:
        batch_op.drop_column("id_checked")
    with op.batch_alter_table("gate_watch", schema=None) as batch_op:
        batch_op.drop_column("valid_until")
        batch_op.drop_column("valid_from")
