"""Sign Data Pipeline calls for API Gateway (service name `execute-api`) when the endpoint is an API Gateway URL.

boto3:    import execute_api_signing; execute_api_signing.register(client)
AWS CLI:  in ~/.aws/config (PYTHONPATH must include tools/python):
              [plugins]
              execute_api_signing = execute_api_signing
              cli_legacy_plugin_path = /path/to/this/repo/tools/python    (AWS CLI v2 only)
"""
import re

API_GATEWAY_HOST = re.compile(r"^[a-z0-9]+\.execute-api\.[a-z0-9-]+\.amazonaws\.com(\.cn)?(:\d+)?$")


def _sign_for_execute_api(request, **kwargs):
    host = request.url.split("/")[2] if "://" in request.url else ""
    if API_GATEWAY_HOST.match(host):
        request.context.setdefault("signing", {})["signing_name"] = "execute-api"


def register(client):
    """boto3: make this Data Pipeline client sign for execute-api at API Gateway URLs."""
    client.meta.events.register("before-sign.data-pipeline.*", _sign_for_execute_api)
    return client


def awscli_initialize(cli):
    """AWS CLI plugin entry point."""
    cli.register("before-sign.data-pipeline.*", _sign_for_execute_api)
