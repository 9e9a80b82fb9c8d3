from django.urls import reverse


def test_home_lists_networks(client, cast):
    response = client.get(reverse("home"))
    assert response.status_code == 200
    assert "Rete di prova" in response.content.decode()


def test_healthz(client, db):
    assert client.get("/healthz").json() == {"status": "ok"}
