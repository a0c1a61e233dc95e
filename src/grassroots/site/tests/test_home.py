"""The home page (工作台) is the site app's: same URL and name, the user's grants and their regions."""

from django.urls import resolve, reverse

from grassroots.conftest import PASSWORD
from grassroots.site import views


def test_the_home_url_is_served_by_the_site_app():
    assert reverse("home") == "/" and resolve("/").func is views.home


def test_it_lists_the_users_grants_and_top_regions(client, cast):
    client.post("/accounts/login/", {"username": "grid_g1", "password": PASSWORD})
    page = client.get("/")
    html = page.content.decode()
    assert page.status_code == 200 and [t.name for t in page.templates][0] == "site/home.html"
    assert f'href="/areas/{cast.G1.pk}/"' in html and cast.G1.name in html
    assert f'href="/areas/{cast.S1.pk}/"' not in html  # the street above the grid is not theirs


def test_it_asks_a_stranger_to_sign_in(client, db):
    page = client.get("/")
    assert page.status_code == 302 and page["Location"].startswith(reverse("login"))
