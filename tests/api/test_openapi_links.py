"""The OpenAPI document links a new bonus run to its operations, as it links an award."""

from __future__ import annotations

RUN = "/api/v1/bonus-runs/{run_id}"


def test_a_created_run_links_to_every_operation_on_it(client):
    spec = client.get("/api/v1/openapi.json").json
    links = spec["paths"]["/api/v1/bonus-runs"]["post"]["responses"]["201"]["links"]
    targets = {link["operationId"]: link["parameters"] for link in links.values()}
    operations = {
        spec["paths"][path]["post" if path.endswith(("commit", "void", "paid")) else "get"][
            "operationId"
        ]
        for path in (RUN, f"{RUN}/commit", f"{RUN}/void", f"{RUN}/paid", f"{RUN}/payroll")
    }
    assert set(targets) == operations
    assert all(parameters == {"run_id": "$response.body#/id"} for parameters in targets.values())


def test_a_committed_run_links_on_to_void_and_paid(client):
    spec = client.get("/api/v1/openapi.json").json
    links = spec["paths"][f"{RUN}/commit"]["post"]["responses"]["200"]["links"]
    assert {"voidBonusRun", "markBonusRunPaid"} <= {link["operationId"] for link in links.values()}
