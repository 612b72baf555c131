/**
 * One base class for every error the product raises on purpose. Subclasses carry a stable `name`,
 * the `cause` they wrap, and enough context to say what went wrong without a stack trace.
 *
 * `retryable` tells the Lambda shell whether throwing (so that AWS retries the invocation) can help:
 * bad input never becomes good by retrying; throttling and transient AWS faults may.
 */
export class AutopilotError extends Error {
  // A literal, not `new.target.name`: minifying renames classes, and the logs and Lambda's errorType
  // would then say "t". Every subclass declares its own name the same way.
  override readonly name: string = 'AutopilotError';
  readonly retryable: boolean = false;

  // Only to make the message required (Error's is optional).
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** Input that can never be processed as given: a malformed event, an invalid policy, an unknown flag. */
export class ValidationError extends AutopilotError {
  override readonly name = 'ValidationError';
  /** The dotted path of the offending field, e.g. `Records[0].Sns.Message.NewStateValue`. */
  readonly field: string;

  constructor(field: string, problem: string, options?: { cause?: unknown }) {
    super(field ? `${field}: ${problem}` : problem, options);
    this.field = field;
  }
}

/** The policy file is missing, unreadable or invalid; `issues` lists every problem found. */
export class PolicyError extends AutopilotError {
  override readonly name = 'PolicyError';
  readonly file: string;
  readonly issues: readonly string[];

  constructor(file: string, issues: readonly string[], options?: { cause?: unknown }) {
    super(
      `${file}: ${issues[0] ?? 'invalid policy'}${issues.length > 1 ? ` (and ${issues.length - 1} more)` : ''}`,
      options,
    );
    this.file = file;
    this.issues = issues;
  }
}

/** A call to AWS failed. Throttling and 5xx faults are retryable; access denied and bad requests are not. */
export class AwsCallError extends AutopilotError {
  override readonly name = 'AwsCallError';
  override readonly retryable: boolean;
  readonly operation: string;
  readonly code: string;

  constructor(
    operation: string,
    code: string,
    message: string,
    retryable: boolean,
    options?: { cause?: unknown },
  ) {
    super(`${operation} failed: ${code}: ${message}`, options);
    this.operation = operation;
    this.code = code;
    this.retryable = retryable;
  }
}

/** An action failed while being applied; what was already done is in `completed`. */
export class ActionFailedError extends AutopilotError {
  override readonly name = 'ActionFailedError';
  readonly actionType: string;

  constructor(actionType: string, message: string, options?: { cause?: unknown }) {
    super(`${actionType}: ${message}`, options);
    this.actionType = actionType;
  }
}

/** A resize step refuses: the resize must not happen (the state machine's Catch matches `Refused`). */
export class ResizeRefused extends AutopilotError {
  override readonly name = 'Refused';
}

/**
 * AWS refuses to create launch configurations in this account (`UnsupportedOperation` from
 * CreateLaunchConfiguration: accounts created on or after 1 October 2024 cannot create them by any
 * method). A group on a launch configuration can then only get a new image once it uses a launch template.
 */
export class LaunchConfigurationsUnavailable extends AutopilotError {
  override readonly name = 'LaunchConfigurationsUnavailable';
  /** The launch configuration the new one was to copy. */
  readonly launchConfiguration: string;

  constructor(launchConfiguration: string, options?: { cause?: unknown }) {
    super(
      `AWS does not let this account create launch configurations (accounts created since October 2024 cannot), ` +
        `so ${launchConfiguration} cannot be copied with the new image. Migrate the group to a launch template: ` +
        `create one from ${launchConfiguration} (EC2 console → Launch configurations → select it → Actions → ` +
        `Copy to launch template → Copy all, or CreateLaunchTemplate with the same AMI, instance type, key pair, ` +
        `security groups, user data, IAM instance profile and block devices), then switch the group to it ` +
        `(UpdateAutoScalingGroup with LaunchTemplate={LaunchTemplateName=<name>,Version=$Default}); ` +
        `the next image refresh then makes a new template version instead.`,
      options,
    );
    this.launchConfiguration = launchConfiguration;
  }
}

/** An event's action failed in a way a retry can mend: thrown so that Lambda retries the invocation. */
export class RetryableFailureError extends AutopilotError {
  override readonly name = 'RetryableFailureError';
  override readonly retryable = true;
}

/**
 * The function's time is nearly up: no AWS call starts (and no retry waits) past the deadline, so the
 * invocation ends cleanly and, being retryable, leaves its event for Lambda's retry.
 */
export class DeadlineExceededError extends AutopilotError {
  override readonly name = 'DeadlineExceededError';
  override readonly retryable = true;
}

export const isRetryable = (error: unknown): boolean => error instanceof AutopilotError && error.retryable;

export const errorMessage = (error: unknown): string =>
  error instanceof Error ? error.message : String(error);
