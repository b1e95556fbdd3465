import { ValidationError } from '../../errors';

/** An event Event Grid would refuse at publish (HTTP 400 from the topic). */
export class InvalidEventError extends ValidationError {
  override readonly code = 'InvalidEvent';
}

/** An event over Event Grid's 1 MB limit (HTTP 413 from the topic). */
export class EventTooLargeError extends ValidationError {
  override readonly code = 'EventTooLarge';
}
