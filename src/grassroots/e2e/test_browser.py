"""End to end in a real browser: log in, open the region tree and a person record, check the masking."""

import pytest

from grassroots.conftest import Cast, valid_id

pytestmark = [pytest.mark.browser, pytest.mark.django_db(transaction=True, serialized_rollback=True)]


def test_street_leader_sees_the_tree_and_a_masked_person(live_server, page, login):
    cast = Cast()
    login(page, "leader_s1")
    page.click("text=辖区网格")
    tree = page.get_by_test_id("region-tree")
    assert "东城测试区" not in tree.inner_text()  # the district is above this leader's scope
    tree.locator("li", has_text="甲街道").locator("button.toggle").first.click()
    tree.get_by_text("一社区", exact=True).click()  # children arrived by htmx
    assert "一社区" in page.locator("h1").inner_text()
    page.goto(f"{live_server.url}/registry/persons/{cast.p1.pk}/")
    facts = page.get_by_test_id("person-facts")
    assert facts.locator("[data-field=name]").inner_text() == "张**"
    assert facts.locator("[data-field=phone]").inner_text() == "138****5678"
    full_id = valid_id(seq="123")
    assert facts.locator("[data-field=id_number]").inner_text() == full_id[:6] + "********" + full_id[-4:]
    assert full_id not in page.content() and "13812345678" not in page.content()


def test_grid_worker_reveals_a_phone_with_a_reason(live_server, page, login):
    cast = Cast()
    login(page, "grid_g1")
    page.goto(f"{live_server.url}/registry/persons/{cast.p1.pk}/")
    assert page.get_by_test_id("person-facts").locator("[data-field=name]").inner_text() == "张三丰"
    page.select_option("select[name=field]", "id_number")
    page.fill("input[name=reason]", "上门核实身份")
    page.click("text=查看 >> nth=-1")
    assert valid_id(seq="123") in page.get_by_test_id("revealed").inner_text()


def test_outsider_gets_not_found_for_another_streets_person(live_server, page, login):
    cast = Cast()
    login(page, "outsider")
    response = page.goto(f"{live_server.url}/registry/persons/{cast.p1.pk}/")
    assert response.status == 404
    assert "张" not in page.locator("main").inner_text()


def test_elder_mode_enlarges_type(live_server, page, login):
    Cast()
    login(page, "grid_g1")
    normal = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    page.click("text=长者模式")
    page.wait_for_load_state()
    large = page.evaluate("parseFloat(getComputedStyle(document.body).fontSize)")
    assert large >= normal * 1.3
