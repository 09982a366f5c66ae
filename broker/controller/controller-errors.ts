/**
 * The controller's own errors.
 * - `ControllerMovedError`: this broker is no longer the controller — a fenced ZooKeeper write
 *   found a newer `/controller_epoch` zkVersion (KAFKA-6082), the election was lost, or the
 *   controller resigned while an event was running. The event loop answers it by resigning.
 * - `StateChangeFailedError`: one partition or replica could not make a state change (no live
 *   replica, no state znode, a newer controller already wrote it, ...); logged, never fatal.
 */
import { SamsaError } from '../../client/errors';

export class ControllerMovedError extends SamsaError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
  }
}

export class StateChangeFailedError extends SamsaError {
  constructor(message: string, cause?: unknown) {
    super(message, { retriable: false, cause });
  }
}
