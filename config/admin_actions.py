"""Admin actions that call domain services: one place turns domain errors into messages."""

from django.contrib import messages

from config.api.errors import DomainError


def apply_to_each(model_admin, request, objects, change, done_message):
    """Run `change(obj)` for each object; a refused one is reported, the others still happen."""
    done = 0
    for obj in objects:
        try:
            change(obj)
            done += 1
        except DomainError as exc:
            model_admin.message_user(request, f"{obj}: {exc.message}", messages.ERROR)
    if done:
        model_admin.message_user(request, done_message.format(count=done), messages.SUCCESS)
    return done
