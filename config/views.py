"""`GET /`: a small page that says what this is and where to go (admin, API docs, schema,
health check), branded like the admin."""

from django.shortcuts import render

from config.admin_site import brand_name


def landing(request):
    return render(request, "landing.html", {"brand_name": brand_name()})
