/** One step of the resize state machine (Step Functions calls it for every Task state). */
import middy from '@middy/core';
import { logErrors, withRuntime } from '../lib/lambda/middleware';
import { onResizeStep } from '../lib/lambda/resize-task';

export const handler = middy(onResizeStep).use(withRuntime()).use(logErrors());
