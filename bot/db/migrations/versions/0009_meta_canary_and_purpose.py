"""meta: the key canary and the database's purpose (demo or live)

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa
import bot.db.types


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('meta',
    sa.Column('key', sa.String(length=32), nullable=False),
    sa.Column('value', sa.String(length=64), nullable=True),
    sa.Column('secret', bot.db.types.SecretText(), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_meta'))
    )


def downgrade() -> None:
    op.drop_table('meta')
