from organizations.api.views import OrganizationViewSet


def register(router):
    router.register("organizations", OrganizationViewSet, basename="organization")
