/** What the resize planner and workflow know about one instance and the types it may move between. */

export interface ElasticIp {
  allocationId: string;
  publicIp: string;
  associationId?: string;
  /** Tagged `autopilot:managed=true` (adopted with its instance): the resize role may move only those. */
  managed?: boolean;
}

export interface InstanceFacts {
  id: string;
  type: string;
  /** `pending`, `running`, `stopping`, `stopped`, `shutting-down`, `terminated`. */
  state: string;
  availabilityZone?: string;
  privateIp?: string;
  publicIp?: string;
  subnetId?: string;
  vpcId?: string;
  securityGroupIds: string[];
  keyName?: string;
  iamInstanceProfileArn?: string;
  imageId?: string;
  /** `x86_64`, `arm64`, `i386`; absent when AWS (or an emulator) does not say. */
  architecture?: string;
  virtualizationType?: string;
  enaSupport?: boolean;
  rootDeviceType?: string;
  rootDeviceName?: string;
  volumeIds: string[];
  networkInterfaceCount: number;
  tags: Record<string, string>;
  elasticIp?: ElasticIp;
  /** Name of the Auto Scaling group the instance belongs to (stopping it would make the group replace it). */
  autoScalingGroup?: string;
  launchTime?: string;
}

export interface InstanceTypeFacts {
  type: string;
  architectures: string[];
  virtualizationTypes: string[];
  /** `required`, `supported`, `unsupported`. */
  enaSupport?: string;
  nvmeSupport?: string;
  rootDeviceTypes: string[];
  maxNetworkInterfaces?: number;
  maxEbsAttachments?: number;
  vcpus?: number;
  memoryMiB?: number;
}
