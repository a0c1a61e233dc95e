from django.apps import AppConfig


class SiteConfig(AppConfig):
    """The project as a whole: the home page and the commands that span every app (keys, beat).

    It sits above the domain apps, so core never has to import them; only the demo app is higher.
    """

    name = "grassroots.site"
    label = "site"
    verbose_name = "站点"
