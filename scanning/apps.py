from django.apps import AppConfig


class ScanningConfig(AppConfig):
    name = "scanning"
    default_auto_field = "django.db.models.BigAutoField"

    def ready(self):
        from scanning.hooks import install

        install()
