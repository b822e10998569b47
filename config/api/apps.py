from django.apps import AppConfig


class ApiConfig(AppConfig):
    name = "config.api"
    label = "api"
    verbose_name = "API framework"

    def ready(self):
        from config import checks  # noqa: F401 - registers the deployment checks
        from config.api import sqlite_text

        sqlite_text.connect()  # q[...] text matching folds every letter on SQLite too
