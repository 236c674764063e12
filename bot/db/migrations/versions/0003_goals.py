"""goals, goal check-ins, nudges and their deliveries, absences

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa
import bot.db.types


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('absences',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('starts_on', sa.Date(), nullable=False),
    sa.Column('ends_on', sa.Date(), nullable=False),
    sa.ForeignKeyConstraint(['worker_id'], ['people.id'], name=op.f('fk_absences_worker_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_absences'))
    )
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_absences_worker_id'), ['worker_id'], unique=False)

    op.create_table('goals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('household_id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=True),
    sa.Column('owner_id', sa.Integer(), nullable=False),
    sa.Column('domain', sa.String(length=24), nullable=False),
    sa.Column('title', bot.db.types.SecretText(), nullable=False),
    sa.Column('why', bot.db.types.SecretText(), nullable=True),
    sa.Column('step', bot.db.types.SecretText(), nullable=True),
    sa.Column('target_date', sa.Date(), nullable=True),
    sa.Column('status', sa.String(length=12), nullable=False),
    sa.Column('proposed_by_id', sa.Integer(), nullable=True),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('checkin_weekday', sa.Integer(), nullable=False),
    sa.Column('checkin_time', sa.Time(), nullable=False),
    sa.Column('every_weeks', sa.Integer(), nullable=False),
    sa.Column('next_checkin_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('last_progress_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('stall_since', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('last_swept_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['people.id'], name=op.f('fk_goals_client_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['household_id'], ['households.id'], name=op.f('fk_goals_household_id_households'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['owner_id'], ['people.id'], name=op.f('fk_goals_owner_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['proposed_by_id'], ['people.id'], name=op.f('fk_goals_proposed_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goals'))
    )
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goals_client_id'), ['client_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_goals_household_id'), ['household_id'], unique=False)
        batch_op.create_index('ix_goals_status_next', ['status', 'next_checkin_at'], unique=False)
        batch_op.create_index('ix_goals_status_swept', ['status', 'last_swept_at'], unique=False)

    op.create_table('goal_checkins',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('prompted_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('answered_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('answer', sa.String(length=12), nullable=True),
    sa.Column('note', bot.db.types.SecretText(), nullable=True),
    sa.Column('voice_file_id', sa.String(length=200), nullable=True),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_goal_checkins_goal_id_goals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_checkins'))
    )
    with op.batch_alter_table('goal_checkins', schema=None) as batch_op:
        batch_op.create_index('ix_goal_checkins_goal_prompted', ['goal_id', 'prompted_at'], unique=False)

    op.create_table('goal_events',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('by_id', sa.Integer(), nullable=True),
    sa.Column('detail', bot.db.types.SecretText(), nullable=True),
    sa.ForeignKeyConstraint(['by_id'], ['people.id'], name=op.f('fk_goal_events_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_goal_events_goal_id_goals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_goal_events'))
    )
    with op.batch_alter_table('goal_events', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_goal_events_goal_id'), ['goal_id'], unique=False)

    op.create_table('nudges',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('goal_id', sa.Integer(), nullable=False),
    sa.Column('reasons', sa.String(length=64), nullable=False),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('rungs', sa.String(length=64), nullable=False),
    sa.Column('snoozed_until', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('acknowledged_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('acknowledged_by_id', sa.Integer(), nullable=True),
    sa.Column('acknowledgement', sa.String(length=16), nullable=True),
    sa.ForeignKeyConstraint(['acknowledged_by_id'], ['people.id'], name=op.f('fk_nudges_acknowledged_by_id_people'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['goal_id'], ['goals.id'], name=op.f('fk_nudges_goal_id_goals'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nudges'))
    )
    with op.batch_alter_table('nudges', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nudges_goal_id'), ['goal_id'], unique=False)
        batch_op.create_index('ix_nudges_open', ['acknowledged_at', 'created_at'], unique=False)

    op.create_table('nudge_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('nudge_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('rung', sa.String(length=16), nullable=False),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('notified_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.ForeignKeyConstraint(['nudge_id'], ['nudges.id'], name=op.f('fk_nudge_deliveries_nudge_id_nudges'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['people.id'], name=op.f('fk_nudge_deliveries_worker_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_nudge_deliveries')),
    sa.UniqueConstraint('nudge_id', 'worker_id', name='uq_nudge_deliveries_nudge_worker')
    )
    with op.batch_alter_table('nudge_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_nudge_deliveries_nudge_id'), ['nudge_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_nudge_deliveries_worker_id'), ['worker_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('nudge_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nudge_deliveries_worker_id'))
        batch_op.drop_index(batch_op.f('ix_nudge_deliveries_nudge_id'))

    op.drop_table('nudge_deliveries')
    with op.batch_alter_table('nudges', schema=None) as batch_op:
        batch_op.drop_index('ix_nudges_open')
        batch_op.drop_index(batch_op.f('ix_nudges_goal_id'))

    op.drop_table('nudges')
    with op.batch_alter_table('goal_events', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_goal_events_goal_id'))

    op.drop_table('goal_events')
    with op.batch_alter_table('goal_checkins', schema=None) as batch_op:
        batch_op.drop_index('ix_goal_checkins_goal_prompted')

    op.drop_table('goal_checkins')
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_index('ix_goals_status_swept')
        batch_op.drop_index('ix_goals_status_next')
        batch_op.drop_index(batch_op.f('ix_goals_household_id'))
        batch_op.drop_index(batch_op.f('ix_goals_client_id'))

    op.drop_table('goals')
    with op.batch_alter_table('absences', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_absences_worker_id'))

    op.drop_table('absences')
