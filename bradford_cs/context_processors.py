from django.conf import settings

from plans.rag import RAG


def service(request):
    """What every page needs: the service name and the RAG scale for keys and hints."""
    return {"service_name": settings.SERVICE_NAME, "rag_choices": RAG.choices}
