"""ShopifyFake: the Admin GraphQL API 2026-04 over the local shop, on a virtual clock."""

from __future__ import annotations

from typing import Any

import graphql

from sync.plumbing.clock import Clock

from . import resolvers  # noqa: F401 - registers every resolver module
from .calls import Call, CallLog
from .cost import MAX_QUERY_COST, actual_cost, find_operation, requested_cost
from .faults import Fault, FaultQueue
from .pricing import Pricing, pricing_named
from .registry import field_resolver, type_resolver
from .schema import API_VERSION, admin_schema
from .state import FakeState
from .throttle import LeakyBucket, plan_named

THROTTLE_DOCS = "https://shopify.dev/api/usage/rate-limits"
MAX_COST_DOCS = "https://shopify.dev/concepts/about-apis/rate-limits"


class ShopifyFake:
    """A Shopify Admin GraphQL endpoint that executes documents against a ``LocalShop``.

    Use :meth:`install` to answer ``requests`` through a ``responses`` mock, or
    :meth:`execute` to run a document directly (benchmarks). Costs, the leaky
    bucket and bulk operations all run on ``clock``, so a test can let minutes
    pass without waiting. ``pricing`` (``published``, ``pageinfo``, ``x0.1``,
    ``x1.6`` or a :class:`~.pricing.Pricing`) bends the published cost rules
    the ways live shops do; a document over 1,000 points is refused without
    charging the bucket.
    """

    def __init__(
        self,
        shop: Any,
        clock: Clock,
        *,
        token: str = "shpat_fake_admin_token",
        plan: str = "standard",
        base_url: str = "https://fernhill-demo.myshopify.com",
        client_id: str = "fake-client-id",
        client_secret: str = "fake-client-secret",
        deprecation: str | None = None,
        pricing: str | Pricing = "published",
    ) -> None:
        self.shop = shop
        self.clock = clock
        self.token = token
        self.base_url = base_url.rstrip("/")
        self.client_id = client_id
        self.client_secret = client_secret
        self.deprecation = deprecation
        self.pricing = pricing_named(pricing)
        self.bucket = LeakyBucket(plan_named(plan), clock)
        self.calls = CallLog()
        self.faults = FaultQueue()
        self.state = FakeState(shop=shop, clock=clock, base_url=self.base_url)
        self.state.schema = self.schema
        self.issued_tokens: dict[str, float] = {}

    @property
    def schema(self) -> graphql.GraphQLSchema:
        return admin_schema()

    @property
    def graphql_url(self) -> str:
        return f"{self.base_url}/admin/api/{API_VERSION}/graphql.json"

    def install(self, mock: Any) -> ShopifyFake:
        """Answer the GraphQL endpoint, the token grant and bulk result files on ``mock``."""
        from .transport import install

        install(self, mock)
        return self

    def fail_next(
        self,
        kind: str = "http",
        *,
        times: int = 1,
        status: int = 503,
        retry_after: float | None = None,
        message: str | None = None,
        code: str = "INTERNAL_SERVER_ERROR",
    ) -> None:
        """Make the next ``times`` calls fail.

        ``kind``: ``http`` (``status``, e.g. 429 with ``retry_after``, or 5xx),
        ``read_timeout``, ``connection_error`` (raised as ``requests`` would) or
        ``graphql_error`` (200 with ``errors[].extensions.code == code``).
        """
        fault = Fault(kind, status=status, retry_after=retry_after, message=message, code=code)
        self.faults.push(fault, times)

    def add_media(self, product_id: str, kind: str = "Video", *, position: int) -> str:
        """Give a product a video, external video or 3D model at ``position`` (1 = featured).

        The local shop holds only images; these live in the fake and appear in
        ``Product.media`` (and ``featuredMedia``) among the images. Returns the media gid.
        """
        from .resolvers.views import other_media

        held = self.state.extra_media.setdefault(product_id, [])
        number = 900_000 + sum(len(v) for v in self.state.extra_media.values())
        node = other_media(kind, number)
        held.append((position, node))
        return node["id"]

    def execute(
        self,
        query: str,
        variables: dict[str, Any] | None = None,
        operation_name: str | None = None,
        *,
        http_status: int = 200,
    ) -> dict:
        """Run one request as Shopify would and return its JSON body.

        Order: parse, validate, requested cost (over 1,000 fails without running),
        queued GraphQL fault, leaky bucket (THROTTLED), execution, actual cost and
        refund. Every body carries ``extensions.cost``.
        """
        variables = dict(variables or {})
        call = Call(operation_name, [], variables, at=self.clock.monotonic(), status=http_status)
        self.calls.append(call)
        try:
            document = graphql.parse(query)
        except graphql.GraphQLError as error:
            return self._refuse(call, "invalid", [error.formatted], 0)
        problems = graphql.validate(self.schema, document)
        try:
            operation = find_operation(document, operation_name)
        except ValueError as error:
            return self._refuse(call, "invalid", [{"message": str(error)}], 0)
        call.operation_name = operation_name or (operation.name.value if operation.name else None)
        call.operation_type = operation.operation.value
        call.root_fields = [
            s.name.value for s in operation.selection_set.selections if hasattr(s, "name")
        ]
        if problems:
            return self._refuse(call, "invalid", [p.formatted for p in problems], 0)
        page_info = self.pricing.page_info
        cost = self.pricing.scale(
            requested_cost(self.schema, document, variables, operation_name, page_info=page_info))
        call.requested_cost = cost
        if cost > MAX_QUERY_COST:
            return self._refuse(call, "max_cost", [_max_cost_error(cost)], cost)
        fault = self.faults.pop(transport=False)
        if fault is not None:
            return self._refuse(call, "fault", [fault.graphql_error()], cost)
        if not self.bucket.try_take(cost):
            error = {
                "message": "Throttled",
                "extensions": {"code": "THROTTLED", "documentation": THROTTLE_DOCS},
            }
            return self._refuse(call, "throttled", [error], cost)
        result = graphql.execute(
            self.schema,
            document,
            variable_values=variables,
            operation_name=operation_name,
            context_value=self.state,
            field_resolver=field_resolver,
            type_resolver=type_resolver,
        )
        actual = self.pricing.scale(actual_cost(
            self.schema, document, result.data, variables, operation_name, page_info=page_info))
        actual = min(actual, cost)
        self.bucket.refund(cost - actual)
        call.actual_cost = actual
        body: dict[str, Any] = {}
        if result.errors:
            call.outcome = "error"
            call.errors = [e.message for e in result.errors]
            body["errors"] = [e.formatted for e in result.errors]
        body["data"] = result.data
        body["extensions"] = {"cost": self._cost(cost, actual)}
        return body

    def run_bulk_document(self, document: graphql.DocumentNode) -> graphql.ExecutionResult:
        """Execute a bulk query: every connection returns all its nodes, no cost charged."""
        return graphql.execute(
            self.schema,
            document,
            context_value=self.state.for_bulk(),
            field_resolver=field_resolver,
            type_resolver=type_resolver,
        )

    def _refuse(self, call: Call, outcome: str, errors: list[dict], cost: int) -> dict:
        call.outcome = outcome
        call.errors = [e.get("message", "") for e in errors]
        return {"errors": errors, "extensions": {"cost": self._cost(cost, None)}}

    def _cost(self, requested: int, actual: int | None) -> dict:
        return {
            "requestedQueryCost": requested,
            "actualQueryCost": actual,
            "throttleStatus": self.bucket.status(),
        }


def _max_cost_error(cost: int) -> dict:
    message = (
        f"Query cost is {cost}, which exceeds the single query max cost limit"
        f" ({MAX_QUERY_COST}).\n\nSee {MAX_COST_DOCS} for more information on how the\n"
        "cost of a query is calculated.\n\nTo query larger amounts of data with fewer limits,"
        " bulk operations should be used instead.\nSee"
        " https://shopify.dev/tutorials/perform-bulk-operations-with-admin-api for usage"
        " details.\n"
    )
    return {
        "message": message,
        "extensions": {"code": "MAX_COST_EXCEEDED", "cost": cost, "maxCost": MAX_QUERY_COST},
    }
