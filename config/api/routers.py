from rest_framework.routers import Route, SimpleRouter


class ApiRouter(SimpleRouter):
    """SimpleRouter with optional trailing slashes, UUID-only member routes (set by the base
    viewset) and `DELETE /collection` bound to `bulk_destroy`."""

    routes = [
        Route(
            url=r"^{prefix}{trailing_slash}$",
            mapping={"get": "list", "post": "create", "delete": "bulk_destroy"},
            name="{basename}-list",
            detail=False,
            initkwargs={"suffix": "List"},
        ),
        *SimpleRouter.routes[1:],
    ]

    def __init__(self):
        super().__init__()
        self.trailing_slash = "/?"
