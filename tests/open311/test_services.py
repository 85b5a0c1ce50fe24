"""Discovery, the services list and a service definition, in JSON and XML, as the
specification's examples show them (element names and order)."""

import json

from cases.models import Category
from tests.open311.conftest import tags, xml_of

SERVICE_FIELDS = ["service_code", "service_name", "description", "metadata", "type", "keywords", "group"]


def test_the_services_are_the_active_case_categories_json(hotline, leak):
    response = hotline.get("services.json")
    assert response.status_code == 200
    services = json.loads(response.content)
    assert [list(s) for s in services] == [SERVICE_FIELDS] * Category.objects.filter(active=True).count()
    mine = next(s for s in services if s["service_code"] == str(leak.pk))
    assert mine["service_name"] == leak.name
    assert mine["metadata"] is False and mine["type"] == "realtime"


def test_the_services_list_xml_has_the_specs_elements_in_order(hotline, leak):
    Category.objects.filter(pk=leak.pk).update(active=False)
    root = xml_of(hotline.get("services.xml"))
    assert root.tag == "services"
    assert {child.tag for child in root} == {"service"}
    for service in root:
        assert tags(service) == SERVICE_FIELDS
    assert str(leak.pk) not in [s.findtext("service_code") for s in root]  # retired: not offered


def test_services_need_no_key(open311, db):
    assert open311(None).get("services.json").status_code == 200


def test_a_service_definition_has_an_empty_attribute_list(hotline, leak):
    assert json.loads(hotline.get(f"services/{leak.pk}.json").content) == {
        "service_code": str(leak.pk),
        "attributes": [],
    }
    root = xml_of(hotline.get(f"services/{leak.pk}.xml"))
    assert root.tag == "service_definition"
    assert tags(root) == ["service_code", "attributes"]
    assert list(root.find("attributes")) == []


def test_an_unknown_service_code_is_a_404_in_the_specs_error_format(hotline):
    response = hotline.get("services/99999.json")
    assert response.status_code == 404
    [error] = json.loads(response.content)
    assert error["code"] == 404 and "service_code" in error["description"]
    response = hotline.get("services/abc.xml")
    assert response.status_code == 404
    root = xml_of(response)
    assert root.tag == "errors" and tags(root) == ["error"] and tags(root[0]) == ["code", "description"]
    assert root[0].findtext("code") == "404"


def test_discovery_lists_the_endpoint(hotline):
    data = json.loads(hotline.get("discovery.json").content)
    [endpoint] = data["endpoints"]
    assert endpoint["specification"] == "http://wiki.open311.org/GeoReport_v2"
    assert endpoint["url"].endswith("/open311/v2/")
    root = xml_of(hotline.get("discovery.xml"))
    assert root.tag == "discovery"
    assert tags(root) == ["changeset", "contact", "key_service", "endpoints"]
    assert tags(root.find("endpoints/endpoint")) == ["specification", "url", "changeset", "type", "formats"]
    assert [f.text for f in root.find("endpoints/endpoint/formats")] == ["text/xml", "application/json"]
