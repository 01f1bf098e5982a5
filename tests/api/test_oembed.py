from __future__ import annotations

from urllib.parse import quote

from fastapi.testclient import TestClient

PAGE = "http://testserver/?expr=" + quote("(x+y)*max(y,z)") + "&x=1&y=2&z=0"


def test_oembed_gives_the_iframe_for_a_page_link(client: TestClient) -> None:
    data = client.get("/oembed", params={"url": PAGE}).json()
    assert data["type"] == "rich"
    assert data["version"] == "1.0"
    assert data["title"] == "Backprop Explorer: (x+y)*max(y,z)"
    src = "http://testserver/embed?expr=" + quote("(x+y)*max(y,z)") + "&amp;x=1&amp;y=2&amp;z=0"
    assert f'src="{src}"' in data["html"]
    assert data["html"].startswith("<iframe ")


def test_oembed_respects_max_size(client: TestClient) -> None:
    data = client.get("/oembed", params={"url": PAGE, "maxwidth": 400, "maxheight": 300}).json()
    assert (data["width"], data["height"]) == (400, 300)
    assert 'width="400" height="300"' in data["html"]


def test_oembed_refuses_other_sites_and_formats(client: TestClient) -> None:
    other = client.get("/oembed", params={"url": "https://evil.example/?expr=x"})
    assert other.status_code == 404
    assert other.json()["detail"]["message"]
    xml = client.get("/oembed", params={"url": PAGE, "format": "xml"})
    assert xml.status_code == 501


def test_oembed_escapes_hostile_expressions(client: TestClient) -> None:
    url = "http://testserver/?expr=" + quote('"><script>alert(1)</script>')
    html = client.get("/oembed", params={"url": url}).json()["html"]
    assert "<script>" not in html
