"""The HubDB fake answers the official SDK (hubspot-api-client 12) like api.hubapi.com would."""

from __future__ import annotations

import pytest
import requests
from hubspot import HubSpot
from hubspot.cms.hubdb import (
    BatchInputHubDbTableRowV3Request,
    BatchInputString,
    ColumnRequest,
    HubDbTableRowV3Request,
    HubDbTableV3Request,
    Option,
)
from hubspot.cms.hubdb.exceptions import ApiException
from urllib3.util.retry import Retry

from tests.fakes.hubdb_server import HubDBFake


@pytest.fixture
def fake(clock):
    with HubDBFake(clock=clock) as server:
        yield server


@pytest.fixture
def client(fake) -> HubSpot:
    return HubSpot(access_token=fake.token, host=fake.url, base_url=fake.url, retry=Retry(total=0))


def _create_products(client: HubSpot) -> None:
    columns = [
        ColumnRequest(name="title", label="Title", type="TEXT"),
        ColumnRequest(name="price", label="Price", type="NUMBER"),
        ColumnRequest(
            name="category",
            label="Category",
            type="SELECT",
            options=[Option(name="shoes", type="option"), Option(name="hats", type="option")],
        ),
    ]
    client.cms.hubdb.tables_api.create_table(
        HubDbTableV3Request(name="products", label="Products", columns=columns, use_for_pages=True)
    )


def _add_rows(client: HubSpot, n: int = 3) -> None:
    rows = [
        HubDbTableRowV3Request(
            path=f"item-{i}",
            name=f"Item {i}",
            values={
                "title": f"Item {i}",
                "price": 10 * i,
                "category": "shoes" if i % 2 else "hats",
            },
        )
        for i in range(n)
    ]
    client.cms.hubdb.rows_batch_api.create_draft_table_rows(
        "products", BatchInputHubDbTableRowV3Request(inputs=rows)
    )


def test_the_sdk_creates_fills_and_publishes_a_table(fake, client):
    # given a table created through the SDK
    _create_products(client)

    # when rows are batch-created in the draft and the table is published
    _add_rows(client)
    published = client.cms.hubdb.tables_api.publish_draft_table("products")
    listing = client.cms.hubdb.rows_api.get_table_rows("products", sort=["-price"], limit=2)

    # then the SDK reads the published rows in HubDB's shapes, with a cursor to the next page
    assert published.published is True and published.row_count == 3
    assert [r.values["price"] for r in listing.results] == [20, 10]
    assert listing.results[0].values["category"] == {"id": "2", "name": "hats", "type": "option"}
    assert listing.total == 3 and listing.paging.next.after
    assert fake.calls[0].method == "POST" and fake.calls[0].path == "/cms/v3/hubdb/tables"
    assert fake.calls[-1].query["sort"] == ["-price"]


def test_filtered_listing_goes_through_api_request(fake, client):
    # given a published table
    _create_products(client)
    _add_rows(client, 4)
    client.cms.hubdb.tables_api.publish_draft_table("products")

    # when the SDK's generic request passes column filters (its row API cannot)
    response = client.api_request(
        {
            "method": "GET",
            "path": "/cms/v3/hubdb/tables/products/rows",
            "qs": {"category__eq": "shoes", "sort": "-price"},
        }
    )

    # then the filter applied on the server
    assert response.status_code == 200
    assert [r["values"]["title"] for r in response.json()["results"]] == ["Item 3", "Item 1"]
    assert fake.calls[-1].query == {"category__eq": ["shoes"], "sort": ["-price"]}


def test_single_row_draft_endpoints(fake, client):
    # given a table with one draft row
    _create_products(client)
    rows_api = client.cms.hubdb.rows_api
    row = rows_api.create_table_row("products", HubDbTableRowV3Request(values={"title": "Hat"}))

    # when it is patched, read, replaced and purged through the SDK
    rows_api.update_draft_table_row("products", row.id, HubDbTableRowV3Request(values={"price": 5}))
    patched = rows_api.get_draft_table_row_by_id("products", row.id)
    replaced = rows_api.replace_draft_table_row(
        "products", row.id, HubDbTableRowV3Request(values={"title": "Cap"})
    )
    rows_api.purge_draft_table_row("products", row.id)

    # then each step had HubDB's effect
    assert patched.values == {"title": "Hat", "price": 5}
    assert replaced.values == {"title": "Cap"}
    assert client.cms.hubdb.rows_api.read_draft_table_rows("products").total == 0


def test_batch_read_reports_missing_rows_with_207(fake, client):
    # given one row
    _create_products(client)
    _add_rows(client, 1)
    row_id = fake.hubdb.rows("products", draft=True)["results"][0]["id"]

    # when reading it and a missing id
    result = client.cms.hubdb.rows_batch_api.read_draft_table_rows(
        "products", BatchInputString(inputs=[row_id, "999"])
    )

    # then
    assert fake.calls[-1].status == 207
    assert len(result.results) == 1 and result.num_errors == 1


def test_more_than_100_inputs_is_a_400_like_hubspots(fake, client):
    # given a table
    _create_products(client)
    inputs = [HubDbTableRowV3Request(values={"title": str(i)}) for i in range(101)]

    # when / then
    with pytest.raises(ApiException) as error:
        client.cms.hubdb.rows_batch_api.create_draft_table_rows(
            "products", BatchInputHubDbTableRowV3Request(inputs=inputs)
        )
    assert error.value.status == 400
    assert "100" in error.value.body and '"status": "error"' in error.value.body


def test_an_unknown_option_is_a_400_naming_table_row_and_column(fake, client):
    # given / when
    _create_products(client)
    with pytest.raises(ApiException) as error:
        client.cms.hubdb.rows_api.create_table_row(
            "products", HubDbTableRowV3Request(values={"category": "socks"})
        )

    # then
    assert error.value.status == 400
    assert "products" in error.value.body and "category" in error.value.body


def test_a_missing_or_wrong_token_is_a_401(fake):
    # given clients without a valid token
    nobody = requests.get(f"{fake.url}/cms/v3/hubdb/tables", timeout=5)
    wrong = fake.client(token="nope")

    # when / then
    assert nobody.status_code == 401
    assert nobody.json()["category"] == "INVALID_AUTHENTICATION"
    with pytest.raises(ApiException) as error:
        wrong.cms.hubdb.tables_api.get_all_tables()
    assert error.value.status == 401


def test_the_191st_request_in_ten_seconds_gets_429_with_retry_after(fake, client, clock):
    # given 190 requests within one virtual second
    for _ in range(190):
        client.cms.hubdb.tables_api.get_all_draft_tables()

    # when one more is sent
    with pytest.raises(ApiException) as error:
        client.cms.hubdb.tables_api.get_all_draft_tables()

    # then it is refused the way HubSpot refuses it
    assert error.value.status == 429
    assert error.value.headers["Retry-After"] == "10"
    assert error.value.headers["X-HubSpot-RateLimit-Remaining"] == "0"
    assert "ten_secondly_rolling" in error.value.body and "TEN_SECONDLY_ROLLING" in error.value.body
    # and after waiting on the shared virtual clock, requests pass again
    clock.sleep(10)
    assert client.cms.hubdb.tables_api.get_all_draft_tables().total == 0


def test_the_sdks_default_retry_would_hide_a_429(fake):
    # given an SDK client left with urllib3's default retries, and a 429 with Retry-After: 0
    default = HubSpot(access_token=fake.token, host=fake.url)
    fake.fail_next(429, retry_after=0)

    # when a call is made
    result = default.cms.hubdb.tables_api.get_all_draft_tables()

    # then urllib3 retried behind the caller's back (why fake.client() sets Retry(total=0))
    assert result.total == 0
    assert [c.status for c in fake.calls] == [429, 200]


def test_fail_next_injects_errors_with_retry_after(fake, client):
    # given two injected failures
    fake.fail_next(429, retry_after=3)
    fake.fail_next(502)

    # when / then they come out in order, then service resumes
    with pytest.raises(ApiException) as first:
        client.cms.hubdb.tables_api.get_all_draft_tables()
    assert first.value.status == 429 and first.value.headers["Retry-After"] == "3"
    with pytest.raises(ApiException) as second:
        client.cms.hubdb.tables_api.get_all_draft_tables()
    assert second.value.status == 502
    assert client.cms.hubdb.tables_api.get_all_draft_tables().total == 0


@pytest.mark.parametrize("mode", ["reset", "503"])
def test_stop_after_simulates_a_run_killed_midway(fake, mode):
    # given a fake that serves two more requests
    fake.stop_after(2, mode=mode)
    headers = {"Authorization": f"Bearer {fake.token}"}
    url = f"{fake.url}/cms/v3/hubdb/tables/draft"

    # when a third is sent
    assert requests.get(url, headers=headers, timeout=5).status_code == 200
    assert requests.get(url, headers=headers, timeout=5).status_code == 200

    # then it fails the chosen way
    if mode == "reset":
        with pytest.raises(requests.ConnectionError):
            requests.get(url, headers=headers, timeout=5)
    else:
        assert requests.get(url, headers=headers, timeout=5).status_code == 503
    fake.resume()
    assert requests.get(url, headers=headers, timeout=5).status_code == 200


def test_personal_access_key_exchange(clock):
    # given a fake that knows one personal access key
    with HubDBFake(clock=clock, personal_access_keys={"pak-secret": 42}) as fake:
        # when the key is exchanged
        answer = requests.post(
            f"{fake.url}/localdevauth/v1/auth/refresh",
            params={"portalId": 42},
            json={"encodedOAuthRefreshToken": "pak-secret"},
            timeout=5,
        ).json()
        client = fake.client(token=answer["oauthAccessToken"])

        # then the short-lived token works until it expires
        assert answer["hubId"] == 42
        assert answer["expiresAtMillis"] == int(clock.now().timestamp() * 1000) + 30 * 60 * 1000
        assert client.cms.hubdb.tables_api.get_all_draft_tables().total == 0
        clock.advance(30 * 60)
        with pytest.raises(ApiException) as expired:
            client.cms.hubdb.tables_api.get_all_draft_tables()
        assert expired.value.status == 401 and "EXPIRED_AUTHENTICATION" in expired.value.body
        bad = requests.post(
            f"{fake.url}/localdevauth/v1/auth/refresh",
            json={"encodedOAuthRefreshToken": "wrong"},
            timeout=5,
        )
        assert bad.status_code == 401


def test_public_tables_can_be_read_with_a_portal_id(fake, client):
    # given a published table open to the public
    _create_products(client)
    fake.hubdb.update_draft_table("products", {"allowPublicApiAccess": True})
    fake.hubdb.publish("products")

    # when read without a token
    url = f"{fake.url}/cms/v3/hubdb/tables/products/rows"
    public = requests.get(url, params={"portalId": fake.portal_id}, timeout=5)
    draft = requests.get(f"{url}/draft", params={"portalId": fake.portal_id}, timeout=5)

    # then the published rows are readable, the draft is not
    assert public.status_code == 200
    assert draft.status_code == 401


def test_routes_can_be_added_by_other_modules(fake):
    # given a route added the way the source-code API fake will add its own
    from tests.fakes.hubdb_loopback import Reply

    fake.route(
        "GET",
        "/cms/v3/source-code/{env}/metadata/{path:.+}",
        lambda r: Reply(200, {"env": r.params["env"], "path": r.params["path"]}),
    )

    # when / then
    answer = requests.get(
        f"{fake.url}/cms/v3/source-code/draft/metadata/theme/a.css",
        headers={"Authorization": f"Bearer {fake.token}"},
        timeout=5,
    )
    assert answer.json() == {"env": "draft", "path": "theme/a.css"}
