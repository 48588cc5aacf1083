from functools import partial

from django.conf import settings
from django.core.exceptions import ObjectDoesNotExist

from plans.rag import RAG


def organisation_of(user):
    """The organisation of the user's Person, or None (signed out, or a login with no Person), cached on the
    user for the request. No query when the sign-in backend read the Person with the login
    (governance.backends.SignInBackend), else one."""
    if not hasattr(user, "_organisation_cache"):
        user._organisation_cache = _read_organisation(user)
    return user._organisation_cache


def _read_organisation(user):
    if not user.is_authenticated:
        return None
    if user.__class__.person.is_cached(user):  # __class__, not type(): request.user is a lazy object
        try:
            return user.person.organisation
        except ObjectDoesNotExist:
            return None
    from plans.models import Person

    person = Person.objects.select_related("organisation").filter(user_id=user.pk).first()
    return person.organisation if person else None


def _request_organisation(request):
    user = getattr(request, "user", None)
    return organisation_of(user) if user is not None else None


def service(request):
    """What every page needs: the service name, the RAG scale for keys and hints, and the signed-in user's
    organisation (named in the header and footer, its words for the ratings' meanings). The organisation is a
    callable, which templates call only when they use it."""
    return {"service_name": settings.SERVICE_NAME, "rag_choices": RAG.choices,
            "user_organisation": partial(_request_organisation, request)}
