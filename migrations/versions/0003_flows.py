"""flow engine: flows, versions, runs, steps, timers, tasks, messages, notifications, webhooks

Revision ID: 0003
Revises: 0002
Owner: flow engine.
"""
from alembic import op
import sqlalchemy as sa
import app.models.base
from sqlalchemy import Text  # noqa: F401  (JSONB astext_type)
from sqlalchemy.dialects import postgresql

revision = "0003"
down_revision = "0002"
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('messages',
    sa.Column('idempotency_key', sa.String(length=200), nullable=False),
    sa.Column('run_id', sa.String(length=26), nullable=True),
    sa.Column('flow_id', sa.String(length=26), nullable=True),
    sa.Column('node_id', sa.String(length=63), nullable=True),
    sa.Column('record_id', sa.String(length=26), nullable=True),
    sa.Column('channel', sa.String(length=16), nullable=False),
    sa.Column('to', sa.String(length=320), nullable=False),
    sa.Column('subject', sa.Text(), nullable=True),
    sa.Column('body', sa.Text(), nullable=False),
    sa.Column('marketing', sa.Boolean(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('reason', sa.Text(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('sent_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('workspace_id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_messages_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_messages')),
    sa.UniqueConstraint('idempotency_key', name=op.f('uq_messages_idempotency_key'))
    )
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_messages_created_at'), ['created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_to'), ['to'], unique=False)
        batch_op.create_index(batch_op.f('ix_messages_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('notifications',
    sa.Column('user_id', sa.String(length=26), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('body', sa.Text(), nullable=True),
    sa.Column('link', sa.Text(), nullable=True),
    sa.Column('message_id', sa.String(length=26), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('read_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('workspace_id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['user_id'], ['users.id'], name=op.f('fk_notifications_user_id_users'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_notifications_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_notifications'))
    )
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.create_index('ix_notifications_user_read', ['user_id', 'read_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_notifications_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('webhooks',
    sa.Column('url', sa.Text(), nullable=False),
    sa.Column('events', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('form_id', sa.String(length=26), nullable=True),
    sa.Column('secret', sa.String(length=200), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('created_by', sa.String(length=26), nullable=True),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('workspace_id', sa.String(length=26), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_webhooks_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhooks'))
    )
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_webhooks_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('flows',
    sa.Column('app_id', sa.String(length=26), nullable=False),
    sa.Column('key', sa.String(length=63), nullable=False),
    sa.Column('name', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('definition', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('enabled', sa.Boolean(), nullable=False),
    sa.Column('trigger_type', sa.String(length=32), nullable=False),
    sa.Column('trigger_form_id', sa.String(length=26), nullable=True),
    sa.Column('hook_token', sa.String(length=64), nullable=True),
    sa.Column('last_tick_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('created_by', sa.String(length=26), nullable=True),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('workspace_id', sa.String(length=26), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['app_id'], ['apps.id'], name=op.f('fk_flows_app_id_apps'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_flows_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flows')),
    sa.UniqueConstraint('app_id', 'key', name=op.f('uq_flows_app_id')),
    sa.UniqueConstraint('hook_token', name=op.f('uq_flows_hook_token'))
    )
    with op.batch_alter_table('flows', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flows_app_id'), ['app_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flows_trigger_form_id'), ['trigger_form_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flows_trigger_type'), ['trigger_type'], unique=False)
        batch_op.create_index(batch_op.f('ix_flows_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('webhook_deliveries',
    sa.Column('webhook_id', sa.String(length=26), nullable=False),
    sa.Column('event_id', sa.String(length=64), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('payload', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('response_status', sa.Integer(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('next_attempt_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('delivered_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('workspace_id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['webhook_id'], ['webhooks.id'], name=op.f('fk_webhook_deliveries_webhook_id_webhooks'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_webhook_deliveries_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_webhook_deliveries')),
    sa.UniqueConstraint('webhook_id', 'event_id', name=op.f('uq_webhook_deliveries_webhook_id'))
    )
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.create_index('ix_webhook_deliveries_pending', ['status', 'next_attempt_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_webhook_id'), ['webhook_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_webhook_deliveries_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('flow_date_fires',
    sa.Column('flow_id', sa.String(length=26), nullable=False),
    sa.Column('record_id', sa.String(length=26), nullable=False),
    sa.Column('fire_key', sa.String(length=40), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['flow_id'], ['flows.id'], name=op.f('fk_flow_date_fires_flow_id_flows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_flow_date_fires_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('flow_id', 'record_id', 'fire_key', name=op.f('pk_flow_date_fires'))
    )
    with op.batch_alter_table('flow_date_fires', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flow_date_fires_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('flow_runs',
    sa.Column('flow_id', sa.String(length=26), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('trigger_key', sa.String(length=200), nullable=True),
    sa.Column('record_id', sa.String(length=26), nullable=True),
    sa.Column('context', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('variables', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('outputs', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('depth', sa.Integer(), nullable=False),
    sa.Column('steps_count', sa.Integer(), nullable=False),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('started_by', sa.String(length=26), nullable=True),
    sa.Column('started_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('finished_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('workspace_id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['flow_id'], ['flows.id'], name=op.f('fk_flow_runs_flow_id_flows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_flow_runs_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_runs')),
    sa.UniqueConstraint('flow_id', 'trigger_key', name=op.f('uq_flow_runs_flow_id'))
    )
    with op.batch_alter_table('flow_runs', schema=None) as batch_op:
        batch_op.create_index('ix_flow_runs_flow_status', ['flow_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_flow_runs_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flow_runs_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('flow_segment_members',
    sa.Column('flow_id', sa.String(length=26), nullable=False),
    sa.Column('record_id', sa.String(length=26), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('workspace_id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['flow_id'], ['flows.id'], name=op.f('fk_flow_segment_members_flow_id_flows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_flow_segment_members_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('flow_id', 'record_id', name=op.f('pk_flow_segment_members'))
    )
    with op.batch_alter_table('flow_segment_members', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flow_segment_members_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('flow_trigger_log',
    sa.Column('flow_id', sa.String(length=26), nullable=False),
    sa.Column('event', sa.String(length=64), nullable=False),
    sa.Column('record_id', sa.String(length=26), nullable=True),
    sa.Column('reason', sa.String(length=32), nullable=False),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('workspace_id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['flow_id'], ['flows.id'], name=op.f('fk_flow_trigger_log_flow_id_flows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_flow_trigger_log_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_trigger_log'))
    )
    with op.batch_alter_table('flow_trigger_log', schema=None) as batch_op:
        batch_op.create_index('ix_flow_trigger_log_flow', ['flow_id', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_flow_trigger_log_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('flow_versions',
    sa.Column('flow_id', sa.String(length=26), nullable=False),
    sa.Column('version', sa.Integer(), nullable=False),
    sa.Column('definition', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('created_by', sa.String(length=26), nullable=True),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('workspace_id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['flow_id'], ['flows.id'], name=op.f('fk_flow_versions_flow_id_flows'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_flow_versions_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_versions')),
    sa.UniqueConstraint('flow_id', 'version', name=op.f('uq_flow_versions_flow_id'))
    )
    with op.batch_alter_table('flow_versions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_flow_versions_flow_id'), ['flow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flow_versions_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('step_runs',
    sa.Column('run_id', sa.String(length=26), nullable=False),
    sa.Column('flow_id', sa.String(length=26), nullable=False),
    sa.Column('node_id', sa.String(length=63), nullable=False),
    sa.Column('node_type', sa.String(length=32), nullable=False),
    sa.Column('visit', sa.Integer(), nullable=False),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('attempts', sa.Integer(), nullable=False),
    sa.Column('state', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('input', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('output', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('branch', sa.String(length=63), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.Column('queued_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('started_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('finished_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('workspace_id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['flow_runs.id'], name=op.f('fk_step_runs_run_id_flow_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_step_runs_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_step_runs')),
    sa.UniqueConstraint('run_id', 'node_id', 'visit', name=op.f('uq_step_runs_run_id'))
    )
    with op.batch_alter_table('step_runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_step_runs_flow_id'), ['flow_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_step_runs_run_id'), ['run_id'], unique=False)
        batch_op.create_index('ix_step_runs_status_queued', ['status', 'queued_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_step_runs_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('tasks',
    sa.Column('run_id', sa.String(length=26), nullable=True),
    sa.Column('step_id', sa.String(length=26), nullable=True),
    sa.Column('flow_id', sa.String(length=26), nullable=True),
    sa.Column('node_id', sa.String(length=63), nullable=True),
    sa.Column('record_id', sa.String(length=26), nullable=True),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('title', sa.Text(), nullable=False),
    sa.Column('assignee_id', sa.String(length=26), nullable=True),
    sa.Column('status', sa.String(length=16), nullable=False),
    sa.Column('outcome', sa.String(length=16), nullable=True),
    sa.Column('comment', sa.Text(), nullable=True),
    sa.Column('signature', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=True),
    sa.Column('due_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('completed_by', sa.String(length=26), nullable=True),
    sa.Column('details', sa.JSON().with_variant(postgresql.JSONB(astext_type=Text()), 'postgresql'), nullable=False),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('workspace_id', sa.String(length=26), nullable=False),
    sa.Column('created_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('updated_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['flow_runs.id'], name=op.f('fk_tasks_run_id_flow_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_tasks_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_tasks'))
    )
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.create_index('ix_tasks_assignee_status', ['assignee_id', 'status'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_record_id'), ['record_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_step_id'), ['step_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_tasks_workspace_id'), ['workspace_id'], unique=False)

    op.create_table('flow_timers',
    sa.Column('run_id', sa.String(length=26), nullable=False),
    sa.Column('step_id', sa.String(length=26), nullable=False),
    sa.Column('kind', sa.String(length=16), nullable=False),
    sa.Column('due_at', app.models.base.UTCDateTime(timezone=True), nullable=False),
    sa.Column('fired_at', app.models.base.UTCDateTime(timezone=True), nullable=True),
    sa.Column('id', sa.String(length=26), nullable=False),
    sa.Column('workspace_id', sa.String(length=26), nullable=False),
    sa.ForeignKeyConstraint(['run_id'], ['flow_runs.id'], name=op.f('fk_flow_timers_run_id_flow_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['step_id'], ['step_runs.id'], name=op.f('fk_flow_timers_step_id_step_runs'), ondelete='CASCADE'),
    sa.ForeignKeyConstraint(['workspace_id'], ['workspaces.id'], name=op.f('fk_flow_timers_workspace_id_workspaces'), ondelete='CASCADE'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_flow_timers'))
    )
    with op.batch_alter_table('flow_timers', schema=None) as batch_op:
        batch_op.create_index('ix_flow_timers_due', ['fired_at', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_flow_timers_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flow_timers_step_id'), ['step_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_flow_timers_workspace_id'), ['workspace_id'], unique=False)



def downgrade() -> None:
    with op.batch_alter_table('flow_timers', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flow_timers_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_flow_timers_step_id'))
        batch_op.drop_index(batch_op.f('ix_flow_timers_run_id'))
        batch_op.drop_index('ix_flow_timers_due')

    op.drop_table('flow_timers')
    with op.batch_alter_table('tasks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_tasks_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_step_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_run_id'))
        batch_op.drop_index(batch_op.f('ix_tasks_record_id'))
        batch_op.drop_index('ix_tasks_assignee_status')

    op.drop_table('tasks')
    with op.batch_alter_table('step_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_step_runs_workspace_id'))
        batch_op.drop_index('ix_step_runs_status_queued')
        batch_op.drop_index(batch_op.f('ix_step_runs_run_id'))
        batch_op.drop_index(batch_op.f('ix_step_runs_flow_id'))

    op.drop_table('step_runs')
    with op.batch_alter_table('flow_versions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flow_versions_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_flow_versions_flow_id'))

    op.drop_table('flow_versions')
    with op.batch_alter_table('flow_trigger_log', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flow_trigger_log_workspace_id'))
        batch_op.drop_index('ix_flow_trigger_log_flow')

    op.drop_table('flow_trigger_log')
    with op.batch_alter_table('flow_segment_members', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flow_segment_members_workspace_id'))

    op.drop_table('flow_segment_members')
    with op.batch_alter_table('flow_runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flow_runs_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_flow_runs_record_id'))
        batch_op.drop_index('ix_flow_runs_flow_status')

    op.drop_table('flow_runs')
    with op.batch_alter_table('flow_date_fires', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flow_date_fires_workspace_id'))

    op.drop_table('flow_date_fires')
    with op.batch_alter_table('webhook_deliveries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhook_deliveries_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_webhook_deliveries_webhook_id'))
        batch_op.drop_index('ix_webhook_deliveries_pending')

    op.drop_table('webhook_deliveries')
    with op.batch_alter_table('flows', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_flows_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_flows_trigger_type'))
        batch_op.drop_index(batch_op.f('ix_flows_trigger_form_id'))
        batch_op.drop_index(batch_op.f('ix_flows_app_id'))

    op.drop_table('flows')
    with op.batch_alter_table('webhooks', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_webhooks_workspace_id'))

    op.drop_table('webhooks')
    with op.batch_alter_table('notifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_notifications_workspace_id'))
        batch_op.drop_index('ix_notifications_user_read')

    op.drop_table('notifications')
    with op.batch_alter_table('messages', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_messages_workspace_id'))
        batch_op.drop_index(batch_op.f('ix_messages_to'))
        batch_op.drop_index(batch_op.f('ix_messages_run_id'))
        batch_op.drop_index(batch_op.f('ix_messages_record_id'))
        batch_op.drop_index(batch_op.f('ix_messages_created_at'))

    op.drop_table('messages')
