"""guard: duty log, patrol rounds, shift handover, key register

Revision ID: 0004_guard
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.*)


revision = '0004_guard'
down_revision = '0001_core'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('duty_entry',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('post', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('duty_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('severity', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('is_incident', sa.Boolean(), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('major_type', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('escalation_id', sa.Integer(), nullable=True),
    sa.Column('source', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('source_ref', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('closed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('closed_by', sa.Integer(), nullable=True),
    sa.Column('close_note', sqlmodel.sql.sqltypes.AutoString(length=1000), nullable=False),
    sa.ForeignKeyConstraint(['closed_by'], ['staff.id'], name=op.f('fk_duty_entry_closed_by_staff')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_duty_entry_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_duty_entry'))
    )

    with op.batch_alter_table('duty_entry', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_duty_entry_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_duty_entry_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index('ix_duty_entry_status_id', ['status', 'id'], unique=False)

    op.create_table('handover',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('shift', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('duty_date', sa.Date(), nullable=False),
    sa.Column('post', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('outgoing_id', sa.Integer(), nullable=False),
    sa.Column('opened_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('updated_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('notes', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=10), nullable=False),
    sa.Column('incoming_id', sa.Integer(), nullable=True),
    sa.Column('signed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('failed_signatures', sa.Integer(), nullable=False),
    sa.ForeignKeyConstraint(['incoming_id'], ['staff.id'], name=op.f('fk_handover_incoming_id_staff')),
    sa.ForeignKeyConstraint(['outgoing_id'], ['staff.id'], name=op.f('fk_handover_outgoing_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover'))
    )

    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.create_index('ix_handover_day_shift', ['duty_date', 'shift'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_outgoing_id'), ['outgoing_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_handover_signed_at'), ['signed_at'], unique=False)

    op.create_table('patrol_missed',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('slot_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('recorded_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_patrol_missed_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_missed')),
    sa.UniqueConstraint('route', 'slot_at', name='uq_patrol_missed_route_slot')
    )

    with op.batch_alter_table('patrol_missed', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_missed_slot_at'), ['slot_at'], unique=False)

    op.create_table('patrol_round',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('route', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('started_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('ended_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('status', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('checkpoints_done', sa.Integer(), nullable=False),
    sa.Column('anomalies', sa.Integer(), nullable=False),
    sa.Column('too_fast', sa.Boolean(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_patrol_round_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_round'))
    )

    with op.batch_alter_table('patrol_round', schema=None) as batch_op:
        batch_op.create_index('ix_patrol_round_route_started', ['route', 'started_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_round_staff_id'), ['staff_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_patrol_round_started_at'), ['started_at'], unique=False)

    op.create_table('handover_equipment',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handover_id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['handover_id'], ['handover.id'], name=op.f('fk_handover_equipment_handover_id_handover')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_equipment')),
    sa.UniqueConstraint('handover_id', 'code', name='uq_handover_equipment_handover_code')
    )

    with op.batch_alter_table('handover_equipment', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_equipment_handover_id'), ['handover_id'], unique=False)

    op.create_table('handover_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handover_id', sa.Integer(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('ref', sqlmodel.sql.sqltypes.AutoString(length=80), nullable=False),
    sa.Column('title', sqlmodel.sql.sqltypes.AutoString(length=300), nullable=False),
    sa.Column('since', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('overdue', sa.Boolean(), nullable=False),
    sa.Column('detail', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('acknowledged', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['handover_id'], ['handover.id'], name=op.f('fk_handover_item_handover_id_handover')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_item'))
    )

    with op.batch_alter_table('handover_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_item_handover_id'), ['handover_id'], unique=False)

    op.create_table('handover_note',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('handover_id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('staff_id', sa.Integer(), nullable=False),
    sa.Column('text', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.ForeignKeyConstraint(['handover_id'], ['handover.id'], name=op.f('fk_handover_note_handover_id_handover')),
    sa.ForeignKeyConstraint(['staff_id'], ['staff.id'], name=op.f('fk_handover_note_staff_id_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_handover_note'))
    )

    with op.batch_alter_table('handover_note', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_handover_note_handover_id'), ['handover_id'], unique=False)

    op.create_table('key_item',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('label', sqlmodel.sql.sqltypes.AutoString(length=100), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_key_item_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_item')),
    sa.UniqueConstraint('code', name=op.f('uq_key_item_code'))
    )

    with op.batch_alter_table('key_item', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_key_item_unit_id'), ['unit_id'], unique=False)

    op.create_table('patrol_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('round_id', sa.Integer(), nullable=False),
    sa.Column('checkpoint', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('tag_confirmed', sa.Boolean(), nullable=False),
    sa.Column('item', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=500), nullable=False),
    sa.Column('incident_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['incident_id'], ['duty_entry.id'], name=op.f('fk_patrol_check_incident_id_duty_entry')),
    sa.ForeignKeyConstraint(['round_id'], ['patrol_round.id'], name=op.f('fk_patrol_check_round_id_patrol_round')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_patrol_check'))
    )

    with op.batch_alter_table('patrol_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_patrol_check_round_id'), ['round_id'], unique=False)

    op.create_table('key_loan',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('key_id', sa.Integer(), nullable=False),
    sa.Column('lent_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('lent_by', sa.Integer(), nullable=False),
    sa.Column('lent_to', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=40), nullable=False),
    sa.Column('purpose_note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('authorised_by', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('due_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('returned_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('returned_by', sa.Integer(), nullable=True),
    sa.Column('return_note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['key_id'], ['key_item.id'], name=op.f('fk_key_loan_key_id_key_item')),
    sa.ForeignKeyConstraint(['lent_by'], ['staff.id'], name=op.f('fk_key_loan_lent_by_staff')),
    sa.ForeignKeyConstraint(['returned_by'], ['staff.id'], name=op.f('fk_key_loan_returned_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_key_loan'))
    )

    with op.batch_alter_table('key_loan', schema=None) as batch_op:
        batch_op.create_index('ix_key_loan_key_returned', ['key_id', 'returned_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_loan_lent_at'), ['lent_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_key_loan_returned_at'), ['returned_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('key_loan', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_loan_returned_at'))
        batch_op.drop_index(batch_op.f('ix_key_loan_lent_at'))
        batch_op.drop_index('ix_key_loan_key_returned')

    op.drop_table('key_loan')

    with op.batch_alter_table('patrol_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_check_round_id'))

    op.drop_table('patrol_check')

    with op.batch_alter_table('key_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_key_item_unit_id'))

    op.drop_table('key_item')

    with op.batch_alter_table('handover_note', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_note_handover_id'))

    op.drop_table('handover_note')

    with op.batch_alter_table('handover_item', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_item_handover_id'))

    op.drop_table('handover_item')

    with op.batch_alter_table('handover_equipment', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_equipment_handover_id'))

    op.drop_table('handover_equipment')

    with op.batch_alter_table('patrol_round', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_round_started_at'))
        batch_op.drop_index(batch_op.f('ix_patrol_round_staff_id'))
        batch_op.drop_index('ix_patrol_round_route_started')

    op.drop_table('patrol_round')

    with op.batch_alter_table('patrol_missed', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_patrol_missed_slot_at'))

    op.drop_table('patrol_missed')

    with op.batch_alter_table('handover', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_handover_signed_at'))
        batch_op.drop_index(batch_op.f('ix_handover_outgoing_id'))
        batch_op.drop_index('ix_handover_day_shift')

    op.drop_table('handover')

    with op.batch_alter_table('duty_entry', schema=None) as batch_op:
        batch_op.drop_index('ix_duty_entry_status_id')
        batch_op.drop_index(batch_op.f('ix_duty_entry_staff_id'))
        batch_op.drop_index(batch_op.f('ix_duty_entry_at'))

    op.drop_table('duty_entry')
