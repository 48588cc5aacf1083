"""Django's template backend, letting go of each page's context as soon as the page is rendered.

A template Context and each dict pushed onto it point at each other (ContextDict.context), so what a view hands
its template (the highlight report's 2,400 actions, their rows and updates) is not freed when the page is done:
it waits for Python's cyclic collector, which then walks it on later requests. Emptying the context's dicts once
rendering is over breaks the cycle, and reference counting frees it all at once. Nothing reads a context after
rendering (the test client keeps copies of its own)."""

from django.template.backends import django as django_backend


class Template(django_backend.Template):
    def render(self, context=None, request=None):
        context = django_backend.make_context(context, request, autoescape=self.backend.engine.autoescape)
        try:
            return self.template.render(context)
        except django_backend.TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self.backend)
        finally:
            context.dicts.clear()
            context.render_context.dicts.clear()


class DjangoTemplates(django_backend.DjangoTemplates):
    def from_string(self, template_code):
        return Template(self.engine.from_string(template_code), self)

    def get_template(self, template_name):
        try:
            return Template(self.engine.get_template(template_name), self)
        except django_backend.TemplateDoesNotExist as exc:
            django_backend.reraise(exc, self)
