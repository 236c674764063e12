"""crisis signals and rood alerts

Revision ID: 0007
Revises: 0006
"""
from alembic import op
import sqlalchemy as sa
import bot.db.types


revision = '0007'
down_revision = '0006'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('crisis_signals',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('kind', sa.String(length=24), nullable=False),
    sa.Column('at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['client_id'], ['people.id'], name=op.f('fk_crisis_signals_client_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_crisis_signals'))
    )
    with op.batch_alter_table('crisis_signals', schema=None) as batch_op:
        batch_op.create_index('ix_crisis_signals_client_at', ['client_id', 'at'], unique=False)

    op.create_table('red_alerts',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('client_id', sa.Integer(), nullable=False),
    sa.Column('source', sa.String(length=16), nullable=False),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('escalate_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.Column('escalated_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('taken_at', bot.db.types.UTCDateTime(), nullable=True),
    sa.Column('taken_by_id', sa.Integer(), nullable=True),
    sa.ForeignKeyConstraint(['client_id'], ['people.id'], name=op.f('fk_red_alerts_client_id_people'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['taken_by_id'], ['people.id'], name=op.f('fk_red_alerts_taken_by_id_people'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_red_alerts'))
    )
    with op.batch_alter_table('red_alerts', schema=None) as batch_op:
        batch_op.create_index('ix_red_alerts_client_created', ['client_id', 'created_at'], unique=False)
        batch_op.create_index('ix_red_alerts_due', ['taken_at', 'escalated_at', 'escalate_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_red_alerts_taken_by_id'), ['taken_by_id'], unique=False)

    op.create_table('red_alert_deliveries',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('alert_id', sa.Integer(), nullable=False),
    sa.Column('worker_id', sa.Integer(), nullable=False),
    sa.Column('role', sa.String(length=16), nullable=False),
    sa.Column('created_at', bot.db.types.UTCDateTime(), nullable=False),
    sa.ForeignKeyConstraint(['alert_id'], ['red_alerts.id'], name=op.f('fk_red_alert_deliveries_alert_id_red_alerts'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['worker_id'], ['people.id'], name=op.f('fk_red_alert_deliveries_worker_id_people'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_red_alert_deliveries')),
    sa.UniqueConstraint('alert_id', 'worker_id', name='uq_red_alert_deliveries_alert_worker')
    )
    with op.batch_alter_table('red_alert_deliveries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_red_alert_deliveries_alert_id'), ['alert_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_red_alert_deliveries_worker_id'), ['worker_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('red_alert_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_red_alert_deliveries_worker_id'))
        batch_op.drop_index(batch_op.f('ix_red_alert_deliveries_alert_id'))

    op.drop_table('red_alert_deliveries')
    with op.batch_alter_table('red_alerts', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_red_alerts_taken_by_id'))
        batch_op.drop_index('ix_red_alerts_due')
        batch_op.drop_index('ix_red_alerts_client_created')

    op.drop_table('red_alerts')
    with op.batch_alter_table('crisis_signals', schema=None) as batch_op:
        batch_op.drop_index('ix_crisis_signals_client_at')

    op.drop_table('crisis_signals')
