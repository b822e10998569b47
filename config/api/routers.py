from rest_framework.routers import Route, SimpleRouter


class ApiRouter(SimpleRouter):
    """SimpleRouter with optional trailing slashes, UUID-only member routes (set by the base
    viewset), `DELETE /collection` bound to `bulk_destroy` and `PUT /collection` to
    `update_collection` (singleton resources such as /v2/whitelabel)."""

    routes = [
        Route(
            url=r"^{prefix}{trailing_slash}$",
            mapping={"get": "list", "post": "create", "put": "update_collection", "delete": "bulk_destroy"},
            name="{basename}-list",
            detail=False,
            initkwargs={"suffix": "List"},
        ),
        *SimpleRouter.routes[1:],
    ]

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"
