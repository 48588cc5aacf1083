from django.apps import AppConfig


class GovernanceConfig(AppConfig):
    name = "governance"
    verbose_name = "Governance: organisations, boards and meetings"

    def ready(self):
        from . import access

        access.connect()  # deactivating a login ends its sessions and revokes its tokens, by whatever route
        from . import audit

        audit.connect()  # the audit trail: every change to plan, inspection and governance data, and sign-ins
