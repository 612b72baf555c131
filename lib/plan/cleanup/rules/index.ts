/**
 * The rule of each category (the ordered list of categories, with their options and permissions, is
 * `lib/model/cleanup-categories.ts`). A `Record` keyed by category, so that a category without a rule does not compile.
 */
import type { CleanupCategory } from '../../../model/cleanup';
import type { Rule } from '../rule';
import { alarmRule } from './alarm';
import { autoScalingGroupRule } from './auto-scaling-group';
import { elasticIpRule } from './elastic-ip';
import { imageRule } from './image';
import { instanceRule } from './instance';
import { launchConfigurationRule } from './launch-configuration';
import { launchTemplateRule } from './launch-template';
import { snapshotRule } from './snapshot';
import { subscriptionRule } from './subscription';
import { topicRule } from './topic';
import { volumeRule } from './volume';

export const RULES: Record<CleanupCategory, Rule> = {
  'elastic-ip': elasticIpRule,
  volume: volumeRule,
  snapshot: snapshotRule,
  image: imageRule,
  'launch-configuration': launchConfigurationRule,
  'launch-template': launchTemplateRule,
  alarm: alarmRule,
  topic: topicRule,
  subscription: subscriptionRule,
  'auto-scaling-group': autoScalingGroupRule,
  instance: instanceRule,
};
