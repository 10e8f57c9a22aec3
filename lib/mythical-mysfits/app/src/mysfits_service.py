"""The Mysfits service: the workshop's Flask API (modules 2 to 4 of "Build a Modern Application on AWS"),
answered from the mysfits table.

    GET    /                              health check (the load balancer's target group)
    GET    /mysfits                       every mysfit
    GET    /mysfits?filter=F&value=V      mysfits whose attribute F (GoodEvil or LawChaos) is V, from the
                                          table's index on F (a Query, not a Scan)
    GET    /mysfits/<mysfitId>            one mysfit
    POST   /mysfits/<mysfitId>/like       one more like
    DELETE /mysfits/<mysfitId>/like       one like fewer (never below 0): how `labs check` undoes its like
    POST   /mysfits/<mysfitId>/adopt      marks the mysfit adopted

Who may like and adopt is decided in front of the service: API Gateway's Cognito authorizer on those
methods (lib/mythical-mysfits/mysfits-api.ts). The service is reachable only through the load balancer.
Bad input is a 400 whose JSON names the field; the tests call every route over real HTTP against a local
DynamoDB (test/mythical-mysfits/service.test.ts).

Environment: MYSFITS_TABLE_NAME (required), ALLOWED_ORIGIN (the site's origin, sent as
Access-Control-Allow-Origin: API Gateway's HTTP proxy integration passes the service's headers through),
PORT (default 8080, the workshop's), HOST (default 0.0.0.0), AWS_REGION, and for local runs
DYNAMODB_ENDPOINT (a local DynamoDB such as dynalite).

Run it locally: MYSFITS_TABLE_NAME=<table> AWS_REGION=us-east-1 python3 src/mysfits_service.py
"""

import json
import os
import re
import sys
from decimal import Decimal

import boto3
from boto3.dynamodb.types import TypeDeserializer
from botocore.exceptions import ClientError
from flask import Flask, Response, request

# The attributes a list can be filtered by, each with its index and allowed values (the workshop's).
FILTERS = {
    "GoodEvil": {"index": "GoodEvilIndex", "values": ["Good", "Neutral", "Evil"]},
    "LawChaos": {"index": "LawChaosIndex", "values": ["Lawful", "Neutral", "Chaotic"]},
}

# The API's stage. API Gateway's documentation says that for private integrations it "includes the stage
# portion of the API endpoint in the request to backend resources" (prod/mysfits); its examples are VPC
# links V2, while this lab's integration URIs (VPC link V1) name the path in full. The service answers both.
# https://docs.aws.amazon.com/apigateway/latest/developerguide/private-integration.html
STAGE = "prod"

UUID = re.compile(r"^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$")
METHODS = ["GET", "HEAD", "POST", "PUT", "PATCH", "DELETE"]

_deserializer = TypeDeserializer()


def _plain(value):
    """DynamoDB numbers come back as Decimal; the workshop's JSON has plain numbers."""
    if isinstance(value, Decimal):
        return int(value) if value == value.to_integral_value() else float(value)
    return value


def to_mysfit(item):
    """A table item as the workshop's API returned it (camelCase keys)."""
    m = {k: _plain(_deserializer.deserialize(v)) for k, v in item.items()}
    return {
        "mysfitId": m.get("MysfitId"),
        "name": m.get("Name"),
        "species": m.get("Species"),
        "description": m.get("Description"),
        "age": m.get("Age"),
        "goodevil": m.get("GoodEvil"),
        "lawchaos": m.get("LawChaos"),
        "thumbImageUri": m.get("ThumbImageUri"),
        "profileImageUri": m.get("ProfileImageUri"),
        "likes": m.get("Likes", 0),
        "adopted": m.get("Adopted") is True,
    }


def ok(body, status=200):
    return status, body, {}


def fail(status, error, field=None):
    return status, ({"error": error, "field": field} if field else {"error": error}), {}


def not_allowed(allow):
    return 405, {"error": f"method not allowed here; allowed: {allow}"}, {"Allow": allow}


def show(value):
    """A value as JavaScript's JSON.stringify shows it in messages (None as null)."""
    return json.dumps(value)


class Mysfits:
    """The routes, over one DynamoDB client and table."""

    def __init__(self, dynamodb, table_name):
        self.dynamodb = dynamodb
        self.table = table_name

    def _all(self, operation, **params):
        items, start = [], None
        while True:
            out = operation(**params, **({"ExclusiveStartKey": start} if start else {}))
            items.extend(out.get("Items", []))
            start = out.get("LastEvaluatedKey")
            if not start:
                return items

    def _sorted(self, items):
        return sorted((to_mysfit(i) for i in items), key=lambda m: (m["name"] or "").lower())

    def list(self, args):
        filter_name, value = args.get("filter"), args.get("value")
        if filter_name is None and value is None:
            return ok({"mysfits": self._sorted(self._all(self.dynamodb.scan, TableName=self.table))})
        spec = FILTERS.get(filter_name)
        if spec is None:
            return fail(400, f"filter must be one of {', '.join(FILTERS)}, got {show(filter_name)}", "filter")
        if value not in spec["values"]:
            return fail(400, f"value for filter {filter_name} must be one of {', '.join(spec['values'])}, got {show(value)}", "value")
        items = self._all(
            self.dynamodb.query,
            TableName=self.table,
            IndexName=spec["index"],
            KeyConditionExpression="#f = :v",
            ExpressionAttributeNames={"#f": filter_name},
            ExpressionAttributeValues={":v": {"S": value}},
        )
        return ok({"mysfits": self._sorted(items)})

    def get(self, mysfit_id):
        out = self.dynamodb.get_item(TableName=self.table, Key={"MysfitId": {"S": mysfit_id}})
        return ok(to_mysfit(out["Item"])) if "Item" in out else fail(404, f"no mysfit {mysfit_id}", "mysfitId")

    def _update(self, mysfit_id, expression, values, condition=""):
        """An update of an existing mysfit, or None when there is none (or the condition fails)."""
        try:
            out = self.dynamodb.update_item(
                TableName=self.table,
                Key={"MysfitId": {"S": mysfit_id}},
                UpdateExpression=expression,
                ConditionExpression=f"attribute_exists(MysfitId){condition}",
                ExpressionAttributeValues=values,
                ReturnValues="ALL_NEW",
            )
            return ok(to_mysfit(out["Attributes"]))
        except ClientError as err:
            if err.response.get("Error", {}).get("Code") == "ConditionalCheckFailedException":
                return None
            raise

    def like(self, mysfit_id):
        done = self._update(mysfit_id, "SET Likes = if_not_exists(Likes, :zero) + :one", {":zero": {"N": "0"}, ":one": {"N": "1"}})
        return done or fail(404, f"no mysfit {mysfit_id}", "mysfitId")

    def unlike(self, mysfit_id):
        done = self._update(mysfit_id, "SET Likes = Likes - :one", {":one": {"N": "1"}, ":zero": {"N": "0"}}, " AND Likes > :zero")
        return done or self.get(mysfit_id)  # no such mysfit (404), or no like to take back (200 as it is)

    def adopt(self, mysfit_id):
        done = self._update(mysfit_id, "SET Adopted = :yes", {":yes": {"BOOL": True}})
        return done or fail(404, f"no mysfit {mysfit_id}", "mysfitId")

    def route(self, method, path, args):
        """The answer to one request: (status, body, headers)."""
        parts = [p for p in path.split("/") if p]
        if parts and parts[0] == STAGE:
            parts.pop(0)
        if not parts:
            return ok({"status": "ok", "service": "mysfits"}) if method in ("GET", "HEAD") else not_allowed("GET")
        if parts[0] != "mysfits" or len(parts) > 3:
            return fail(404, f"no route {path}: the API is under /mysfits", "path")
        if len(parts) == 1:
            return self.list(args) if method == "GET" else not_allowed("GET")
        mysfit_id = parts[1].lower()
        if not UUID.match(mysfit_id):
            return fail(400, f"mysfitId must be a UUID such as 4e53920c-505a-4a90-a694-b9300791f0ae, got {show(parts[1])}", "mysfitId")
        if len(parts) == 2:
            return self.get(mysfit_id) if method == "GET" else not_allowed("GET")
        if parts[2] == "like":
            if method == "POST":
                return self.like(mysfit_id)
            if method == "DELETE":
                return self.unlike(mysfit_id)
            return not_allowed("POST, DELETE")
        if parts[2] == "adopt":
            return self.adopt(mysfit_id) if method == "POST" else not_allowed("POST")
        return fail(404, f"no route {path}: a mysfit has /like and /adopt", "path")


def create_app(dynamodb, table_name, allowed_origin=None, log=None):
    """The Flask app. Every path goes through `Mysfits.route`, so bad input, unknown routes and wrong methods
    all answer JSON (Flask's own 404 and 405 pages are HTML)."""
    if not table_name:
        raise ValueError("MYSFITS_TABLE_NAME must name the mysfits table")
    log = log or (lambda line: print(line, flush=True))
    mysfits = Mysfits(dynamodb, table_name)
    app = Flask("mysfits")

    @app.route("/", defaults={"path": ""}, methods=METHODS)
    @app.route("/<path:path>", methods=METHODS)
    def handle(path):
        try:
            status, body, headers = mysfits.route(request.method, "/" + path, request.args)
        except Exception as err:  # noqa: BLE001 - the details go to the log, never to the caller
            log(json.dumps({"level": "error", "method": request.method, "path": "/" + path, "error": str(err)}))
            status, body, headers = 500, {"error": "the mysfits table could not be read or written; see the service log"}, {}
        response = Response(json.dumps(body), status=status, mimetype="application/json")
        response.headers["Cache-Control"] = "no-store"
        if allowed_origin:
            response.headers["Access-Control-Allow-Origin"] = allowed_origin
            response.headers["Vary"] = "Origin"
        for key, value in headers.items():
            response.headers[key] = value
        if path:  # the target group's health checks (GET /) are left out
            log(json.dumps({"method": request.method, "path": "/" + path, "status": status}))
        return response

    return app


def main():
    from waitress import create_server

    region = os.environ.get("AWS_REGION") or os.environ.get("AWS_DEFAULT_REGION")
    dynamodb = boto3.client("dynamodb", region_name=region, endpoint_url=os.environ.get("DYNAMODB_ENDPOINT") or None)
    app = create_app(dynamodb, os.environ.get("MYSFITS_TABLE_NAME"), os.environ.get("ALLOWED_ORIGIN") or None)
    # Idle connections stay open longer than the Network Load Balancer's 350-second TCP idle timeout, so the
    # load balancer, not the service, closes them.
    # https://docs.aws.amazon.com/elasticloadbalancing/latest/network/network-load-balancers.html#connection-idle-timeout
    server = create_server(app, host=os.environ.get("HOST", "0.0.0.0"), port=int(os.environ.get("PORT", "8080")), threads=4, channel_timeout=360)
    print(f"mysfits service on port {server.effective_port}", flush=True)
    server.run()


if __name__ == "__main__":
    try:
        main()
    except ValueError as err:
        print(f"mysfits service: {err}", file=sys.stderr)
        sys.exit(1)
