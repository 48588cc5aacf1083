"""Signing in: Django's model backend, loading the login's Person and organisation with the login itself."""

from asgiref.sync import sync_to_async
from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

UserModel = get_user_model()


class SignInBackend(ModelBackend):
    """Every page's header and footer name the user's organisation: loading it in the query that already reads
    the login (a join on two unique keys) costs a page no query (bradford_cs.context_processors)."""

    def get_user(self, user_id):
        try:
            user = UserModel._default_manager.select_related("person__organisation").get(pk=user_id)
        except UserModel.DoesNotExist:
            return None
        return user if self.user_can_authenticate(user) else None

    async def aget_user(self, user_id):
        return await sync_to_async(self.get_user)(user_id)
