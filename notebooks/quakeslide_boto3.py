"""Points boto3 at a Quakeslide deployment: the embedded runtime (`npx quakeslide up`), LocalStack
or AWS. Only the connection lives here; the notebooks make every S3 / Step Functions call
themselves, as a script of yours would.

- embedded (default): endpoints, region, key pair and buckets from STATE_DIR/runtime.json, which
  `quakeslide up` writes (STATE_DIR: $QUAKESLIDE_STATE_DIR, else the nearest .quakeslide/ folder
  from here upwards). Endpoints are passed to boto3 explicitly, because Debian 12's boto3 (1.26)
  does not read the service-specific AWS_ENDPOINT_URL_S3 / _SFN / _LAMBDA variables.
- aws: boto3's own configuration (AWS_PROFILE, SSO, instance roles); buckets from
  QUAKESLIDE_DATA_BUCKET and QUAKESLIDE_RESULTS_BUCKET.
- localstack: AWS_ENDPOINT_URL (default http://localhost.localstack.cloud:4566), test/test keys.
"""
import json
import os
from dataclasses import dataclass
from pathlib import Path

import boto3
from botocore.config import Config

LOCALSTACK_ENDPOINT = "http://localhost.localstack.cloud:4566"


@dataclass
class Connection:
    target: str
    s3: object
    sfn: object
    lambda_: object
    data_bucket: str
    results_bucket: str

    def flow_arn(self, flow):
        """The ARN of a flow (state machine) by the end of its name, e.g. "hazard-pipeline"."""
        machines = self.sfn.list_state_machines()["stateMachines"]
        for machine in machines:
            if machine["name"] == flow or machine["name"].endswith("-" + flow):
                return machine["stateMachineArn"]
        names = ", ".join(m["name"] for m in machines)
        raise LookupError(f"no flow {flow!r} on the {self.target} target (it has: {names})")


def find_state_dir(start=None):
    """$QUAKESLIDE_STATE_DIR, else the first .quakeslide/runtime.json from `start` upwards."""
    if os.environ.get("QUAKESLIDE_STATE_DIR"):
        return Path(os.environ["QUAKESLIDE_STATE_DIR"])
    here = Path(start or Path.cwd()).resolve()
    for folder in [here, *here.parents]:
        if (folder / ".quakeslide" / "runtime.json").exists():
            return folder / ".quakeslide"
    raise FileNotFoundError(
        "no running embedded runtime found (.quakeslide/runtime.json): start one with "
        "`npx quakeslide up` in the Quakeslide folder, or set QUAKESLIDE_STATE_DIR"
    )


def connect(target=None):
    """boto3 clients and bucket names for the target ($QUAKESLIDE_TARGET, default embedded)."""
    target = target or os.environ.get("QUAKESLIDE_TARGET", "embedded")
    path_style = Config(s3={"addressing_style": "path"})
    if target == "embedded":
        runtime = json.loads((find_state_dir() / "runtime.json").read_text())
        keys = runtime["credentials"]  # the state folder's own key pair: requests must be signed with it
        session = boto3.session.Session(
            aws_access_key_id=keys["accessKeyId"],
            aws_secret_access_key=keys["secretAccessKey"],
            region_name=runtime["region"],
        )
        api = os.environ.get("AWS_ENDPOINT_URL_SFN", runtime["api"])
        return Connection(
            target,
            session.client("s3", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_S3", runtime["s3"]), config=path_style),
            session.client("stepfunctions", endpoint_url=api),
            session.client("lambda", endpoint_url=os.environ.get("AWS_ENDPOINT_URL_LAMBDA", api)),
            runtime["buckets"]["DataBucket"],
            runtime["buckets"]["ResultsBucket"],
        )
    if target == "localstack":
        endpoint = os.environ.get("AWS_ENDPOINT_URL", LOCALSTACK_ENDPOINT)
        session = boto3.session.Session(
            aws_access_key_id=os.environ.get("AWS_ACCESS_KEY_ID", "test"),
            aws_secret_access_key=os.environ.get("AWS_SECRET_ACCESS_KEY", "test"),
            region_name=os.environ.get("AWS_DEFAULT_REGION", "us-east-1"),
        )
        clients = [session.client(name, endpoint_url=endpoint) for name in ("stepfunctions", "lambda")]
        s3 = session.client("s3", endpoint_url=endpoint, config=path_style)
    elif target == "aws":
        session = boto3.session.Session()
        clients = [session.client(name) for name in ("stepfunctions", "lambda")]
        s3 = session.client("s3")
    else:
        raise ValueError(f"unknown target {target!r}: embedded, localstack or aws")
    buckets = [os.environ.get(name) for name in ("QUAKESLIDE_DATA_BUCKET", "QUAKESLIDE_RESULTS_BUCKET")]
    if not all(buckets):
        raise KeyError(f"set QUAKESLIDE_DATA_BUCKET and QUAKESLIDE_RESULTS_BUCKET for the {target} target")
    return Connection(target, s3, clients[0], clients[1], buckets[0], buckets[1])
