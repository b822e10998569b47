"""The host inventory (GET /v2/hosts/{id}) across reports of different tools, as a client sees it."""

from .conftest import data, upload


def port_80(client, ip="192.0.2.10"):
    [host] = data(client.get("/v2/hosts", {"q[ip]": ip}))
    attributes = data(client.get(f"/v2/hosts/{host['id']}"))["attributes"]
    [port] = [p for p in attributes["ports"] if (p["port"], p["protocol"]) == (80, "tcp")]
    return port, attributes["services"]


def test_a_report_that_does_not_identify_a_port_keeps_what_an_earlier_one_found(api, world, seeded):
    client = api.as_user(world.manager)
    data(upload(client, seeded.scan_id, "nmap7.xml", "nmap_xml"), 201)
    identified = {"service": "http", "product": "Apache httpd", "version": "2.4.49",
                  "cpe": "cpe:/a:apache:http_server:2.4.49"}
    port, _services = port_80(client)
    assert identified.items() <= port.items()

    data(upload(client, seeded.scan_id, "gvm22.csv", "gvm_csv"), 201)  # lists 80/tcp, names no service
    port, services = port_80(client)
    assert identified.items() <= port.items()
    assert "http" in services and "unknown" not in services
