"""nudges carry when the ladder next needs a look (next_climb_at); waiting deliveries are found by an index

Every unacknowledged nudge is looked at once in the first tick after the upgrade, which gives it its next look.

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa
import bot.db.types


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('nudges', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_climb_at', bot.db.types.UTCDateTime(), nullable=True))
        batch_op.create_index(batch_op.f('ix_nudges_next_climb_at'), ['next_climb_at'], unique=False)
    op.execute("UPDATE nudges SET next_climb_at = created_at WHERE acknowledged_at IS NULL")
    with op.batch_alter_table('nudge_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_nudge_deliveries_waiting', ['notified_at', 'worker_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('nudge_deliveries', schema=None) as batch_op:
        batch_op.drop_index('ix_nudge_deliveries_waiting')
    with op.batch_alter_table('nudges', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_nudges_next_climb_at'))
        batch_op.drop_column('next_climb_at')
