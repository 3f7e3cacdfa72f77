from django.template.loader import render_to_string


def test_404_is_a_styled_page(client, db):
    response = client.get("/no-such-page/")
    assert response.status_code == 404
    assert "Page not found" in response.content.decode()
    assert "oms.css" in response.content.decode()


def test_403_is_a_styled_page(client, dealer):
    client.force_login(dealer())
    response = client.get("/console/")
    assert response.status_code == 403
    assert "Not allowed" in response.content.decode()


def test_500_page_renders_without_any_context():
    html = render_to_string("500.html")
    assert "Something went wrong" in html and "出错了" in html


def test_404_in_chinese(client, db):
    response = client.get("/no-such-page/", headers={"Accept-Language": "zh-hans"})
    assert "页面" in response.content.decode()
