"""goals carry when their stall rules next need a look (next_look_at) instead of when they were last swept,
and their last few prompts (recent_prompts), so a look reads the goal row only

The first hour after the upgrade looks at each active goal once, spread as the hourly sweep had them; from
then on a goal is looked at only when something happened to it or a rule could start to apply.

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa
import bot.db.types


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('next_look_at', bot.db.types.UTCDateTime(), nullable=True))
        batch_op.add_column(sa.Column('recent_prompts', sa.JSON(), nullable=True))  # filled by each goal's first look
    # Stored without zone on both databases (UTCDateTime): an hour after the last sweep, in each one's SQL.
    later = ("datetime(last_swept_at, '+1 hour')" if op.get_bind().dialect.name == 'sqlite'
             else "last_swept_at + interval '1 hour'")
    op.execute(f"UPDATE goals SET next_look_at = {later} WHERE status = 'active' AND stall_since IS NULL")
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_index('ix_goals_status_swept')
        batch_op.drop_column('last_swept_at')
        batch_op.create_index('ix_goals_next_look_at', ['next_look_at'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.add_column(sa.Column('last_swept_at', bot.db.types.UTCDateTime(), nullable=True))
    op.execute("UPDATE goals SET last_swept_at = created_at")
    with op.batch_alter_table('goals', schema=None) as batch_op:
        batch_op.drop_index('ix_goals_next_look_at')
        batch_op.alter_column('last_swept_at', existing_type=bot.db.types.UTCDateTime(), nullable=False)
        batch_op.create_index('ix_goals_status_swept', ['status', 'last_swept_at'], unique=False)
        batch_op.drop_column('next_look_at')
        batch_op.drop_column('recent_prompts')
