"""employee phones encrypted at rest, forced password change, login counters by address and username

Revision ID: 0003
Revises: 0002
Create Date: 2026-12-02 00:30:00.000000
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None

employee = sa.table('employee', sa.column('id', sa.String), sa.column('phone', sa.String),
                    sa.column('phone_enc', sa.String))


def _cipher():
    from services.common.pii import PiiCipher
    return PiiCipher.from_env()  # the key the service itself uses (CARLOAN_PII_KEY)


def _rewrite(read, write, transform):
    connection = op.get_bind()
    rows = connection.execute(sa.select(employee.c.id, employee.c[read]).where(employee.c[read].isnot(None))).all()
    if not rows:
        return
    cipher = _cipher()
    for row in rows:
        connection.execute(employee.update().where(employee.c.id == row.id)
                           .values({write: transform(cipher, row[1])}))


def _login_attempt(key_column):
    op.create_table('login_attempt',
    key_column,
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('window_started_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint(key_column.name)
    )


def upgrade():
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone_enc', sa.String(length=200), nullable=True))
        batch_op.add_column(sa.Column('must_change_password', sa.Boolean(), nullable=False,
                                      server_default=sa.false()))
    _rewrite('phone', 'phone_enc', lambda cipher, phone: cipher.encrypt(phone))
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.drop_column('phone')
        batch_op.alter_column('must_change_password', server_default=None)
    # Throttle counts are short-lived: the per-username rows give way to keyed ones (address, pair, username).
    op.drop_table('login_attempt')
    _login_attempt(sa.Column('key', sa.String(length=200), nullable=False))


def downgrade():
    op.drop_table('login_attempt')
    _login_attempt(sa.Column('username', sa.String(length=100), nullable=False))
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.add_column(sa.Column('phone', sa.String(length=20), nullable=True))
    _rewrite('phone_enc', 'phone', lambda cipher, token: cipher.decrypt(token))
    with op.batch_alter_table('employee', schema=None) as batch_op:
        batch_op.drop_column('must_change_password')
        batch_op.drop_column('phone_enc')
