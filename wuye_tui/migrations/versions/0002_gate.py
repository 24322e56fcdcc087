"""gate register: visitors, refusals, pre-registrations, vehicles, permits and passes,
release slips, watch list

Revision ID: 0002_gate
Revises: 0001_core
"""
from alembic import op
import sqlalchemy as sa
import sqlmodel  # noqa: F401  (autogenerate writes sqlmodel.sql.sqltypes.*)


revision = "0002_gate"
down_revision = "0001_core"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('gate_visitor',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('initials', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('id_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('id_number', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('last_visit_id', sa.Integer(), nullable=True),
    sa.Column('last_seen_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('visits', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_visitor'))
    )
    with op.batch_alter_table('gate_visitor', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_visitor_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_visitor_initials'), ['initials'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_visitor_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_visitor_phone'), ['phone'], unique=False)

    op.create_table('gate_watch',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('id_number', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('plate', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('added_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('added_by', sa.Integer(), nullable=True),
    sa.Column('active', sa.Boolean(), nullable=False),
    sa.Column('removed_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('removed_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['added_by'], ['staff.id'], name=op.f('fk_gate_watch_added_by_staff')),
    sa.ForeignKeyConstraint(['removed_by'], ['staff.id'], name=op.f('fk_gate_watch_removed_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_watch'))
    )
    with op.batch_alter_table('gate_watch', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_watch_id_number'), ['id_number'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_watch_name'), ['name'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_watch_plate'), ['plate'], unique=False)

    op.create_table('gate_permit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('company', sqlmodel.sql.sqltypes.AutoString(length=60), nullable=False),
    sa.Column('foreman', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('start_date', sa.Date(), nullable=False),
    sa.Column('end_date', sa.Date(), nullable=False),
    sa.Column('workers', sa.Integer(), nullable=False),
    sa.Column('issued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('issued_by', sa.Integer(), nullable=True),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('revoked_by', sa.Integer(), nullable=True),
    sa.Column('revoke_reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.ForeignKeyConstraint(['issued_by'], ['staff.id'], name=op.f('fk_gate_permit_issued_by_staff')),
    sa.ForeignKeyConstraint(['revoked_by'], ['staff.id'], name=op.f('fk_gate_permit_revoked_by_staff')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_gate_permit_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_permit'))
    )
    with op.batch_alter_table('gate_permit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_permit_unit_id'), ['unit_id'], unique=False)

    op.create_table('gate_prereg',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('code', sqlmodel.sql.sqltypes.AutoString(length=6), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('id_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('id_number', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('plate', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('created_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('created_by', sa.Integer(), nullable=True),
    sa.Column('valid_until', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['created_by'], ['staff.id'], name=op.f('fk_gate_prereg_created_by_staff')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_gate_prereg_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_prereg'))
    )
    with op.batch_alter_table('gate_prereg', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_prereg_code'), ['code'], unique=False)

    op.create_table('gate_refusal',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('id_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('id_number', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('plate', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('host_unit_id', sa.Integer(), nullable=True),
    sa.Column('guard_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['guard_id'], ['staff.id'], name=op.f('fk_gate_refusal_guard_id_staff')),
    sa.ForeignKeyConstraint(['host_unit_id'], ['unit.id'], name=op.f('fk_gate_refusal_host_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_refusal'))
    )
    with op.batch_alter_table('gate_refusal', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_refusal_at'), ['at'], unique=False)

    op.create_table('gate_slip',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=False),
    sa.Column('items', sqlmodel.sql.sqltypes.AutoString(length=2000), nullable=False),
    sa.Column('reason', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('valid_on', sa.Date(), nullable=False),
    sa.Column('approved_by', sa.Integer(), nullable=True),
    sa.Column('issued_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('issued_by', sa.Integer(), nullable=True),
    sa.Column('used_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('used_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['approved_by'], ['staff.id'], name=op.f('fk_gate_slip_approved_by_staff')),
    sa.ForeignKeyConstraint(['issued_by'], ['staff.id'], name=op.f('fk_gate_slip_issued_by_staff')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_gate_slip_unit_id_unit')),
    sa.ForeignKeyConstraint(['used_by'], ['staff.id'], name=op.f('fk_gate_slip_used_by_staff')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_slip'))
    )
    with op.batch_alter_table('gate_slip', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_slip_unit_id'), ['unit_id'], unique=False)

    op.create_table('gate_vehicle',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('plate', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('resident', sa.Boolean(), nullable=False),
    sa.Column('kind', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('unit_id', sa.Integer(), nullable=True),
    sa.Column('driver', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('inspection', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('driver_confirm', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('visit_id', sa.Integer(), nullable=True),
    sa.Column('in_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('out_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('guard_id', sa.Integer(), nullable=True),
    sa.Column('out_guard_id', sa.Integer(), nullable=True),
    sa.Column('override_by', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['guard_id'], ['staff.id'], name=op.f('fk_gate_vehicle_guard_id_staff')),
    sa.ForeignKeyConstraint(['out_guard_id'], ['staff.id'], name=op.f('fk_gate_vehicle_out_guard_id_staff')),
    sa.ForeignKeyConstraint(['override_by'], ['staff.id'], name=op.f('fk_gate_vehicle_override_by_staff')),
    sa.ForeignKeyConstraint(['unit_id'], ['unit.id'], name=op.f('fk_gate_vehicle_unit_id_unit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_vehicle'))
    )
    with op.batch_alter_table('gate_vehicle', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_vehicle_in_at'), ['in_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_vehicle_out_at'), ['out_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_vehicle_plate'), ['plate'], unique=False)

    op.create_table('gate_visit',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('visitor_id', sa.Integer(), nullable=True),
    sa.Column('name', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('id_type', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('id_number', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('phone', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('headcount', sa.Integer(), nullable=False),
    sa.Column('host_unit_id', sa.Integer(), nullable=False),
    sa.Column('approval', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('purpose', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('plate', sqlmodel.sql.sqltypes.AutoString(length=12), nullable=False),
    sa.Column('prereg_id', sa.Integer(), nullable=True),
    sa.Column('group_ref', sqlmodel.sql.sqltypes.AutoString(length=20), nullable=False),
    sa.Column('checked_in_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('expected_out_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('checked_out_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.Column('guard_id', sa.Integer(), nullable=True),
    sa.Column('out_guard_id', sa.Integer(), nullable=True),
    sa.Column('override_by', sa.Integer(), nullable=True),
    sa.Column('purged', sa.Boolean(), nullable=False),
    sa.ForeignKeyConstraint(['guard_id'], ['staff.id'], name=op.f('fk_gate_visit_guard_id_staff')),
    sa.ForeignKeyConstraint(['host_unit_id'], ['unit.id'], name=op.f('fk_gate_visit_host_unit_id_unit')),
    sa.ForeignKeyConstraint(['out_guard_id'], ['staff.id'], name=op.f('fk_gate_visit_out_guard_id_staff')),
    sa.ForeignKeyConstraint(['override_by'], ['staff.id'], name=op.f('fk_gate_visit_override_by_staff')),
    sa.ForeignKeyConstraint(['visitor_id'], ['gate_visitor.id'], name=op.f('fk_gate_visit_visitor_id_gate_visitor')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_visit'))
    )
    with op.batch_alter_table('gate_visit', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_visit_checked_in_at'), ['checked_in_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_visit_checked_out_at'), ['checked_out_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_visit_host_unit_id'), ['host_unit_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_visit_visitor_id'), ['visitor_id'], unique=False)

    op.create_table('gate_pass',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('permit_id', sa.Integer(), nullable=False),
    sa.Column('seq', sa.Integer(), nullable=False),
    sa.Column('worker', sqlmodel.sql.sqltypes.AutoString(length=30), nullable=False),
    sa.Column('revoked_at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['permit_id'], ['gate_permit.id'], name=op.f('fk_gate_pass_permit_id_gate_permit')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_pass')),
    sa.UniqueConstraint('number', name=op.f('uq_gate_pass_number'))
    )
    with op.batch_alter_table('gate_pass', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_pass_permit_id'), ['permit_id'], unique=False)

    op.create_table('gate_slip_use',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('slip_id', sa.Integer(), nullable=True),
    sa.Column('result', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('note', sqlmodel.sql.sqltypes.AutoString(length=200), nullable=False),
    sa.Column('guard_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['guard_id'], ['staff.id'], name=op.f('fk_gate_slip_use_guard_id_staff')),
    sa.ForeignKeyConstraint(['slip_id'], ['gate_slip.id'], name=op.f('fk_gate_slip_use_slip_id_gate_slip')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_slip_use'))
    )
    with op.batch_alter_table('gate_slip_use', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_slip_use_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_slip_use_slip_id'), ['slip_id'], unique=False)

    op.create_table('gate_pass_check',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('at', sqlmodel.sql.sqltypes.UTCDateTime(), nullable=False),
    sa.Column('number', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('pass_id', sa.Integer(), nullable=True),
    sa.Column('result', sqlmodel.sql.sqltypes.AutoString(length=16), nullable=False),
    sa.Column('guard_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['guard_id'], ['staff.id'], name=op.f('fk_gate_pass_check_guard_id_staff')),
    sa.ForeignKeyConstraint(['pass_id'], ['gate_pass.id'], name=op.f('fk_gate_pass_check_pass_id_gate_pass')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_gate_pass_check'))
    )
    with op.batch_alter_table('gate_pass_check', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_gate_pass_check_at'), ['at'], unique=False)
        batch_op.create_index(batch_op.f('ix_gate_pass_check_pass_id'), ['pass_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('gate_pass_check', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_pass_check_pass_id'))
        batch_op.drop_index(batch_op.f('ix_gate_pass_check_at'))

    op.drop_table('gate_pass_check')
    with op.batch_alter_table('gate_slip_use', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_slip_use_slip_id'))
        batch_op.drop_index(batch_op.f('ix_gate_slip_use_at'))

    op.drop_table('gate_slip_use')
    with op.batch_alter_table('gate_pass', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_pass_permit_id'))

    op.drop_table('gate_pass')
    with op.batch_alter_table('gate_visit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_visit_visitor_id'))
        batch_op.drop_index(batch_op.f('ix_gate_visit_host_unit_id'))
        batch_op.drop_index(batch_op.f('ix_gate_visit_checked_out_at'))
        batch_op.drop_index(batch_op.f('ix_gate_visit_checked_in_at'))

    op.drop_table('gate_visit')
    with op.batch_alter_table('gate_vehicle', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_vehicle_plate'))
        batch_op.drop_index(batch_op.f('ix_gate_vehicle_out_at'))
        batch_op.drop_index(batch_op.f('ix_gate_vehicle_in_at'))

    op.drop_table('gate_vehicle')
    with op.batch_alter_table('gate_slip', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_slip_unit_id'))

    op.drop_table('gate_slip')
    with op.batch_alter_table('gate_refusal', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_refusal_at'))

    op.drop_table('gate_refusal')
    with op.batch_alter_table('gate_prereg', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_prereg_code'))

    op.drop_table('gate_prereg')
    with op.batch_alter_table('gate_permit', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_permit_unit_id'))

    op.drop_table('gate_permit')
    with op.batch_alter_table('gate_watch', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_watch_plate'))
        batch_op.drop_index(batch_op.f('ix_gate_watch_name'))
        batch_op.drop_index(batch_op.f('ix_gate_watch_id_number'))

    op.drop_table('gate_watch')
    with op.batch_alter_table('gate_visitor', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_gate_visitor_phone'))
        batch_op.drop_index(batch_op.f('ix_gate_visitor_name'))
        batch_op.drop_index(batch_op.f('ix_gate_visitor_initials'))
        batch_op.drop_index(batch_op.f('ix_gate_visitor_id_number'))

    op.drop_table('gate_visitor')
