"""The database session store, with a slide that costs one query.

Django's own store saves an existing session inside transaction.atomic (BEGIN, UPDATE, COMMIT), which guards
the INSERT of a new session against a clashing key. Sliding an existing session's expiry needs no such guard:
one UPDATE is atomic by itself. So the sliding save (ui.middleware.SlidingSessionMiddleware, once a minute per
user) is one statement, and a page's query count does not jump by three on the request that slides it.
"""

from django.contrib.sessions.backends import db
from django.contrib.sessions.backends.base import UpdateError
from django.db import router


class SessionStore(db.SessionStore):
    def save(self, must_create=False):
        if must_create or self.session_key is None:
            return super().save(must_create=must_create)  # a new session: Django's guarded INSERT
        session = self.create_model_instance(self._get_session())
        using = router.db_for_write(self.model, instance=session)
        updated = self.model.objects.using(using).filter(session_key=session.session_key).update(
            session_data=session.session_data, expire_date=session.expire_date)
        if not updated:
            # Deleted meanwhile (signed out in another tab, or expired and cleared): as Django's store answers.
            raise UpdateError
