/** What the cleanup's writes answer, as the actions read them and the adapters give them. */

/** What a deletion came to: done, the resource already gone, or AWS refused because it is in use. */
export type Deleted = { status: 'applied' } | { status: 'gone' } | { status: 'in-use'; code: string };

/** A resource to tag or untag with the cleanup mark (alarms are tagged by ARN). */
export interface Tagged {
  id: string;
  arn?: string;
}

/** Per resource of a batch: the error message of those that failed. */
export type BatchResult = Map<string, string | undefined>;
