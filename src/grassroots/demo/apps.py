from django.apps import AppConfig


class DemoConfig(AppConfig):
    """The demo district and its `grassroots demo` command; the top layer, nothing imports it."""

    name = "grassroots.demo"
    label = "demo"
    verbose_name = "演示数据"
