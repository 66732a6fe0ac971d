import { Duration, Size, Stack, type StackProps, Tags, Validations } from "aws-cdk-lib";
import * as batch from "aws-cdk-lib/aws-batch";
import * as ec2 from "aws-cdk-lib/aws-ec2";
import * as ecr from "aws-cdk-lib/aws-ecr";
import * as ecs from "aws-cdk-lib/aws-ecs";
import * as iam from "aws-cdk-lib/aws-iam";
import * as logs from "aws-cdk-lib/aws-logs";
import type { Construct } from "constructs";
import { MEMORY_LIMIT_ENV } from "../core/limits.ts";
import type { StageConfig } from "./config.ts";
import { grantPipelineObjectAccess } from "./grants.ts";
import { bucketName } from "./names.ts";

export interface ComputeStackProps extends StackProps {
  config: StageConfig;
}

/** A Batch job type: one image (folder under containers/), its size, queue and time limit. */
export interface ContainerJob {
  /** Folder under `containers/`, also the ECR repository suffix. */
  container: string;
  definition: batch.EcsJobDefinition;
  queue: batch.JobQueue;
  repository: ecr.Repository;
}

/**
 * Private VPC without NAT (S3 gateway endpoint + interface endpoints for ECR, ECS, logs), Batch
 * compute environments (CPU Spot first, on-demand fallback; GPU on-demand, g5/g6 class with the
 * ECS GPU AMI), their queues and the `sem` / `train` job definitions.
 */
export class ComputeStack extends Stack {
  readonly vpc: ec2.Vpc;
  readonly cpuQueue: batch.JobQueue;
  readonly gpuQueue: batch.JobQueue;
  readonly jobs: Record<"sem" | "train", ContainerJob>;

  constructor(scope: Construct, id: string, props: ComputeStackProps) {
    super(scope, id, props);
    this.vpc = createPrivateVpc(this);
    const securityGroup = new ec2.SecurityGroup(this, "BatchSecurityGroup", {
      vpc: this.vpc,
      description: "Batch instances: no inbound traffic, outbound to the VPC endpoints only",
      allowAllOutbound: true,
    });
    const subnets = { subnetType: ec2.SubnetType.PRIVATE_ISOLATED };
    const common = { vpc: this.vpc, vpcSubnets: subnets, securityGroups: [securityGroup], minvCpus: 0 };

    const cpuSpot = new batch.ManagedEc2EcsComputeEnvironment(this, "CpuSpotEnvironment", {
      ...common,
      spot: true,
      allocationStrategy: batch.AllocationStrategy.SPOT_PRICE_CAPACITY_OPTIMIZED,
      instanceClasses: [
        ec2.InstanceClass.C6I,
        ec2.InstanceClass.C7I,
        ec2.InstanceClass.M6I,
        ec2.InstanceClass.M7I,
      ],
      useOptimalInstanceClasses: false,
      maxvCpus: props.config.cpuMaxVcpus,
    });
    const cpuOnDemand = new batch.ManagedEc2EcsComputeEnvironment(this, "CpuOnDemandEnvironment", {
      ...common,
      spot: false,
      allocationStrategy: batch.AllocationStrategy.BEST_FIT_PROGRESSIVE,
      instanceClasses: [ec2.InstanceClass.C6I, ec2.InstanceClass.M6I],
      useOptimalInstanceClasses: false,
      maxvCpus: props.config.cpuMaxVcpus,
    });
    const gpu = new batch.ManagedEc2EcsComputeEnvironment(this, "GpuEnvironment", {
      ...common,
      spot: false,
      allocationStrategy: batch.AllocationStrategy.BEST_FIT_PROGRESSIVE,
      instanceTypes: ["g5.xlarge", "g5.2xlarge", "g6.xlarge", "g6.2xlarge"].map(
        (t) => new ec2.InstanceType(t),
      ),
      useOptimalInstanceClasses: false,
      images: [{ imageType: batch.EcsMachineImageType.ECS_AL2_NVIDIA }],
      maxvCpus: props.config.gpuMaxVcpus,
    });

    // Spot first; the on-demand environment takes jobs only when Spot capacity is not there.
    this.cpuQueue = new batch.JobQueue(this, "CpuQueue", {
      computeEnvironments: [
        { computeEnvironment: cpuSpot, order: 1 },
        { computeEnvironment: cpuOnDemand, order: 2 },
      ],
    });
    this.gpuQueue = new batch.JobQueue(this, "GpuQueue", {
      computeEnvironments: [{ computeEnvironment: gpu, order: 1 }],
    });
    for (const environment of [cpuSpot, cpuOnDemand, gpu]) {
      Validations.of(environment).acknowledge({
        id: "AwsSolutions-IAM4[Policy::arn:<AWS::Partition>:iam::aws:policy/service-role/AmazonEC2ContainerServiceforEC2Role]",
        reason:
          "The Batch instance role needs exactly what this AWS-maintained policy grants (ECS agent registration, " +
          "image pulls, logs); AWS updates it with the ECS agent. Job data access is on the separate job role.",
      });
    }

    const jobRole = new iam.Role(this, "JobRole", {
      assumedBy: new iam.ServicePrincipal("ecs-tasks.amazonaws.com"),
      description: "Quakeslide Batch jobs: read inputs, write results under runs/ and intermediate/",
    });
    grantPipelineObjectAccess(jobRole, props.config.stage, [
      "sem",
      "campaign-sem",
      "susceptibility-train",
      "peml-train",
    ]);

    this.jobs = {
      sem: this.containerJob("sem", {
        queue: this.cpuQueue,
        cpu: 8,
        memory: Size.gibibytes(16),
        timeout: Duration.hours(6),
        jobRole,
        config: props.config,
      }),
      train: this.containerJob("train", {
        queue: this.gpuQueue,
        cpu: 4,
        memory: Size.gibibytes(15),
        gpu: 1,
        timeout: Duration.hours(12),
        jobRole,
        config: props.config,
      }),
    };
  }

  private containerJob(
    container: "sem" | "train",
    options: {
      queue: batch.JobQueue;
      cpu: number;
      memory: Size;
      gpu?: number;
      timeout: Duration;
      jobRole: iam.IRole;
      config: StageConfig;
    },
  ): ContainerJob {
    const id = container === "sem" ? "Sem" : "Train";
    const repository = new ecr.Repository(this, `${id}Repository`, {
      repositoryName: `quakeslide-${options.config.stage}-${container}`,
      imageScanOnPush: true,
      imageTagMutability: ecr.TagMutability.MUTABLE,
      lifecycleRules: [{ description: "keep the last 20 images", maxImageCount: 20 }],
    });
    const logGroup = new logs.LogGroup(this, `${id}JobLogs`, { retention: logs.RetentionDays.THREE_MONTHS });
    // The entrypoint runs as many worker threads as the job has vCPUs.
    const environment: Record<string, string> = {
      QUAKESLIDE_CONTAINER: container,
      QUAKESLIDE_THREADS: String(options.cpu),
      // The job refuses work estimated past this (core/limits.ts): 80 % of the container's memory.
      [MEMORY_LIMIT_ENV]: String(Math.floor((options.memory.toMebibytes() * 1.048576 * 0.8) / 10) / 100),
      DATA_BUCKET: bucketName(options.config.stage, "data"),
      RESULTS_BUCKET: bucketName(options.config.stage, "results"),
    };
    if (options.config.endpointUrl) environment.AWS_ENDPOINT_URL = options.config.endpointUrl;
    const containerDefinition = new batch.EcsEc2ContainerDefinition(this, `${id}Container`, {
      image: ecs.ContainerImage.fromEcrRepository(repository, options.config.imageTag),
      cpu: options.cpu,
      memory: options.memory,
      gpu: options.gpu,
      jobRole: options.jobRole,
      environment,
      readonlyRootFilesystem: false, // the entrypoint stages inputs under /tmp
      logging: ecs.LogDriver.awsLogs({ logGroup, streamPrefix: container }),
    });
    Validations.of(containerDefinition).acknowledge({
      id: "AwsSolutions-IAM5[Resource::*]",
      reason:
        "ecr:GetAuthorizationToken (execution role) has no resource-level permissions; image pulls are scoped to the repository.",
    });
    const definition = new batch.EcsJobDefinition(this, `${id}JobDefinition`, {
      container: containerDefinition,
      timeout: options.timeout,
      retryAttempts: 3,
      retryStrategies: [
        // A reclaimed Spot instance (or any host failure) is not the job's fault: run it again.
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.custom({ onStatusReason: "Host EC2*" })),
        batch.RetryStrategy.of(batch.Action.RETRY, batch.Reason.CANNOT_PULL_CONTAINER),
        // Anything else (a program error, bad input) fails at once: a retry would fail the same way.
        batch.RetryStrategy.of(batch.Action.EXIT, batch.Reason.custom({ onReason: "*" })),
      ],
      // Job tags (campaign, scenario: set by the state machine) reach the ECS tasks, so that
      // split cost allocation data in the billing reports can be grouped by campaign.
      propagateTags: true,
    });
    Tags.of(definition).add("quakeslide:container", container);
    return { container, definition, queue: options.queue, repository };
  }
}

function createPrivateVpc(scope: Construct): ec2.Vpc {
  const vpc = new ec2.Vpc(scope, "Vpc", {
    maxAzs: 2,
    natGateways: 0,
    subnetConfiguration: [{ name: "private", subnetType: ec2.SubnetType.PRIVATE_ISOLATED, cidrMask: 20 }],
    gatewayEndpoints: { S3: { service: ec2.GatewayVpcEndpointAwsService.S3 } },
  });
  vpc.addFlowLog("FlowLog", {
    destination: ec2.FlowLogDestination.toCloudWatchLogs(
      new logs.LogGroup(scope, "FlowLogs", { retention: logs.RetentionDays.ONE_MONTH }),
    ),
  });
  // What a Batch instance without internet access needs: pull images, register with ECS, log.
  const interfaceEndpoints = {
    EcrApi: ec2.InterfaceVpcEndpointAwsService.ECR,
    EcrDocker: ec2.InterfaceVpcEndpointAwsService.ECR_DOCKER,
    Ecs: ec2.InterfaceVpcEndpointAwsService.ECS,
    EcsAgent: ec2.InterfaceVpcEndpointAwsService.ECS_AGENT,
    EcsTelemetry: ec2.InterfaceVpcEndpointAwsService.ECS_TELEMETRY,
    Logs: ec2.InterfaceVpcEndpointAwsService.CLOUDWATCH_LOGS,
  };
  for (const [name, service] of Object.entries(interfaceEndpoints)) {
    const endpoint = vpc.addInterfaceEndpoint(`${name}Endpoint`, { service, privateDnsEnabled: true });
    Validations.of(endpoint).acknowledge({
      id: "AwsSolutions-EC23",
      reason:
        "The rule cannot evaluate the intrinsic CIDR: the endpoint's only ingress is TCP 443 from this VPC's own CIDR.",
    });
  }
  return vpc;
}
