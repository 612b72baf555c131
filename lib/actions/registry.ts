/**
 * Every action type, by its `type`: the one place that lists them. A `Record` over the action union,
 * so a type without its module does not compile; the executor, the e-mails and the IAM roles all read
 * this list, and a package test walks it against the deployed roles.
 */
import type { Action, ActionType } from '../model/action';
import type { ActionModule } from './action-module';
import { deleteAutoScalingGroup } from './cleanup/delete-auto-scaling-group';
import { deleteLaunchConfiguration } from './cleanup/delete-launch-configuration';
import { deleteLaunchTemplateVersion } from './cleanup/delete-launch-template-version';
import { deleteSnapshot } from './cleanup/delete-snapshot';
import { deleteSubscription } from './cleanup/delete-subscription';
import { deleteTopic } from './cleanup/delete-topic';
import { deleteVolume } from './cleanup/delete-volume';
import { deprecateImage } from './cleanup/deprecate-image';
import { deregisterImage } from './cleanup/deregister-image';
import { markResource } from './cleanup/mark-resource';
import { releaseAddress } from './cleanup/release-address';
import { terminateInstance } from './cleanup/terminate-instance';
import { unmarkResource } from './cleanup/unmark-resource';
import { deleteAlarm } from './delete-alarm';
import { enableGroupMetrics } from './enable-group-metrics';
import { failOver } from './fail-over';
import { moveAddress } from './move-address';
import { refreshImage } from './refresh-image';
import { resizeInstance } from './resize-instance';
import { setDesiredCapacity } from './set-desired-capacity';
import { startInstanceRefresh } from './start-instance-refresh';
import { updateAlarm } from './update-alarm';

export const ACTIONS: { readonly [T in ActionType]: ActionModule<T> } = {
  'set-desired-capacity': setDesiredCapacity,
  'resize-instance': resizeInstance,
  'fail-over': failOver,
  'refresh-image': refreshImage,
  'start-instance-refresh': startInstanceRefresh,
  'move-address': moveAddress,
  'update-alarm': updateAlarm,
  'delete-alarm': deleteAlarm,
  'enable-group-metrics': enableGroupMetrics,
  'release-address': releaseAddress,
  'delete-volume': deleteVolume,
  'delete-snapshot': deleteSnapshot,
  'deregister-image': deregisterImage,
  'deprecate-image': deprecateImage,
  'delete-topic': deleteTopic,
  'delete-subscription': deleteSubscription,
  'delete-launch-configuration': deleteLaunchConfiguration,
  'delete-launch-template-version': deleteLaunchTemplateVersion,
  'delete-auto-scaling-group': deleteAutoScalingGroup,
  'terminate-instance': terminateInstance,
  'mark-resource': markResource,
  'unmark-resource': unmarkResource,
};

/** The module of an action, typed for it. */
export const moduleOf = <A extends Action>(a: A): ActionModule<A['type']> =>
  ACTIONS[a.type as ActionType] as unknown as ActionModule<A['type']>;
