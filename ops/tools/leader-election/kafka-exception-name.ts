/**
 * The Java exception class Kafka's client throws for an error code
 * (`org.apache.kafka.common.errors.PreferredLeaderNotAvailableException`, ...), which Kafka's
 * tools print in front of the message. Most are the error name in CamelCase plus `Exception`;
 * the exceptions to that rule are listed.
 */
import type { ErrorName } from '../../../client/protocol/error-codes';

const PACKAGE = 'org.apache.kafka.common.errors';

const IRREGULAR: Partial<Record<ErrorName, string>> = {
  UNKNOWN_SERVER_ERROR: 'UnknownServerException',
  REQUEST_TIMED_OUT: 'TimeoutException',
  INVALID_TOPIC_EXCEPTION: 'InvalidTopicException',
  CLUSTER_AUTHORIZATION_FAILED: 'ClusterAuthorizationException',
  TOPIC_AUTHORIZATION_FAILED: 'TopicAuthorizationException',
};

export function kafkaExceptionName(error: ErrorName): string {
  const simple =
    IRREGULAR[error] ??
    `${error
      .toLowerCase()
      .split('_')
      .map((word) => word.charAt(0).toUpperCase() + word.slice(1))
      .join('')}Exception`;
  return `${PACKAGE}.${simple}`;
}
