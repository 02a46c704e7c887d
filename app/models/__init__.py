"""SQLAlchemy models, one module per aggregate; importing this registers every table."""
from app.models.base import Base, JSONType  # noqa: F401
from app.models.workspace import (  # noqa: F401
    ROLES, ApiToken, Department, Membership, User, UserDepartment, Workspace)
from app.models.apps import App  # noqa: F401
from app.models.audit import AuditLog  # noqa: F401
from app.models.forms import (  # noqa: F401
    Form, FormVersion, Record, RecordRevision, Segment, SerialCounter, UniqueValue)
from app.models.outbox import EventOutbox  # noqa: F401
from app.models.flows import (  # noqa: F401
    DateTriggerFire, Flow, FlowRun, FlowVersion, Message, Notification, SegmentMember, StepRun, Task,
    Timer, TriggerLog, Webhook, WebhookDelivery)
from app.models.data_io import File, Job, PublicLink  # noqa: F401
from app.models.reports import Dashboard  # noqa: F401
from app.models.app_roles import AppRole, AppRoleMember  # noqa: F401
